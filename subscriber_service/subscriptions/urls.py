from django.urls import path

from subscriber_service.subscriptions import apis

urlpatterns = [
    path("v1/subscriptions/", apis.SubscriptionCreateApi.as_view(), name="subscription-create"),
    path(
        "v1/subscriptions/confirm/",
        apis.SubscriptionConfirmApi.as_view(),
        name="subscription-confirm",
    ),
    path("v1/preferences/<str:token>/", apis.PreferencesApi.as_view(), name="preferences"),
    path("v1/unsubscribe/", apis.UnsubscribeApi.as_view(), name="unsubscribe"),
    path("v1/resubscribe/", apis.ResubscribeApi.as_view(), name="resubscribe"),
    path("v1/privacy/requests/", apis.PrivacyRequestApi.as_view(), name="privacy-request"),
    path("v1/privacy/export/", apis.PrivacyExportApi.as_view(), name="privacy-export"),
    path("v1/privacy/erase/", apis.PrivacyEraseApi.as_view(), name="privacy-erase"),
    path("v1/interests/", apis.InterestListApi.as_view(), name="interest-list"),
    path("internal/audience/", apis.AudienceApi.as_view(), name="internal-audience"),
]
