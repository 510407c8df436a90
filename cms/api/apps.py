from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ApiConfig(AppConfig):
    name = "cms.api"
    label = "cms_api"
    verbose_name = "Content API"

    def ready(self):
        from wagtail.models import Site

        from cms.api.queries import clear_sites_cache

        # The API matches requests to sites from a cached table (cms.api.queries).
        post_save.connect(clear_sites_cache, sender=Site, dispatch_uid="cms_api_sites_saved")
        post_delete.connect(clear_sites_cache, sender=Site, dispatch_uid="cms_api_sites_deleted")
