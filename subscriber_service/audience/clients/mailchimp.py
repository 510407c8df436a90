"""Typed operations on the Mailchimp audience (list) this service keeps in sync.

Built on :func:`platform_common.mailchimp.mailchimp_transport`, which holds
one of the account's 10 connection slots for every call and raises
:class:`~platform_common.mailchimp.MailchimpError` (``retryable`` for
timeouts, 429 and 5xx). Members are always addressed by subscriber hash.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings

from platform_common.mailchimp import (
    MailchimpError,
    MailchimpTransport,
    mailchimp_transport,
    subscriber_hash,
)


@dataclass(frozen=True)
class MemberData:
    """What Mailchimp should hold about one member."""

    email: str
    status: str  # subscribed | unsubscribed
    name: str = ""
    language: str = ""
    interests: dict[str, bool] = field(default_factory=dict)
    marketing_permission_id: str = ""

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "email_address": self.email,
            "status": self.status,
            "merge_fields": {"FNAME": self.name},
            "language": self.language,
        }
        if self.interests:
            body["interests"] = self.interests
        if self.marketing_permission_id:
            body["marketing_permissions"] = [
                {
                    "marketing_permission_id": self.marketing_permission_id,
                    "enabled": self.status == "subscribed",
                }
            ]
        return body


@dataclass(frozen=True)
class BatchResult:
    created: int
    updated: int
    # Address -> Mailchimp's reason, for the caller to record against its own rows.
    errors: dict[str, str]


class AudienceClient:
    def __init__(
        self, transport: MailchimpTransport | None = None, audience_id: str | None = None
    ) -> None:
        self.transport = transport or mailchimp_transport()
        self.audience_id = audience_id or settings.MAILCHIMP["AUDIENCE_ID"]

    def _member_path(self, email: str) -> str:
        return f"/lists/{self.audience_id}/members/{subscriber_hash(email)}"

    def member_upsert(self, member: MemberData) -> dict[str, Any]:
        """Create or update one member (``PUT`` by subscriber hash: safe to repeat)."""
        body = {**member.body(), "status_if_new": member.status}
        return self.transport.request("PUT", self._member_path(member.email), body=body) or {}

    def member_erase(self, *, hashed_id: str) -> None:
        """Erase a member for good (GDPR). A member Mailchimp does not have is already gone."""
        path = f"/lists/{self.audience_id}/members/{hashed_id}/actions/delete-permanent"
        try:
            self.transport.request("POST", path)
        except MailchimpError as error:
            if error.status_code != 404:
                raise

    def batch_upsert(self, members: list[MemberData]) -> BatchResult:
        """Create or update up to 500 members in one call (Mailchimp's batch subscribe)."""
        if len(members) > 500:
            raise ValueError("Mailchimp takes at most 500 members per batch")
        answer = (
            self.transport.request(
                "POST",
                f"/lists/{self.audience_id}",
                body={
                    "members": [member.body() for member in members],
                    "update_existing": True,
                },
            )
            or {}
        )
        return BatchResult(
            created=int(answer.get("total_created", 0)),
            updated=int(answer.get("total_updated", 0)),
            errors={
                str(error.get("email_address", "")).lower(): str(error.get("error", ""))
                for error in answer.get("errors", [])
            },
        )

    def members_changed_since(
        self, since: datetime | None, *, page_size: int = 1000
    ) -> Iterator[dict[str, Any]]:
        """Every member changed since ``since`` (all members with None), page by page."""
        offset = 0
        while True:
            query: dict[str, Any] = {"count": page_size, "offset": offset}
            if since is not None:
                query["since_last_changed"] = since.isoformat()
            answer = self.transport.request(
                "GET", f"/lists/{self.audience_id}/members", query=query
            )
            members = (answer or {}).get("members", [])
            yield from members
            offset += len(members)
            if len(members) < page_size or offset >= int((answer or {}).get("total_items", 0)):
                return
