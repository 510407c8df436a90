"""Reports after a send and on a schedule; the local stand-in backend."""

import json

import pytest

from newsletter_service.campaigns import services
from newsletter_service.campaigns.models import Campaign
from newsletter_service.sending.services import reports_refresh

pytestmark = pytest.mark.django_db


def _sent_campaign(run_on_commit, **fields):
    campaign = services.campaign_create(
        kind="appeal",
        subject="Act now",
        language="en",
        interests=["appeals"],
        page_ids=[20],
        actor="user:editor",
        **fields,
    )
    run_on_commit(services.campaign_send_now, campaign=campaign, actor="user:editor")
    return Campaign.objects.get(pk=campaign.pk)


def test_a_report_is_fetched_after_the_send_and_refreshed_by_the_beat(
    platform, add_member, staff_client, run_on_commit
):
    mailchimp = platform["mailchimp"]
    add_member("reader@rights.test", language="en", interests=["appeals"])
    campaign = _sent_campaign(run_on_commit)
    first = staff_client.get(f"/api/v1/campaigns/{campaign.pk}/report/")
    assert first.status_code == 200, first.content
    assert first.json()["emails_sent"] == 1 and first.json()["opens"] == 0

    mailchimp.set_report(
        campaign.mailchimp_campaign_id, opens=7, clicks=3, unsubscribed=1, bounces=2
    )
    assert run_on_commit(reports_refresh) == 1

    report = staff_client.get(f"/api/v1/campaigns/{campaign.pk}/report/").json()
    assert (report["opens"], report["unique_opens"], report["clicks"]) == (7, 7, 3)
    assert (report["unsubscribes"], report["bounces"]) == (1, 2)


def test_a_draft_has_no_report_yet(staff_client):
    campaign = Campaign.objects.create(
        kind="single",
        subject="s",
        from_name="f",
        reply_to="r@rights.test",
        language="en",
        created_by="t",
    )

    answer = staff_client.get(f"/api/v1/campaigns/{campaign.pk}/report/")

    assert answer.status_code == 404


def test_the_local_backend_records_what_would_be_sent_and_sends_nothing(
    platform, settings, tmp_path, run_on_commit
):
    settings.NEWSLETTER_SEND_BACKEND = "local"
    settings.NEWSLETTER_LOCAL_OUTBOX = str(tmp_path)

    campaign = _sent_campaign(run_on_commit)

    assert campaign.state == "sent"
    record = json.loads((tmp_path / f"{campaign.mailchimp_campaign_id}.json").read_text())
    assert record["status"] == "sent"
    assert record["spec"]["segment_opts"]["conditions"][-1]["value"] == "en"
    assert record["content"]["html"] == campaign.rendered_html
    assert platform["mailchimp"].requests_to("POST", r"^/campaigns") == []
