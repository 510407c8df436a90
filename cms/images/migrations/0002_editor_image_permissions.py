"""Give Wagtail's Editors and Moderators the same rights on our image model as on Wagtail's own.

Wagtail grants its default groups permissions on ``wagtailimages.Image``; with
a custom image model those rights must be granted on it, or editors cannot
upload or choose any image.
"""

from django.db import migrations

CODENAMES = ("add_customimage", "change_customimage", "delete_customimage", "choose_customimage")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    image_type, _ = ContentType.objects.get_or_create(app_label="images", model="customimage")
    permissions = [
        Permission.objects.get_or_create(
            content_type=image_type,
            codename=codename,
            defaults={"name": f"Can {codename.split('_')[0]} image"},
        )[0]
        for codename in CODENAMES
    ]
    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    for group in Group.objects.filter(name__in=["Editors", "Moderators"]):
        for permission in permissions:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root, permission=permission
            )


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0001_initial"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
