"""Each kind of campaign end to end: created, previewed, test-sent, scheduled, sent once.

Against the fake Mailchimp through the real SDK (requests and answers checked
against Mailchimp's spec by the ``mailchimp`` fixture), the CMS stand-in and
the subscriber service's audience mapping.
"""

from datetime import UTC, datetime, timedelta

import pytest

from newsletter_service.campaigns.models import Campaign
from newsletter_service.sending.services import campaigns_sweep

pytestmark = pytest.mark.django_db

KINDS = [
    ("single", [55], ["news"]),
    ("digest", [47, 46], ["monitor"]),
    ("invitation", [18], ["events"]),
    ("appeal", [20], ["appeals"]),
]


def _next_quarter_plus_seven_minutes() -> tuple[datetime, datetime]:
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=1)
    asked = start.replace(minute=7)
    return asked, asked.replace(minute=15)


@pytest.mark.parametrize(("kind", "page_ids", "interests"), KINDS)
def test_each_kind_is_previewed_tested_scheduled_on_a_quarter_hour_and_sent_once(
    kind, page_ids, interests, platform, staff_client, add_member, mailchimp_clock, run_on_commit
):
    mailchimp, cms = platform["mailchimp"], platform["cms"]
    add_member("reader@rights.test", language="en", interests=interests)
    add_member("lecteur@rights.test", language="fr", interests=interests)
    other = "appeals" if interests != ["appeals"] else "news"
    add_member("other@rights.test", language="en", interests=[other])

    created = run_on_commit(
        staff_client.post,
        "/api/v1/campaigns/",
        {
            "kind": kind,
            "subject": f"Our {kind}",
            "preview_text": "Read it first",
            "language": "en",
            "interests": interests,
            "page_ids": page_ids,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    campaign_id = created.json()["id"]
    assert created.json()["state"] == "draft"

    preview = staff_client.post(f"/api/v1/campaigns/{campaign_id}/preview/")
    assert preview.status_code == 200, preview.content
    for page_id in page_ids:
        assert cms.pages[page_id]["title"] in preview.json()["text"]
    assert preview.json()["subject"] == f"Our {kind}"

    tested = staff_client.post(
        f"/api/v1/campaigns/{campaign_id}/test/", {"emails": ["me@rights.test"]}, format="json"
    )
    assert tested.status_code == 200, tested.content
    assert mailchimp.test_sends[-1]["test_emails"] == ["me@rights.test"]

    asked, mark = _next_quarter_plus_seven_minutes()
    scheduled = run_on_commit(
        staff_client.post,
        f"/api/v1/campaigns/{campaign_id}/schedule/",
        {"scheduled_for": asked.isoformat()},
        format="json",
    )
    assert scheduled.status_code == 200, scheduled.content
    assert scheduled.json()["state"] == "scheduled"
    assert datetime.fromisoformat(scheduled.json()["scheduled_for"]) == mark
    campaign = Campaign.objects.get(pk=campaign_id)
    at_mailchimp = mailchimp.campaign(campaign.mailchimp_campaign_id)
    assert at_mailchimp["status"] == "schedule"
    assert datetime.fromisoformat(at_mailchimp["send_time"].replace("Z", "+00:00")) == mark
    assert campaign.snapshot["pages"] and campaign.rendered_html

    mailchimp_clock.advance(days=1, hours=1)
    run_on_commit(campaigns_sweep, now=mark + timedelta(minutes=1))
    run_on_commit(campaigns_sweep, now=mark + timedelta(minutes=2))

    campaign.refresh_from_db()
    assert campaign.state == "sent"
    assert mailchimp.sent_to(campaign.mailchimp_campaign_id) == ["reader@rights.test"]
    assert len(mailchimp.state()["campaigns"]) == 1
    assert mailchimp.requests_to("POST", r"/actions/send$") == []
    transitions = staff_client.get(f"/api/v1/campaigns/{campaign_id}/transitions/").json()
    assert [(t["from_state"], t["to_state"]) for t in transitions] == [
        ("", "draft"),
        ("draft", "scheduled"),
        ("scheduled", "sent"),
    ]
    assert transitions[1]["actor"] == "user:editor"
    assert "quarter-hour" in transitions[1]["reason"]


def test_send_now_sends_once_and_a_second_send_is_refused(
    platform, staff_client, add_member, run_on_commit
):
    mailchimp = platform["mailchimp"]
    add_member("reader@rights.test", language="en", interests=["news"])
    campaign_id = run_on_commit(
        staff_client.post,
        "/api/v1/campaigns/",
        {
            "kind": "single",
            "subject": "Now",
            "language": "en",
            "interests": ["news"],
            "page_ids": [55],
        },
        format="json",
    ).json()["id"]

    sent = run_on_commit(staff_client.post, f"/api/v1/campaigns/{campaign_id}/send/")
    again = run_on_commit(staff_client.post, f"/api/v1/campaigns/{campaign_id}/send/")

    assert sent.status_code == 200, sent.content
    assert Campaign.objects.get(pk=campaign_id).state == "sent"
    assert again.status_code == 409
    assert "sent" in again.json()["detail"]
    campaign = Campaign.objects.get(pk=campaign_id)
    assert mailchimp.sent_to(campaign.mailchimp_campaign_id) == ["reader@rights.test"]
    assert len(mailchimp.requests_to("POST", r"/actions/send$")) == 1


def test_the_segment_matches_the_chosen_interests_and_language(
    platform, staff_client, add_member, run_on_commit
):
    mailchimp = platform["mailchimp"]
    add_member("fr-monitor@rights.test", language="fr", interests=["monitor"])
    add_member("fr-events@rights.test", language="fr", interests=["events", "news"])
    add_member("fr-news@rights.test", language="fr", interests=["news"])
    add_member("en-monitor@rights.test", language="en", interests=["monitor"])
    add_member("es-events@rights.test", language="es", interests=["events"])

    campaign_id = run_on_commit(
        staff_client.post,
        "/api/v1/campaigns/",
        {
            "kind": "single",
            "subject": "Observatoire",
            "language": "fr",
            "interests": ["monitor", "events"],
            "page_ids": [9],
        },
        format="json",
    ).json()["id"]
    run_on_commit(staff_client.post, f"/api/v1/campaigns/{campaign_id}/send/")

    campaign = Campaign.objects.get(pk=campaign_id)
    assert campaign.state == "sent"
    assert sorted(mailchimp.sent_to(campaign.mailchimp_campaign_id)) == [
        "fr-events@rights.test",
        "fr-monitor@rights.test",
    ]
    assert [page["id"] for page in campaign.snapshot["pages"]] == [70]  # the French translation
    segment = mailchimp.campaign(campaign.mailchimp_campaign_id)["recipients"]["segment_opts"]
    assert segment["match"] == "all"


def test_a_frozen_campaign_keeps_what_it_was_built_from_after_the_cms_changes(
    platform, staff_client, run_on_commit
):
    cms = platform["cms"]
    campaign_id = run_on_commit(
        staff_client.post,
        "/api/v1/campaigns/",
        {
            "kind": "single",
            "subject": "Kept",
            "language": "en",
            "interests": ["news"],
            "page_ids": [46],
        },
        format="json",
    ).json()["id"]
    original = cms.pages[46]["title"]
    run_on_commit(staff_client.post, f"/api/v1/campaigns/{campaign_id}/send/")

    cms.retitle(46, "Edited after the send")
    cms.unpublish(46)
    preview = staff_client.post(f"/api/v1/campaigns/{campaign_id}/preview/")

    assert preview.status_code == 200
    assert original in preview.json()["text"]


def test_an_interest_the_subscriber_service_does_not_offer_is_a_400_before_anything_is_sent(
    platform, staff_client, run_on_commit
):
    campaign_id = run_on_commit(
        staff_client.post,
        "/api/v1/campaigns/",
        {
            "kind": "single",
            "subject": "Who?",
            "language": "en",
            "interests": ["gardening"],
            "page_ids": [55],
        },
        format="json",
    ).json()["id"]

    answer = run_on_commit(staff_client.post, f"/api/v1/campaigns/{campaign_id}/send/")

    assert answer.status_code == 400
    assert answer.json()["field"] == "interests"
    assert "gardening" in answer.json()["detail"]
    assert Campaign.objects.get(pk=campaign_id).state == "draft"
    assert platform["mailchimp"].requests_to("POST", r"^/campaigns") == []
