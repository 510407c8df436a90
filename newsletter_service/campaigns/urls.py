from django.urls import path

from newsletter_service.campaigns import apis

urlpatterns = [
    path("", apis.CampaignListCreateApi.as_view(), name="campaign-list"),
    path("<int:campaign_id>/", apis.CampaignDetailApi.as_view(), name="campaign-detail"),
    path("<int:campaign_id>/preview/", apis.CampaignPreviewApi.as_view(), name="campaign-preview"),
    path("<int:campaign_id>/test/", apis.CampaignTestApi.as_view(), name="campaign-test"),
    path(
        "<int:campaign_id>/schedule/", apis.CampaignScheduleApi.as_view(), name="campaign-schedule"
    ),
    path(
        "<int:campaign_id>/unschedule/",
        apis.CampaignUnscheduleApi.as_view(),
        name="campaign-unschedule",
    ),
    path("<int:campaign_id>/send/", apis.CampaignSendApi.as_view(), name="campaign-send"),
    path("<int:campaign_id>/cancel/", apis.CampaignCancelApi.as_view(), name="campaign-cancel"),
    path("<int:campaign_id>/report/", apis.CampaignReportApi.as_view(), name="campaign-report"),
    path(
        "<int:campaign_id>/transitions/",
        apis.CampaignTransitionsApi.as_view(),
        name="campaign-transitions",
    ),
]
