"""The typed client of the newsletter service's campaign API, for the Wagtail admin.

The CMS calls it with its own credential (``NEWSLETTER_SERVICE_TOKEN``, client
``cms`` in the newsletter service's ``SERVICE_CLIENTS``) and names the editor
it acts for in ``X-Acting-User``, so the campaign's history says who did what.
The token never reaches a browser: every call is made by the CMS's views.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_datetime

from platform_common.http import (
    ServiceHttpClient,
    ServiceResponseError,
    ServiceUnavailableError,
)

logger = logging.getLogger(__name__)


class NewsletterServiceError(Exception):
    """The newsletter service could not do what was asked; ``message`` is for the editor."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NewsletterServiceUnavailable(NewsletterServiceError):
    """Timeout, refused connection or 5xx (its 503s: a dependency is down): try again later."""


class NewsletterServiceRefused(NewsletterServiceError):
    """A 4xx: the request is wrong for the campaign's state or content. ``problem`` is its body."""

    def __init__(self, message: str, *, status_code: int, problem: dict[str, Any]) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.problem = problem


@dataclass(frozen=True)
class Interest:
    key: str
    labels: dict[str, str]

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels.get("en") or self.key


@dataclass(frozen=True)
class AudienceOptions:
    languages: tuple[str, ...]
    interests: tuple[Interest, ...]


@dataclass(frozen=True)
class Campaign:
    id: int
    kind: str
    state: str
    subject: str
    preview_text: str
    language: str
    interests: tuple[str, ...]
    page_ids: tuple[int, ...]
    scheduled_for: datetime | None
    sent_at: datetime | None
    created_by: str
    created_at: datetime | None
    last_error: str
    render_warnings: tuple[str, ...]

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Campaign:
        return cls(
            id=int(data["id"]),
            kind=data["kind"],
            state=data["state"],
            subject=data.get("subject", ""),
            preview_text=data.get("preview_text", ""),
            language=data.get("language", ""),
            interests=tuple(data.get("interests") or ()),
            page_ids=tuple(int(page_id) for page_id in data.get("page_ids") or ()),
            scheduled_for=_datetime(data.get("scheduled_for")),
            sent_at=_datetime(data.get("sent_at")),
            created_by=data.get("created_by", ""),
            created_at=_datetime(data.get("created_at")),
            last_error=data.get("last_error", ""),
            render_warnings=tuple(data.get("render_warnings") or ()),
        )

    @property
    def is_draft(self) -> bool:
        return self.state == "draft"


@dataclass(frozen=True)
class Preview:
    subject: str
    preview_text: str
    html: str
    text: str
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    emails_sent: int
    opens: int
    unique_opens: int
    clicks: int
    unique_clicks: int
    unsubscribes: int
    bounces: int
    fetched_at: datetime | None


@dataclass(frozen=True)
class Transition:
    from_state: str
    to_state: str
    actor: str
    reason: str
    created_at: datetime | None


def _datetime(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def problem_message(body: Any, status_code: int) -> str:
    """The editor-readable sentence of an RFC 9457 answer, with the fields it names."""
    if not isinstance(body, dict):
        return f"The newsletter service refused the request ({status_code})."
    message = str(body.get("detail") or body.get("title") or f"Refused ({status_code}).")
    errors = body.get("errors")
    if isinstance(errors, dict):
        details = "; ".join(
            f"{field}: {' '.join(map(str, problems)) if isinstance(problems, list) else problems}"
            for field, problems in errors.items()
        )
        message = f"{message} {details}"
    return message


class NewsletterServiceClient(ServiceHttpClient):
    """One method per thing the "Send as newsletter" screens need.

    Reads use ``NEWSLETTER_SERVICE["timeout"]``; calls that build or send an
    email (preview, test, schedule, send) wait up to ``send_timeout``. GETs
    are retried on connection errors and 502/503/504; POSTs are not, and carry
    an ``Idempotency-Key`` so that an editor's repeated click is answered with
    the first result instead of a second effect.
    """

    def __init__(
        self,
        *,
        acting_user: str = "",
        base_url: str | None = None,
        token: str | None = None,
        timeout: float | None = None,
        send_timeout: float | None = None,
    ) -> None:
        config = settings.NEWSLETTER_SERVICE
        super().__init__(
            base_url=base_url or config["url"],
            token=config["token"] if token is None else token,
            timeout=config["timeout"] if timeout is None else timeout,
            user_agent="rights-platform-cms/newsletter-client",
        )
        self.send_timeout = config["send_timeout"] if send_timeout is None else send_timeout
        if acting_user:
            self.session.headers["X-Acting-User"] = acting_user[:100]

    # --- plumbing ------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        idempotency_key: str = "",
        slow: bool = False,
    ) -> Any:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        try:
            response = self.request(
                method,
                path,
                json=json,
                params=params,
                headers=headers,
                timeout=self.send_timeout if slow else None,
            )
        except ServiceUnavailableError as error:
            logger.warning("newsletter service unavailable: %s", error)
            raise NewsletterServiceUnavailable(
                "The newsletter service cannot be reached or cannot reach what it needs "
                "right now; nothing was changed. Try again in a minute."
            ) from error
        except ServiceResponseError as error:
            raise NewsletterServiceRefused(
                problem_message(error.body, error.status_code),
                status_code=error.status_code,
                problem=error.body if isinstance(error.body, dict) else {},
            ) from error
        return response.json() if response.content else None

    # --- reads ---------------------------------------------------------------------------

    def audience_options(self) -> AudienceOptions:
        """``GET /api/v1/audience/``: the interests and languages a campaign can target."""
        data = self._call("GET", "/api/v1/audience/")
        return AudienceOptions(
            languages=tuple(data.get("languages") or ()),
            interests=tuple(
                Interest(key=item["key"], labels=dict(item.get("labels") or {}))
                for item in data.get("interests") or ()
            ),
        )

    def campaign_get(self, campaign_id: int) -> Campaign:
        return Campaign.from_api(self._call("GET", f"/api/v1/campaigns/{campaign_id}/"))

    def campaigns_for_pages(self, page_ids: list[int], *, limit: int = 50) -> list[Campaign]:
        """The newest campaigns built from any of ``page_ids`` (a page and its translations)."""
        data = self._call(
            "GET", "/api/v1/campaigns/", params={"page_id": list(page_ids), "limit": limit}
        )
        return [Campaign.from_api(item) for item in data.get("results") or ()]

    def campaign_report(self, campaign_id: int) -> Report | None:
        """Opens, clicks...; ``None`` until the newsletter service has fetched one."""
        try:
            data = self._call("GET", f"/api/v1/campaigns/{campaign_id}/report/")
        except NewsletterServiceRefused as error:
            if error.status_code == 404:
                return None
            raise
        return Report(
            **{
                name: int(data.get(name) or 0)
                for name in (
                    "emails_sent",
                    "opens",
                    "unique_opens",
                    "clicks",
                    "unique_clicks",
                    "unsubscribes",
                    "bounces",
                )
            },
            fetched_at=_datetime(data.get("fetched_at")),
        )

    def campaign_transitions(self, campaign_id: int) -> list[Transition]:
        data = self._call("GET", f"/api/v1/campaigns/{campaign_id}/transitions/")
        return [
            Transition(
                from_state=item.get("from_state", ""),
                to_state=item["to_state"],
                actor=item.get("actor", ""),
                reason=item.get("reason", ""),
                created_at=_datetime(item.get("created_at")),
            )
            for item in data or ()
        ]

    def campaign_preview(self, campaign_id: int) -> Preview:
        """The email's HTML and text (live content for a draft, what was frozen otherwise)."""
        data = self._call("POST", f"/api/v1/campaigns/{campaign_id}/preview/", slow=True)
        return Preview(
            subject=data["subject"],
            preview_text=data.get("preview_text", ""),
            html=data["html"],
            text=data.get("text", ""),
            warnings=tuple(data.get("warnings") or ()),
        )

    # --- writes --------------------------------------------------------------------------

    def campaign_create(
        self,
        *,
        kind: str,
        page_id: int,
        subject: str,
        preview_text: str,
        language: str,
        interests: list[str],
        idempotency_key: str = "",
    ) -> Campaign:
        """A draft campaign of one CMS page."""
        data = self._call(
            "POST",
            "/api/v1/campaigns/",
            json={
                "kind": kind,
                "page_ids": [page_id],
                "subject": subject,
                "preview_text": preview_text,
                "language": language,
                "interests": list(interests),
            },
            idempotency_key=idempotency_key,
        )
        return Campaign.from_api(data)

    def campaign_send_test(
        self, campaign_id: int, *, emails: list[str], idempotency_key: str = ""
    ) -> int:
        """Send the email as it stands to up to 10 addresses; returns how many."""
        data = self._call(
            "POST",
            f"/api/v1/campaigns/{campaign_id}/test/",
            json={"emails": list(emails)},
            idempotency_key=idempotency_key,
            slow=True,
        )
        return int(data["sent_to"])

    def campaign_schedule(
        self, campaign_id: int, *, when: datetime, reason: str = "", idempotency_key: str = ""
    ) -> Campaign:
        """Freeze the content and schedule the send (moved up to the next quarter hour)."""
        data = self._call(
            "POST",
            f"/api/v1/campaigns/{campaign_id}/schedule/",
            json={"scheduled_for": when.isoformat(), "reason": reason},
            idempotency_key=idempotency_key,
            slow=True,
        )
        return Campaign.from_api(data)

    def campaign_send_now(
        self, campaign_id: int, *, reason: str = "", idempotency_key: str = ""
    ) -> Campaign:
        """Freeze the content and send it now; the newsletter service sends it exactly once."""
        data = self._call(
            "POST",
            f"/api/v1/campaigns/{campaign_id}/send/",
            json={"reason": reason},
            idempotency_key=idempotency_key,
            slow=True,
        )
        return Campaign.from_api(data)

    def campaign_unschedule(
        self, campaign_id: int, *, reason: str = "", idempotency_key: str = ""
    ) -> Campaign:
        """Back to a draft: nothing is sent at the scheduled time (a 409 once it has passed)."""
        data = self._call(
            "POST",
            f"/api/v1/campaigns/{campaign_id}/unschedule/",
            json={"reason": reason},
            idempotency_key=idempotency_key,
        )
        return Campaign.from_api(data)

    def campaign_cancel(
        self, campaign_id: int, *, reason: str = "", idempotency_key: str = ""
    ) -> Campaign:
        """Cancel a draft or a scheduled campaign for good (a 409 for any other state)."""
        data = self._call(
            "POST",
            f"/api/v1/campaigns/{campaign_id}/cancel/",
            json={"reason": reason},
            idempotency_key=idempotency_key,
        )
        return Campaign.from_api(data)
