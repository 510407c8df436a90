from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from newsletter_service.campaigns.apis import AudienceApi
from newsletter_service.campaigns.views import campaign_browser_preview
from newsletter_service.webhooks.apis import CmsEventReceiveApi
from platform_common.urls import platform_urlpatterns

# Under /api/, what Django refuses, an unknown address or a crash answers problem
# details like every other API error.
handler400 = "platform_common.api.bad_request"
handler404 = "platform_common.api.not_found"
handler500 = "platform_common.api.server_error"

urlpatterns = [
    *platform_urlpatterns,
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/campaigns/", include("newsletter_service.campaigns.urls")),
    path("api/v1/audience/", AudienceApi.as_view(), name="audience-options"),
    path("api/v1/cms-events/", CmsEventReceiveApi.as_view(), name="cms-events"),
    path(
        "campaigns/<int:campaign_id>/preview/",
        campaign_browser_preview,
        name="campaign-browser-preview",
    ),
]
