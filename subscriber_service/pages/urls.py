"""Hosted pages for supporters, in every language (``/fr/...``, ``/es/...``)."""

from django.urls import path

from subscriber_service.pages import views

app_name = "pages"

urlpatterns = [
    path("subscribe/", views.SignupView.as_view(), name="signup"),
    path("subscribe/sent/", views.SignupSentView.as_view(), name="signup-sent"),
    path("confirm/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
    path("preferences/<str:token>/", views.PreferencesView.as_view(), name="preferences"),
    path("unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path(
        "unsubscribe/<str:token>/undo/",
        views.UnsubscribeUndoView.as_view(),
        name="unsubscribe-undo",
    ),
    path("privacy/", views.PrivacyRequestView.as_view(), name="privacy"),
    path("privacy/<str:token>/", views.PrivacyConfirmView.as_view(), name="privacy-confirm"),
    path("embed/signup/", views.EmbedSignupView.as_view(), name="embed-signup"),
]
