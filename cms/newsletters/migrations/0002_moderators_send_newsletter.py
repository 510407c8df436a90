"""Moderators may send pages as newsletters; Editors may not (an administrator can add them)."""

from django.db import migrations


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    # Made here: Django creates permissions only after all migrations have run.
    content_type, _ = ContentType.objects.get_or_create(
        app_label="newsletters", model="newslettersending"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="send_newsletter",
        defaults={"name": "Can send pages as newsletters"},
    )
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permission = Permission.objects.filter(
        content_type__app_label="newsletters", codename="send_newsletter"
    ).first()
    if permission is not None:
        for group in Group.objects.filter(name="Moderators"):
            group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
