from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "cms.reports"
    label = "reports"
