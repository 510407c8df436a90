from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from platform_common.urls import platform_urlpatterns
from subscriber_service.abuse.apis import ChallengeApi
from subscriber_service.audience.apis import MailchimpWebhookView
from subscriber_service.subscriptions.apis import OneClickUnsubscribeView

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
    path("api/v1/challenge/", ChallengeApi.as_view(), name="abuse-challenge"),
    path("api/", include("subscriber_service.subscriptions.urls")),
    # RFC 8058: what List-Unsubscribe points at; mail clients POST to it.
    path(
        "one-click-unsubscribe/<str:token>/",
        OneClickUnsubscribeView.as_view(),
        name="one-click-unsubscribe",
    ),
    path(
        "mailchimp/webhook/<str:secret>/",
        MailchimpWebhookView.as_view(),
        name="mailchimp-webhook",
    ),
]

urlpatterns += i18n_patterns(
    path("", include("subscriber_service.pages.urls")),
    prefix_default_language=False,
)
