from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "newsletter_service.campaigns"
    label = "campaigns"
