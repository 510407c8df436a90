"""Exactly once: a send survives crashes, redeliveries and errors without a second send."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsletter_service.campaigns import services
from newsletter_service.campaigns.models import Campaign
from newsletter_service.sending import services as sending
from newsletter_service.sending.backends import get_backend

pytestmark = pytest.mark.django_db


@pytest.fixture
def sending_campaign(platform, add_member):
    """A campaign moved to ``sending`` and committed, whose sync task has not run yet."""
    add_member("reader@rights.test", language="en", interests=["news"])
    add_member("other@rights.test", language="en", interests=["appeals"])
    campaign = services.campaign_create(
        kind="single",
        subject="Once",
        language="en",
        interests=["news"],
        page_ids=[55],
        actor="user:editor",
    )
    # The on-commit task is not run here: each test plays the worker's part itself.
    return services.campaign_send_now(campaign=campaign, actor="user:editor")


def _sends(mailchimp):
    return mailchimp.requests_to("POST", r"/actions/send$")


def test_sending_is_committed_before_anything_is_sent(sending_campaign, mailchimp):
    campaign = Campaign.objects.get(pk=sending_campaign.pk)

    assert campaign.state == "sending" and campaign.sync_due
    assert campaign.snapshot["pages"][0]["id"] == 55
    assert mailchimp.requests_to("POST", r"^/campaigns$") == []


def test_a_worker_killed_after_mailchimp_accepted_the_send_does_not_send_twice(
    sending_campaign, mailchimp, run_on_commit
):
    campaign = Campaign.objects.get(pk=sending_campaign.pk)
    # The first worker claims the campaign, creates it at Mailchimp and has the send
    # accepted, then dies before the database records it.
    Campaign.objects.filter(pk=campaign.pk).update(
        sync_lease_until=timezone.now() + sending.LEASE, sync_attempts=1
    )
    backend = get_backend()
    spec = sending.campaign_spec(campaign=campaign)
    provider_id = sending.provider_campaign_ensure(campaign=campaign, spec=spec, backend=backend)
    sending.provider_content_push(
        backend=backend,
        provider_id=provider_id,
        spec=spec,
        html=campaign.rendered_html,
        text=campaign.rendered_text,
    )
    backend.send(provider_id)
    assert Campaign.objects.get(pk=campaign.pk).state == "sending"

    # The task is redelivered at once: the dead worker's lease still holds it.
    assert sending.campaign_sync(campaign_id=campaign.pk).result == "skipped"
    # Once the lease has run out, the sweeper queues it again and it asks Mailchimp first.
    Campaign.objects.filter(pk=campaign.pk).update(
        sync_lease_until=timezone.now() - timedelta(seconds=1)
    )
    run_on_commit(sending.campaigns_sweep)

    campaign.refresh_from_db()
    assert campaign.state == "sent" and not campaign.sync_due
    assert len(_sends(mailchimp)) == 1
    assert mailchimp.sent_to(provider_id) == ["reader@rights.test"]
    assert "reports the campaign sent" in campaign.transitions.last().reason
    assert sending.campaign_sync(campaign_id=campaign.pk).result == "skipped"


def test_a_claimed_sync_is_held_for_the_configured_lease(sending_campaign, settings):
    assert sending.sync_lease() == timedelta(minutes=6)  # the default
    settings.NEWSLETTER_SYNC_LEASE_SECONDS = 9

    campaign, _ = sending._claim(sending_campaign.pk)

    held = (campaign.sync_lease_until - timezone.now()).total_seconds()
    assert 8 < held <= 9
    # Held: a redelivered task and the sweeper leave it alone until the lease ends.
    assert sending.campaign_sync(campaign_id=campaign.pk).result == "skipped"
    assert sending.campaigns_sweep() == 0


def test_a_campaign_created_at_mailchimp_by_a_worker_that_died_is_found_not_made_twice(
    sending_campaign, mailchimp
):
    campaign = Campaign.objects.get(pk=sending_campaign.pk)
    orphan = get_backend().create(sending.campaign_spec(campaign=campaign))

    outcome = sending.campaign_sync(campaign_id=campaign.pk)

    campaign.refresh_from_db()
    assert outcome.result == "sent"
    assert campaign.mailchimp_campaign_id == orphan
    assert len(mailchimp.state()["campaigns"]) == 1
    assert mailchimp.sent_to(orphan) == ["reader@rights.test"]


def test_an_error_that_can_clear_is_retried_later_and_then_sent_once(sending_campaign, mailchimp):
    mailchimp.fail_next(1, status=503)

    first = sending.campaign_sync(campaign_id=sending_campaign.pk)
    campaign = Campaign.objects.get(pk=sending_campaign.pk)
    assert first.result == "retry" and first.retry_in > 0
    assert campaign.state == "sending" and campaign.sync_lease_until > timezone.now()
    assert "Service Unavailable" in campaign.last_error

    assert sending.campaign_sync(campaign_id=campaign.pk).result == "skipped"  # not due yet
    Campaign.objects.filter(pk=campaign.pk).update(sync_lease_until=timezone.now())
    assert sending.campaign_sync(campaign_id=campaign.pk).result == "sent"
    assert len(_sends(mailchimp)) == 1


def test_a_permanent_error_fails_the_campaign_with_the_reason(sending_campaign, mailchimp):
    mailchimp.fail_next(1, status=400)

    outcome = sending.campaign_sync(campaign_id=sending_campaign.pk)

    campaign = Campaign.objects.get(pk=sending_campaign.pk)
    assert outcome.result == "failed"
    assert campaign.state == "failed" and not campaign.sync_due
    transition = campaign.transitions.last()
    assert (transition.from_state, transition.to_state) == ("sending", "failed")
    assert "Mailchimp refused" in transition.reason
    assert _sends(mailchimp) == []


def test_errors_that_never_clear_give_up_after_the_last_attempt(sending_campaign, mailchimp):
    Campaign.objects.filter(pk=sending_campaign.pk).update(sync_attempts=sending.MAX_ATTEMPTS - 1)
    mailchimp.fail_next(1, status=503)

    assert sending.campaign_sync(campaign_id=sending_campaign.pk).result == "failed"
    campaign = Campaign.objects.get(pk=sending_campaign.pk)
    assert campaign.state == "failed"
    assert "gave up after" in campaign.last_error


def test_an_unreachable_cms_refuses_the_send_clearly_and_leaves_a_draft(
    platform, staff_client, run_on_commit
):
    cms, mailchimp = platform["cms"], platform["mailchimp"]
    campaign = services.campaign_create(
        kind="single",
        subject="Later",
        language="en",
        interests=["news"],
        page_ids=[55],
        actor="user:editor",
    )
    cms.fail_next(3, status=503)

    answer = run_on_commit(staff_client.post, f"/api/v1/campaigns/{campaign.pk}/send/")

    assert answer.status_code == 503
    assert answer["Retry-After"]
    assert "CMS cannot be reached" in answer.json()["detail"]
    campaign.refresh_from_db()
    assert campaign.state == "draft" and campaign.snapshot is None
    assert mailchimp.requests_to("POST", r"^/campaigns") == []
