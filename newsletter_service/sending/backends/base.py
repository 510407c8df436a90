"""The campaign backend interface: what sending needs from an email service provider.

Chosen by ``NEWSLETTER_SEND_BACKEND`` (wagtail-newsletter's pattern): Mailchimp
in production, a local stand-in for the demo, room for SMTP later. Every
method may raise :class:`CampaignBackendError`; ``retryable`` says whether
trying again later can help.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# What the provider says of a campaign. "schedule", "sending" and "sent" mean it
# will go or went: a send must never be asked for again.
STATUS_SAVE = "save"
STATUS_SCHEDULE = "schedule"
STATUS_SENDING = "sending"
STATUS_SENT = "sent"
WILL_GO_OR_WENT = frozenset({STATUS_SCHEDULE, STATUS_SENDING, STATUS_SENT})
WENT = frozenset({STATUS_SENDING, STATUS_SENT})


class CampaignBackendError(Exception):
    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        status_code: int | None = None,
        detail: Any = None,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status_code = status_code
        self.detail = detail


@dataclass(frozen=True)
class CampaignSpec:
    """Everything the provider needs to know of a campaign, besides its content."""

    title: str
    subject: str
    preview_text: str
    from_name: str
    reply_to: str
    language: str
    list_id: str
    segment_opts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportFigures:
    emails_sent: int
    opens: int
    unique_opens: int
    clicks: int
    unique_clicks: int
    unsubscribes: int
    bounces: int


class CampaignBackend(ABC):
    @abstractmethod
    def create(self, spec: CampaignSpec) -> str:
        """Create the campaign; return its id at the provider."""

    @abstractmethod
    def find(self, *, title: str, list_id: str) -> str | None:
        """The id of an unsent campaign with this title, if the provider has one."""

    @abstractmethod
    def update(self, campaign_id: str, spec: CampaignSpec) -> None:
        """Change an unsent campaign's settings and recipients."""

    @abstractmethod
    def set_content(self, campaign_id: str, *, html: str, text: str) -> None: ...

    @abstractmethod
    def send_test(self, campaign_id: str, *, emails: list[str]) -> None: ...

    @abstractmethod
    def schedule(self, campaign_id: str, *, when: datetime) -> None: ...

    @abstractmethod
    def unschedule(self, campaign_id: str) -> None: ...

    @abstractmethod
    def send(self, campaign_id: str) -> None: ...

    @abstractmethod
    def status(self, campaign_id: str) -> str:
        """save, schedule, sending or sent."""

    @abstractmethod
    def report(self, campaign_id: str) -> ReportFigures: ...
