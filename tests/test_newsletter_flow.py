"""Each campaign kind, end to end, across the three services running as real processes.

The newsletter service fetches its content from the real CMS (demo content,
over its content API), its audience mapping from the real subscriber service,
and sends through the fake Mailchimp (a real HTTP server, reached through the
official SDK, every request checked against the spec). Each kind (single
page, Monitor digest, invitation, appeal) is previewed, test-sent, scheduled
on a quarter-hour mark and delivered by Mailchimp at its time, once, to the
segment of its interests and language; the newsletter service then shows it
sent, once.

Nobody waits for the quarter hour: the test moves the fake Mailchimp's clock
past the mark (its control API), which delivers the campaigns scheduled for
it, and runs the newsletter service's sweep as of that time, as beat would
once the mark has passed; the sweep asks Mailchimp and records the send.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time

import pytest
import requests

from fake_mailchimp import FakeMailchimpControl
from platform_common.mailchimp import subscriber_hash

SEGMENT = {
    # address: (language, interests)
    "fr-monitor@rights.org": ("fr", ["monitor"]),
    "fr-news@rights.org": ("fr", ["news"]),
    "en-monitor@rights.org": ("en", ["monitor"]),
    "en-news@rights.org": ("en", ["news"]),
    "en-appeals@rights.org": ("en", ["appeals"]),
    "fr-both@rights.org": ("fr", ["monitor", "appeals"]),
    "es-appeals@rights.org": ("es", ["appeals"]),
}

# kind: (kind of demo article it is built from, language, interests, who of SEGMENT gets it)
KINDS = {
    "single": ("news", "en", ["news"], ["en-news@rights.org"]),
    "invitation": ("event", "en", ["monitor"], ["en-monitor@rights.org"]),
    "appeal": ("appeal", "en", ["appeals"], ["en-appeals@rights.org"]),
    "digest": (None, "fr", ["monitor"], ["fr-both@rights.org", "fr-monitor@rights.org"]),
}

# The schedule must reach Mailchimp before the mark, through a worker that may still be
# busy with the CMS publish events that loading the demo content sent.
LEAD = dt.timedelta(minutes=10)


def ours(recipients: list[str]) -> list[str]:
    """The recipients among this module's members: other tests share this Mailchimp."""
    return sorted(address for address in recipients if address in SEGMENT)


def wait_for(predicate, *, timeout=90.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.3)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def quarter_hour_after(moment: dt.datetime) -> dt.datetime:
    """The first quarter-hour mark (:00, :15, :30, :45) after ``moment``."""
    mark = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    return mark + dt.timedelta(minutes=15)


@pytest.fixture(scope="module")
def audience(platform, mailchimp):
    """Demo content in the CMS; interests mapped to Mailchimp groups; members in Mailchimp."""
    platform["cms"].manage("load_demo_content")
    interest_ids = {}
    subscribers = platform["subscriber_service"]
    for key in ("monitor", "news", "events", "appeals"):
        interest_ids[key] = mailchimp.add_interest("Topics", key)
        subscribers.manage(
            "shell",
            "-c",
            "from subscriber_service.subscriptions.models import Interest; "
            f"Interest.objects.filter(key='{key}').update("
            f"mailchimp_interest_id='{interest_ids[key]}', "
            f"mailchimp_category_id='{mailchimp.interest_category_id('Topics')}')",
        )
    client = mailchimp.sdk_client()
    for address, (language, keys) in SEGMENT.items():
        client.lists.set_list_member(
            mailchimp.list_id,
            subscriber_hash(address),
            {
                "email_address": address,
                "status_if_new": "subscribed",
                "language": language,
                "interests": {interest_ids[key]: key in keys for key in interest_ids},
            },
        )
    return interest_ids


@pytest.fixture(scope="module")
def api(platform, service_tokens):
    """The newsletter service's campaign API, called as the CMS calls it."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {service_tokens[('cms', 'newsletter_service')]}"
    base = f"{platform['newsletter_service'].url}/api/v1/campaigns"

    def call(method, path="", **kwargs):
        return session.request(method, f"{base}/{path}", timeout=60, **kwargs)

    return call


@pytest.fixture(scope="module")
def articles(platform, audience):
    """Live Monitor articles of the demo, by kind, from the CMS's content API."""
    listing = requests.get(
        f"{platform['cms'].url}/api/v2/pages/",
        params={"type": "monitor.ArticlePage", "fields": "kind", "limit": 100},
        timeout=30,
    ).json()
    by_kind: dict[str, list[dict]] = {}
    for item in listing["items"]:
        by_kind.setdefault(item["kind"], []).append(item)
    return by_kind


def create(api, **fields):
    body = {
        "subject": f"Test {secrets.token_hex(3)}",
        "preview_text": "What happened this week",
        "from_name": "Human Rights Monitor",
        "reply_to": "monitor@rights.org",
        **fields,
    }
    response = api("POST", json=body, headers={"Idempotency-Key": secrets.token_hex(8)})
    assert response.status_code == 201, response.text
    return response.json()


def campaign_of_kind(api, articles, kind):
    """A draft of ``kind`` and the titles its preview must show."""
    article_kind, language, interests, _ = KINDS[kind]
    if kind != "digest":
        # Most demo articles exist in English only (the two latest are translated too).
        page = (articles.get(article_kind) or articles["news"])[0]
        fields = {"page_ids": [page["id"]], "language": language, "interests": interests}
        return create(api, kind=kind, **fields), [page["title"]]
    # Publishing the demo content sent the CMS's publish events to the newsletter
    # service, which may already have made the French digest draft from them.
    drafts = api("GET", params={"kind": "digest", "state": "draft"}).json()["results"]
    french = [draft for draft in drafts if draft["language"] == language]
    campaign = french[0] if french else None
    if campaign is None or campaign["interests"] != interests:
        campaign = create(
            api,
            kind="digest",
            language=language,
            interests=interests,
            digest_filters={"since": "2000-01-01T00:00:00Z"},
        )
    return campaign, [a["title"] for of_kind in articles.values() for a in of_kind]


@pytest.fixture(scope="module")
def scheduled(api, articles, mailchimp):
    """A campaign of each kind previewed, test-sent and scheduled on one quarter-hour mark.

    Returns, by kind: the campaign, its preview, the test addresses, and the
    mark; once every schedule is held at Mailchimp.
    """
    control = FakeMailchimpControl(mailchimp.url)
    mark = quarter_hour_after(max(dt.datetime.now(dt.UTC), control.now()) + LEAD)
    made = {}
    for kind in KINDS:
        campaign, titles = campaign_of_kind(api, articles, kind)
        preview = api("POST", f"{campaign['id']}/preview/")
        assert preview.status_code == 200, preview.text
        testers = [f"editor-{kind}-{secrets.token_hex(3)}@rights.org", "second@rights.test"]
        tested = api("POST", f"{campaign['id']}/test/", json={"emails": testers})
        assert tested.status_code == 200, tested.text
        done = api(
            "POST",
            f"{campaign['id']}/schedule/",
            json={"scheduled_for": mark.isoformat(), "reason": "cross-service test"},
        )
        assert done.status_code == 200, done.text
        made[kind] = {
            "campaign": done.json(),
            "preview": preview.json(),
            "titles": titles,
            "testers": testers,
            "tested": tested.json(),
            "mark": mark,
        }
    for kind, record in made.items():
        # The schedule reaches Mailchimp through the service's worker.
        remote_id = wait_for(
            lambda record=record: api("GET", f"{record['campaign']['id']}/").json()[
                "mailchimp_campaign_id"
            ],
            timeout=300,
            what=f"the {kind} campaign reaching Mailchimp",
        )
        wait_for(
            lambda remote_id=remote_id: mailchimp.campaign(remote_id)["status"] == "schedule",
            timeout=300,
            what=f"Mailchimp holding the {kind} schedule",
        )
        record["remote_id"] = remote_id
        record["held"] = mailchimp.campaign(remote_id)
    return made


@pytest.fixture(scope="module")
def delivered(scheduled, platform, api, mailchimp):
    """The quarter hour passed at Mailchimp; the newsletter service swept as of then.

    Returns each kind's campaign as the service shows it once sent.
    """
    control = FakeMailchimpControl(mailchimp.url)
    mark = next(iter(scheduled.values()))["mark"]
    moved = control.advance_clock((mark - control.now()).total_seconds() + 1)
    # What beat's sweep does every NEWSLETTER_SWEEP_SECONDS, as of Mailchimp's time.
    platform["newsletter_service"].manage(
        "shell",
        "-c",
        "import datetime; from newsletter_service.sending.services import campaigns_sweep; "
        f"campaigns_sweep(now=datetime.datetime.fromisoformat('{moved.isoformat()}'))",
    )
    return {
        kind: wait_for(
            lambda record=record: (
                (c := api("GET", f"{record['campaign']['id']}/").json())["state"] == "sent" and c
            ),
            timeout=300,
            what=f"the {kind} campaign shown as sent",
        )
        for kind, record in scheduled.items()
    }


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_previewed_and_test_sent_from_the_cms_content(scheduled, mailchimp, kind):
    record = scheduled[kind]
    preview = record["preview"]

    assert any(title in preview["text"] for title in record["titles"])
    assert "*|UNSUB|*" in preview["html"]
    assert record["tested"] == {"sent_to": 2}
    tests = [send for send in mailchimp.test_sends if send["campaign_id"] == record["remote_id"]]
    assert [send["test_emails"] for send in tests] == [record["testers"]]


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_held_at_mailchimp_until_its_quarter_hour(scheduled, kind):
    record = scheduled[kind]

    assert record["campaign"]["state"] == "scheduled"
    assert record["campaign"]["has_snapshot"] is True
    assert record["mark"].minute % 15 == 0
    assert record["held"]["status"] == "schedule"
    assert dt.datetime.fromisoformat(record["held"]["send_time"]) == record["mark"]
    assert record["held"]["emails_sent"] == 0


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_delivered_once_at_its_time_to_its_interests_and_language(
    scheduled, delivered, audience, api, mailchimp, kind
):
    record, done = scheduled[kind], delivered[kind]
    _, language, interests, expected = KINDS[kind]
    remote_id = record["remote_id"]
    at_mailchimp = mailchimp.campaign(remote_id)

    assert at_mailchimp["status"] == "sent"
    assert dt.datetime.fromisoformat(at_mailchimp["send_time"]) == record["mark"]
    assert at_mailchimp["recipients"]["segment_opts"] == {
        "match": "all",
        "conditions": [
            {
                "condition_type": "Interests",
                "field": f"interests-{mailchimp.interest_category_id('Topics')}",
                "op": "interestcontains",
                "value": [audience[key] for key in interests],
            },
            {"condition_type": "Language", "field": "language", "op": "is", "value": language},
        ],
    }
    recipients = mailchimp.sent_to(remote_id)
    assert ours(recipients) == expected
    assert all(mailchimp.member(address)["language"] == language for address in recipients)
    assert at_mailchimp["emails_sent"] == len(recipients)
    # Delivered by the schedule: never sent by a call, scheduled once.
    assert not mailchimp.requests_to("POST", rf"^/campaigns/{remote_id}/actions/send$")
    assert len(mailchimp.requests_to("POST", rf"^/campaigns/{remote_id}/actions/schedule$")) == 1
    # The newsletter service shows it sent, once, as Mailchimp reported it.
    assert done["mailchimp_status"] == "sent"
    transitions = api("GET", f"{done['id']}/transitions/").json()
    assert [t["to_state"] for t in transitions] == ["draft", "scheduled", "sent"]
    assert transitions[-1]["actor"] == "system:email-provider"
    assert mailchimp.spec_violations == []
