from django.conf import settings

from newsletter_service.celery import app


def test_every_beat_entry_names_a_registered_task_of_this_service():
    app.loader.import_default_modules()

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
        assert entry["task"].startswith("newsletter_service.")
        assert entry["schedule"] > 0
