"""Two-factor pages, mounted under the Wagtail admin at ``/admin/2fa/`` (see ``cms/urls.py``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.DevicesView.as_view(), name="accounts_2fa_devices"),
    path("verify/", views.VerifyView.as_view(), name="accounts_2fa_verify"),
    path("enrol/", views.EnrolView.as_view(), name="accounts_2fa_enrol"),
    path(
        "devices/<int:pk>/delete/",
        views.DeviceDeleteView.as_view(),
        name="accounts_2fa_device_delete",
    ),
]
