"""The errors campaign services raise; each becomes an RFC 9457 answer (platform_common.api)."""

from __future__ import annotations

from platform_common.api import ApplicationError


class IllegalTransition(ApplicationError):
    """The campaign's state does not allow this (a sent campaign cannot be scheduled...)."""

    status_code = 409
    title = "Not allowed in this state"


class CampaignBusy(ApplicationError):
    """Another operation on the campaign is talking to the email provider right now."""

    status_code = 409
    title = "Campaign busy"


class ContentInvalid(ApplicationError):
    """The campaign's content cannot be built: a page is not live, nothing is translated..."""

    title = "Content cannot be built"


class DependencyUnavailable(ApplicationError):
    """The CMS, the subscriber service or the email provider cannot be reached: try later."""

    status_code = 503
    title = "Service unavailable"

    def __init__(self, detail: str, **kwargs) -> None:
        kwargs.setdefault("headers", {"Retry-After": "30"})
        super().__init__(detail, **kwargs)


class ProviderRefused(ApplicationError):
    """The email provider refused the request, and retrying will not change that."""

    status_code = 502
    title = "Email provider refused"


class DigestDraftExists(ApplicationError):
    """There is one next digest per language: the draft to edit already exists."""

    status_code = 409
    title = "Digest draft exists"
