from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "newsletter_service.content"
    label = "content"
    verbose_name = "Content from the CMS"
