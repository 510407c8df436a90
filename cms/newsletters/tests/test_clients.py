"""The newsletter service client against a real HTTP server on 127.0.0.1."""

import socket
from datetime import UTC, datetime

import pytest

from cms.newsletters.clients import (
    NewsletterServiceClient,
    NewsletterServiceRefused,
    NewsletterServiceUnavailable,
)
from cms.newsletters.tests.conftest import TOKEN


def test_creating_a_campaign_sends_the_token_the_editor_the_key_and_the_page(newsletter_service):
    client = NewsletterServiceClient(acting_user="amara")

    campaign = client.campaign_create(
        kind="invitation",
        page_id=42,
        subject="Join us in Geneva",
        preview_text="A training for defenders",
        language="fr",
        interests=["events"],
        idempotency_key="key-1",
    )

    request = newsletter_service.requests_to("POST", "/api/v1/campaigns/")[0]
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["X-Acting-User"] == "amara"
    assert request.headers["Idempotency-Key"] == "key-1"
    assert request.body == {
        "kind": "invitation",
        "page_ids": [42],
        "subject": "Join us in Geneva",
        "preview_text": "A training for defenders",
        "language": "fr",
        "interests": ["events"],
    }
    assert (campaign.kind, campaign.state, campaign.page_ids) == ("invitation", "draft", (42,))


def test_a_pages_campaigns_are_asked_for_by_every_page_id(newsletter_service):
    newsletter_service.add_campaign(page_ids=[7])
    newsletter_service.add_campaign(page_ids=[8])
    newsletter_service.add_campaign(page_ids=[99])

    campaigns = NewsletterServiceClient().campaigns_for_pages([7, 8])

    assert [campaign.page_ids for campaign in campaigns] == [(8,), (7,)]
    assert newsletter_service.requests[-1].query["page_id"] == ["7", "8"]


def test_audience_preview_test_schedule_send_and_report(newsletter_service):
    client = NewsletterServiceClient()
    campaign_id = newsletter_service.add_campaign(subject="Free them", page_ids=[3])["id"]
    when = datetime(2031, 5, 1, 9, 15, tzinfo=UTC)

    audience = client.audience_options()
    preview = client.campaign_preview(campaign_id)
    sent_to = client.campaign_send_test(campaign_id, emails=["a@rights.test", "b@rights.test"])
    scheduled = client.campaign_schedule(campaign_id, when=when, idempotency_key="k")

    assert audience.languages == ("en", "fr", "es")
    assert audience.interests[0].label("fr") == "Observatoire"
    assert audience.interests[1].label("fr") == "News and updates"
    assert "<h1>Free them</h1>" in preview.html
    assert sent_to == 2
    assert newsletter_service.requests_to("POST", f"/api/v1/campaigns/{campaign_id}/test/")[
        0
    ].body == {"emails": ["a@rights.test", "b@rights.test"]}
    assert scheduled.state == "scheduled"
    assert scheduled.scheduled_for == when
    assert client.campaign_report(campaign_id) is None  # not sent: the service has none

    newsletter_service.campaigns[campaign_id]["state"] = "sent"
    report = client.campaign_report(campaign_id)
    assert (report.emails_sent, report.unique_opens) == (3, 1)
    assert [t.to_state for t in client.campaign_transitions(campaign_id)] == ["draft"]


def test_a_refusal_carries_the_problems_message(newsletter_service):
    campaign_id = newsletter_service.add_campaign(state="sent")["id"]

    with pytest.raises(NewsletterServiceRefused) as refused:
        NewsletterServiceClient().campaign_send_now(campaign_id, idempotency_key="k")

    assert refused.value.status_code == 409
    assert refused.value.message == f"Campaign {campaign_id} is sent."
    assert refused.value.problem["title"] == "Not allowed in this state"


def test_a_validation_refusal_names_the_fields(newsletter_service):
    newsletter_service.failure = (
        400,
        {
            "status": 400,
            "detail": "The request has invalid fields.",
            "errors": {"emails": ["Enter a valid email address."]},
        },
    )

    with pytest.raises(NewsletterServiceRefused) as refused:
        NewsletterServiceClient().campaign_send_test(1, emails=["x@rights.test"])

    assert refused.value.message == (
        "The request has invalid fields. emails: Enter a valid email address."
    )


def test_a_wrong_token_is_a_refusal_not_an_outage(newsletter_service):
    with pytest.raises(NewsletterServiceRefused) as refused:
        NewsletterServiceClient(token="not-the-token").audience_options()

    assert refused.value.status_code == 401


def test_a_503_or_a_closed_port_is_unavailable(newsletter_service):
    newsletter_service.failure = (503, {"status": 503, "detail": "The CMS cannot be reached."})

    with pytest.raises(NewsletterServiceUnavailable):
        NewsletterServiceClient().campaign_send_now(1)
    assert len(newsletter_service.requests_to("POST", "/api/v1/campaigns/1/send/")) == 1

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with pytest.raises(NewsletterServiceUnavailable) as unavailable:
        NewsletterServiceClient(base_url=closed).audience_options()
    assert "127.0.0.1" not in unavailable.value.message  # no plumbing shown to editors


def test_unschedule_and_cancel_send_the_reason_and_key_and_a_refusal_names_the_state(
    newsletter_service,
):
    client = NewsletterServiceClient(acting_user="amara")
    scheduled = newsletter_service.add_campaign(
        state="scheduled", scheduled_for="2031-05-01T09:15:00+00:00"
    )["id"]
    sent = newsletter_service.add_campaign(state="sent")["id"]

    unscheduled = client.campaign_unschedule(scheduled, reason="Embargo", idempotency_key="u")
    cancelled = client.campaign_cancel(scheduled, idempotency_key="c")
    with pytest.raises(NewsletterServiceRefused) as refused:
        client.campaign_cancel(sent)

    request = newsletter_service.requests_to("POST", f"/api/v1/campaigns/{scheduled}/unschedule/")[
        0
    ]
    assert request.body == {"reason": "Embargo"}
    assert request.headers["Idempotency-Key"] == "u"
    assert (unscheduled.state, unscheduled.scheduled_for) == ("draft", None)
    assert cancelled.state == "cancelled"
    assert refused.value.status_code == 409
    assert refused.value.problem["state"] == "sent"
