from django.apps import AppConfig


class MonitorConfig(AppConfig):
    name = "cms.monitor"
    label = "monitor"
