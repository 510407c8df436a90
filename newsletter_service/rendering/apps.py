from django.apps import AppConfig


class RenderingConfig(AppConfig):
    """Turns a campaign's content snapshot (CMS API JSON) into an email."""

    name = "newsletter_service.rendering"
    label = "rendering"
    verbose_name = "Email rendering"
