from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "cms.resources"
    label = "resources"
