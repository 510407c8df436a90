"""The URLs the content API's OpenAPI schema describes: the content API alone.

(The CMS's other DRF views, such as Wagtail's admin API, are not for external sites.)
"""

from django.urls import path

from cms.api.router import api_router

urlpatterns = [path("api/v2/", api_router.urls)]
