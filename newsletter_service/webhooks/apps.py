from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "newsletter_service.webhooks"
    label = "webhooks"
    verbose_name = "CMS events"
