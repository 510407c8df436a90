"""The "Protected" collection: images whose files must never be public.

It carries a privacy restriction (signed-in users only), so its images are
left out of the content API (Wagtail excludes restricted collections) and
their files are kept in private storage (``cms.images.storage``). Photos of
defenders whose face must not be shown are moved into it automatically
(``cms.stories``).
"""

from django.db import migrations

NAME = "Protected (never public)"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEP = 4


def _key(number: int) -> str:
    digits = ""
    while number:
        number, digit = divmod(number, len(ALPHABET))
        digits = ALPHABET[digit] + digits
    return digits.rjust(STEP, "0")


def create(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    CollectionViewRestriction = apps.get_model("wagtailcore", "CollectionViewRestriction")
    root = Collection.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    collection = Collection.objects.filter(depth=2, name=NAME).first()
    if collection is None:
        last = Collection.objects.filter(depth=2, path__startswith=root.path).order_by("-path")
        last = last.first()
        number = int(last.path[-STEP:], len(ALPHABET)) + 1 if last else 1
        collection = Collection.objects.create(
            name=NAME, path=root.path + _key(number), depth=2, numchild=0
        )
        root.numchild += 1
        root.save(update_fields=["numchild"])
    CollectionViewRestriction.objects.get_or_create(
        collection=collection, defaults={"restriction_type": "login"}
    )


def remove(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    CustomImage = apps.get_model("images", "CustomImage")
    Document = apps.get_model("wagtaildocs", "Document")
    collection = Collection.objects.filter(depth=2, name=NAME).first()
    if collection is None:
        return
    if CustomImage.objects.filter(collection=collection).exists():
        return  # images still in it: leave it (and them) protected
    if Document.objects.filter(collection=collection).exists():
        return
    collection.view_restrictions.all().delete()
    root = Collection.objects.get(depth=1, path=collection.path[:STEP])
    collection.delete()
    root.numchild = max(0, root.numchild - 1)
    root.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0003_image_file_storage"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create, remove)]
