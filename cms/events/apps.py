from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "cms.events"
    label = "events"
    verbose_name = "Publish events"

    def ready(self):
        from cms.events import receivers

        receivers.connect()
