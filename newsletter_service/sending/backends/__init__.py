"""The campaign backend chosen by ``NEWSLETTER_SEND_BACKEND``: "mailchimp" or "local"."""

from __future__ import annotations

from django.conf import settings

from .base import CampaignBackend, CampaignBackendError, CampaignSpec, ReportFigures

__all__ = [
    "CampaignBackend",
    "CampaignBackendError",
    "CampaignSpec",
    "ReportFigures",
    "get_backend",
]


def get_backend() -> CampaignBackend:
    name = settings.NEWSLETTER_SEND_BACKEND
    if name == "mailchimp":
        from .mailchimp import MailchimpCampaignBackend

        return MailchimpCampaignBackend()
    if name == "local":
        from .local import LocalCampaignBackend

        return LocalCampaignBackend()
    raise ValueError(f"Unknown NEWSLETTER_SEND_BACKEND {name!r}: use 'mailchimp' or 'local'")
