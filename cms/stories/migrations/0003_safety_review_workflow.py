"""The safety review every high-risk story goes through: a moderator, then another person."""

from django.db import migrations

WORKFLOW_NAME = "Defender story safety review"
REVIEWERS = "Safety reviewers"


def create_workflow(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    SecondApprovalTask = apps.get_model("stories", "SecondApprovalTask")

    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    reviewers.permissions.add(access_admin)
    moderators, _ = Group.objects.get_or_create(name="Moderators")

    if Workflow.objects.filter(name=WORKFLOW_NAME).exists():
        return
    workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    first = GroupApprovalTask.objects.create(
        name="Moderator review",
        active=True,
        content_type=ContentType.objects.get_for_model(GroupApprovalTask),
    )
    first.groups.set([moderators])
    second = SecondApprovalTask.objects.create(
        name="Second approval (safety)",
        active=True,
        content_type=ContentType.objects.get_for_model(SecondApprovalTask),
    )
    second.groups.set([reviewers, moderators])
    WorkflowTask.objects.create(workflow=workflow, task=first.task_ptr, sort_order=0)
    WorkflowTask.objects.create(workflow=workflow, task=second.task_ptr, sort_order=1)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0002_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_workflow, migrations.RunPython.noop)]
