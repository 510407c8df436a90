from django.apps import AppConfig


class SendingConfig(AppConfig):
    name = "newsletter_service.sending"
    label = "sending"
