"""Editors may view, add and change taxonomies and people; Moderators may also delete them."""

from django.db import migrations

MODELS = ("country", "theme", "programme", "sustainabledevelopmentgoal", "person")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    def permission(action, model):
        content_type, _ = ContentType.objects.get_or_create(app_label="taxonomy", model=model)
        return Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_{model}",
            defaults={"name": f"Can {action} {model}"},
        )[0]

    rights = {"Editors": ("view", "add", "change"), "Moderators": ("view", "add", "change", "delete")}
    for group in Group.objects.filter(name__in=rights):
        group.permissions.add(
            *[permission(action, model) for action in rights[group.name] for model in MODELS]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("taxonomy", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
