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


def member_body(
    email: str,
    status: str,
    name: str,
    language: str,
    interests: dict[str, bool],
    marketing_permissions: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    """The JSON body Mailchimp gets for one member: the one place its shape is written.

    ``marketing_permissions`` comes from :func:`marketing_permissions`. Callers that build
    thousands of bodies may pass the same ``interests`` and ``marketing_permissions``
    objects to many members: bodies are only serialised, never changed.
    """
    body: dict[str, Any] = {
        "email_address": email,
        "status": status,
        "merge_fields": {"FNAME": name},
        "language": language,
    }
    if interests:
        body["interests"] = interests
    if marketing_permissions:
        body["marketing_permissions"] = marketing_permissions
    return body


def marketing_permissions(permission_id: str, status: str) -> list[dict[str, Any]] | None:
    """The marketing permission a member has: granted while subscribed; None if not set up."""
    if not permission_id:
        return None
    return [{"marketing_permission_id": permission_id, "enabled": status == "subscribed"}]


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
        return member_body(
            self.email,
            self.status,
            self.name,
            self.language,
            self.interests,
            marketing_permissions(self.marketing_permission_id, self.status),
        )


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
        return self.batch_upsert_bodies([member.body() for member in members])

    def batch_upsert_bodies(self, bodies: list[dict[str, Any]]) -> BatchResult:
        """:meth:`batch_upsert` for bodies already built with :func:`member_body`."""
        if len(bodies) > 500:
            raise ValueError("Mailchimp takes at most 500 members per batch")
        answer = (
            self.transport.request(
                "POST",
                f"/lists/{self.audience_id}",
                body={"members": bodies, "update_existing": True},
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
