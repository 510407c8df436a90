from django.apps import AppConfig


class AbuseConfig(AppConfig):
    name = "subscriber_service.abuse"
    label = "abuse"
    verbose_name = "Signup abuse protection"
