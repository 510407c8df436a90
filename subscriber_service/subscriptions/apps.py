from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriber_service.subscriptions"
    label = "subscriptions"

    def ready(self) -> None:
        from subscriber_service.subscriptions import handlers  # noqa: F401 (registers them)
