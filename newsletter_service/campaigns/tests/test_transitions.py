"""Illegal transitions are refused with a 409 naming the state; nothing changes."""

from datetime import UTC, datetime, timedelta

import pytest

from newsletter_service.campaigns.models import Campaign
from newsletter_service.campaigns.tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

State = Campaign.State
LATER = datetime.now(UTC) + timedelta(days=2)


@pytest.mark.parametrize(
    ("state", "method", "action", "body"),
    [
        (State.SENT, "post", "send", {}),
        (State.SENT, "post", "cancel", {}),
        (State.SENT, "post", "schedule", {"scheduled_for": LATER.isoformat()}),
        (State.CANCELLED, "post", "schedule", {"scheduled_for": LATER.isoformat()}),
        (State.CANCELLED, "post", "send", {}),
        (State.DRAFT, "post", "unschedule", {}),
        (State.SENDING, "post", "cancel", {}),
        (State.FAILED, "post", "send", {}),
        (State.SCHEDULED, "post", "send", {}),
        (State.SCHEDULED, "patch", "", {"subject": "Changed"}),
        (State.SENT, "post", "test", {"emails": ["me@rights.test"]}),
    ],
)
def test_an_illegal_transition_is_a_409_naming_the_state_and_changes_nothing(
    staff_client, state, method, action, body
):
    campaign = CampaignFactory(
        state=state, scheduled_for=LATER if state == State.SCHEDULED else None
    )
    url = f"/api/v1/campaigns/{campaign.pk}/" + (f"{action}/" if action else "")

    answer = getattr(staff_client, method)(url, body, format="json")

    assert answer.status_code == 409, answer.content
    problem = answer.json()
    assert answer["Content-Type"] == "application/problem+json"
    assert problem["state"] == state
    assert state in problem["detail"]
    campaign.refresh_from_db()
    assert campaign.state == state
    assert not campaign.transitions.exists()


def test_a_scheduled_campaign_whose_time_has_passed_cannot_be_unscheduled(staff_client):
    campaign = CampaignFactory(
        state=State.SCHEDULED, scheduled_for=datetime.now(UTC) - timedelta(minutes=1)
    )

    answer = staff_client.post(f"/api/v1/campaigns/{campaign.pk}/unschedule/")

    assert answer.status_code == 409
    assert "passed" in answer.json()["detail"]


def test_unscheduling_returns_a_draft_to_live_content_and_records_who_and_why(
    staff_client, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory(
        state=State.SCHEDULED, scheduled_for=LATER, snapshot={"pages": []}, rendered_html="<p>"
    )

    with django_capture_on_commit_callbacks(execute=True):
        answer = staff_client.post(
            f"/api/v1/campaigns/{campaign.pk}/unschedule/",
            {"reason": "the date moved"},
            format="json",
        )

    assert answer.status_code == 200, answer.content
    campaign.refresh_from_db()
    assert campaign.state == State.DRAFT
    assert campaign.snapshot is None and campaign.scheduled_for is None
    transition = campaign.transitions.get()
    assert (transition.from_state, transition.to_state) == (State.SCHEDULED, State.DRAFT)
    assert (transition.actor, transition.reason) == ("user:editor", "the date moved")


def test_a_time_in_the_past_is_refused_with_a_400_naming_scheduled_for(staff_client):
    campaign = CampaignFactory()

    answer = staff_client.post(
        f"/api/v1/campaigns/{campaign.pk}/schedule/",
        {"scheduled_for": (datetime.now(UTC) - timedelta(hours=1)).isoformat()},
        format="json",
    )

    assert answer.status_code == 400
    assert answer.json()["field"] == "scheduled_for"
    assert Campaign.objects.get(pk=campaign.pk).state == State.DRAFT
