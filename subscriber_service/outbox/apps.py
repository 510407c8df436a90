from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "subscriber_service.outbox"
    label = "outbox"
