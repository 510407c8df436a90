from django.apps import AppConfig


class AudienceConfig(AppConfig):
    name = "subscriber_service.audience"
    label = "audience"

    def ready(self) -> None:
        from subscriber_service.audience import handlers  # noqa: F401 (registers them)
