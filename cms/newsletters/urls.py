"""Mounted in the Wagtail admin at ``/admin/newsletters/`` (``wagtail_hooks.py``)."""

from django.urls import path

from cms.newsletters import views

app_name = "newsletters"

urlpatterns = [
    path("pages/<int:page_id>/", views.PageNewslettersView.as_view(), name="page"),
    path(
        "pages/<int:page_id>/campaigns/<int:campaign_id>/",
        views.CampaignView.as_view(),
        name="campaign",
    ),
    path(
        "pages/<int:page_id>/campaigns/<int:campaign_id>/unschedule/",
        views.CampaignChangeView.as_view(),
        {"change": "unschedule"},
        name="unschedule",
    ),
    path(
        "pages/<int:page_id>/campaigns/<int:campaign_id>/cancel/",
        views.CampaignChangeView.as_view(),
        {"change": "cancel"},
        name="cancel",
    ),
    path(
        "pages/<int:page_id>/campaigns/<int:campaign_id>/preview/",
        views.CampaignPreviewView.as_view(),
        name="preview",
    ),
]
