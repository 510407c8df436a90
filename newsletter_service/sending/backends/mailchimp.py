"""Campaigns at Mailchimp, through :func:`platform_common.mailchimp.mailchimp_transport`.

Each call holds one of the account's 10 connection slots (shared with the
subscriber service) and Mailchimp's errors come back as
:class:`~newsletter_service.sending.backends.base.CampaignBackendError`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from platform_common.mailchimp import MailchimpError, MailchimpTransport, mailchimp_transport

from .base import CampaignBackend, CampaignBackendError, CampaignSpec, ReportFigures

# How many recent campaigns are searched for one created by a worker that died.
FIND_WINDOW = 200


def _error(error: MailchimpError, action: str) -> CampaignBackendError:
    return CampaignBackendError(
        f"Mailchimp refused to {action}: {error.title}"
        + (f" ({error.detail.get('detail')})" if isinstance(error.detail, dict) else ""),
        retryable=error.retryable,
        status_code=error.status_code,
        detail=error.detail,
    )


class MailchimpCampaignBackend(CampaignBackend):
    def __init__(self, transport: MailchimpTransport | None = None) -> None:
        self.transport = transport or mailchimp_transport()

    def _call(self, action: str, method: str, path: str, **kwargs: Any) -> Any:
        try:
            return self.transport.request(method, path, **kwargs)
        except MailchimpError as error:
            raise _error(error, action) from error

    @staticmethod
    def _body(spec: CampaignSpec) -> dict[str, Any]:
        recipients: dict[str, Any] = {"list_id": spec.list_id}
        if spec.segment_opts:
            recipients["segment_opts"] = spec.segment_opts
        return {
            "recipients": recipients,
            "settings": {
                "subject_line": spec.subject,
                "preview_text": spec.preview_text,
                "title": spec.title,
                "from_name": spec.from_name,
                "reply_to": spec.reply_to,
            },
        }

    def create(self, spec: CampaignSpec) -> str:
        answer = self._call(
            "create the campaign",
            "POST",
            "/campaigns",
            body={"type": "regular", **self._body(spec)},
        )
        return answer["id"]

    def find(self, *, title: str, list_id: str) -> str | None:
        answer = self._call(
            "list campaigns",
            "GET",
            "/campaigns",
            query={
                "list_id": list_id,
                "count": FIND_WINDOW,
                "sort_field": "create_time",
                "sort_dir": "DESC",
            },
        )
        for campaign in (answer or {}).get("campaigns", []):
            if campaign.get("settings", {}).get("title") == title:
                return campaign["id"]
        return None

    def update(self, campaign_id: str, spec: CampaignSpec) -> None:
        self._call(
            "update the campaign", "PATCH", f"/campaigns/{campaign_id}", body=self._body(spec)
        )

    def set_content(self, campaign_id: str, *, html: str, text: str) -> None:
        self._call(
            "set the campaign's content",
            "PUT",
            f"/campaigns/{campaign_id}/content",
            body={"html": html, "plain_text": text},
        )

    def send_test(self, campaign_id: str, *, emails: list[str]) -> None:
        self._call(
            "send a test",
            "POST",
            f"/campaigns/{campaign_id}/actions/test",
            body={"test_emails": emails, "send_type": "html"},
        )

    def schedule(self, campaign_id: str, *, when: datetime) -> None:
        moment = when.astimezone(UTC).replace(microsecond=0)
        self._call(
            "schedule the campaign",
            "POST",
            f"/campaigns/{campaign_id}/actions/schedule",
            body={"schedule_time": moment.isoformat().replace("+00:00", "Z")},
        )

    def unschedule(self, campaign_id: str) -> None:
        self._call(
            "unschedule the campaign", "POST", f"/campaigns/{campaign_id}/actions/unschedule"
        )

    def send(self, campaign_id: str) -> None:
        self._call("send the campaign", "POST", f"/campaigns/{campaign_id}/actions/send")

    def status(self, campaign_id: str) -> str:
        answer = self._call(
            "read the campaign", "GET", f"/campaigns/{campaign_id}", query={"fields": "id,status"}
        )
        return answer["status"]

    def report(self, campaign_id: str) -> ReportFigures:
        answer = self._call("read the campaign's report", "GET", f"/reports/{campaign_id}")
        opens, clicks = answer.get("opens", {}), answer.get("clicks", {})
        bounces = answer.get("bounces", {})
        return ReportFigures(
            emails_sent=int(answer.get("emails_sent", 0)),
            opens=int(opens.get("opens_total", 0)),
            unique_opens=int(opens.get("unique_opens", 0)),
            clicks=int(clicks.get("clicks_total", 0)),
            unique_clicks=int(clicks.get("unique_subscriber_clicks", 0)),
            unsubscribes=int(answer.get("unsubscribed", 0)),
            bounces=int(bounces.get("hard_bounces", 0)) + int(bounces.get("soft_bounces", 0)),
        )
