from django.urls import path

from platform_common import health
from platform_common.apis import WhoAmIApi

platform_urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/internal/whoami", WhoAmIApi.as_view(), name="internal-whoami"),
]
