from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "subscriber_service.pages"
    label = "pages"
