"""Give every existing person the default locale and a translation key of their own."""

import uuid

from django.conf import settings
from django.db import migrations


def populate(apps, schema_editor):
    Person = apps.get_model("taxonomy", "Person")
    Locale = apps.get_model("wagtailcore", "Locale")
    people = Person.objects.filter(locale__isnull=True)
    if not people.exists():
        return
    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    for person in people:
        person.locale = locale
        person.translation_key = uuid.uuid4()
        person.save(update_fields=["locale", "translation_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("taxonomy", "0003_person_translatable_fields"),
        ("wagtailcore", "0054_initial_locale"),
    ]

    # Backwards: nothing to undo, the fields are nullable again one step earlier.
    operations = [migrations.RunPython(populate, migrations.RunPython.noop)]
