from django.db import migrations

INTERESTS = [
    (
        "monitor",
        {
            "en": "Human Rights Monitor",
            "fr": "Observatoire des droits humains",
            "es": "Monitor de derechos humanos",
        },
    ),
    (
        "news",
        {"en": "News and updates", "fr": "Actualités", "es": "Noticias y novedades"},
    ),
    (
        "events",
        {"en": "Events and invitations", "fr": "Événements et invitations", "es": "Eventos e invitaciones"},
    ),
    ("appeals", {"en": "Appeals", "fr": "Appels", "es": "Llamamientos"}),
]


def add_interests(apps, schema_editor):
    Interest = apps.get_model("subscriptions", "Interest")
    for position, (key, labels) in enumerate(INTERESTS):
        Interest.objects.get_or_create(key=key, defaults={"labels": labels, "position": position})


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0001_initial")]

    operations = [migrations.RunPython(add_interests, migrations.RunPython.noop)]
