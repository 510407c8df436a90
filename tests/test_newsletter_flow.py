"""Each campaign kind, end to end, across the three services running as real processes.

The newsletter service fetches its content from the real CMS (demo content,
over its content API), its audience mapping from the real subscriber service,
and sends through the fake Mailchimp: preview, test send, schedule, send once,
to the segment of the chosen interests and language.
"""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
import requests

from platform_common.mailchimp import subscriber_hash

SEGMENT = {
    # address: (language, interests)
    "fr-monitor@rights.org": ("fr", ["monitor"]),
    "fr-news@rights.org": ("fr", ["news"]),
    "en-monitor@rights.org": ("en", ["monitor"]),
    "fr-both@rights.org": ("fr", ["monitor", "appeals"]),
    "es-appeals@rights.org": ("es", ["appeals"]),
}


def ours(recipients: list[str]) -> list[str]:
    """The recipients among this module's members: other tests share this Mailchimp."""
    return sorted(address for address in recipients if address in SEGMENT)


def wait_for(predicate, *, timeout=90.0, what="condition"):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.3)
    raise AssertionError(f"{what} did not happen within {timeout} s")


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
        "language": "fr",
        "interests": ["monitor"],
        **fields,
    }
    response = api("POST", json=body, headers={"Idempotency-Key": secrets.token_hex(8)})
    assert response.status_code == 201, response.text
    return response.json()


def send_and_wait(api, campaign):
    sent = api("POST", f"{campaign['id']}/send/", json={"reason": "cross-service test"})
    assert sent.status_code in (200, 202), sent.text
    return wait_for(
        lambda: (c := api("GET", f"{campaign['id']}/").json())["state"] == "sent" and c,
        what=f"campaign {campaign['id']} being sent",
    )


@pytest.mark.parametrize(
    ("kind", "article_kind"),
    [("single", "news"), ("invitation", "event"), ("appeal", "appeal")],
)
def test_a_campaign_of_each_kind_is_previewed_tested_and_sent_once_to_its_segment(
    api, articles, mailchimp, kind, article_kind
):
    # Most demo articles exist in English only (the two latest are translated too).
    page = (articles.get(article_kind) or articles["news"])[0]
    campaign = create(api, kind=kind, page_ids=[page["id"]], language="en")

    preview = api("POST", f"{campaign['id']}/preview/")
    assert preview.status_code == 200, preview.text
    assert page["title"] in preview.json()["text"]
    assert "*|UNSUB|*" in preview.json()["html"]
    tested = api("POST", f"{campaign['id']}/test/", json={"emails": ["editor@rights.org"]})
    assert tested.status_code == 200, tested.text
    assert any(
        "editor@rights.org" in (request.body or {}).get("test_emails", [])
        for request in mailchimp.requests_to("POST", r"/actions/test$")
    )

    done = send_and_wait(api, campaign)

    mailchimp_id = done["mailchimp_campaign_id"]
    sends = [
        request
        for request in mailchimp.requests_to("POST", r"/actions/send$")
        if mailchimp_id in request.path
    ]
    assert len(sends) == 1
    recipients = mailchimp.sent_to(mailchimp_id)
    assert ours(recipients) == ["en-monitor@rights.org"]
    assert all(mailchimp.member(address)["language"] == "en" for address in recipients)
    assert mailchimp.spec_violations == []


def test_the_french_monitor_digest_is_built_from_the_cms_and_sent_once_to_french_readers(
    api, articles, mailchimp
):
    # Publishing the demo content sent the CMS's publish events to the newsletter
    # service, which may already have made the French digest draft from them.
    drafts = api("GET", params={"kind": "digest", "state": "draft"}).json()["results"]
    french = [draft for draft in drafts if draft["language"] == "fr"]
    campaign = (
        french[0]
        if french
        else create(
            api,
            kind="digest",
            language="fr",
            digest_filters={"since": "2000-01-01T00:00:00Z"},
        )
    )

    preview = api("POST", f"{campaign['id']}/preview/").json()
    french_titles = [a["title"] for kind in articles.values() for a in kind]
    assert any(title in preview["text"] for title in french_titles)
    done = send_and_wait(api, campaign)

    recipients = mailchimp.sent_to(done["mailchimp_campaign_id"])
    assert ours(recipients) == ["fr-both@rights.org", "fr-monitor@rights.org"]
    assert all(mailchimp.member(address)["language"] == "fr" for address in recipients)


def test_a_scheduled_campaign_waits_for_its_quarter_hour_at_mailchimp(api, articles, mailchimp):
    campaign = create(api, kind="single", page_ids=[articles["news"][0]["id"]], language="en")
    when = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)).replace(
        minute=30, second=0, microsecond=0
    )

    scheduled = api("POST", f"{campaign['id']}/schedule/", json={"scheduled_for": when.isoformat()})

    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["state"] == "scheduled"
    assert scheduled.json()["has_snapshot"] is True
    # The schedule reaches Mailchimp through the service's worker.
    remote_id = wait_for(
        lambda: api("GET", f"{campaign['id']}/").json()["mailchimp_campaign_id"],
        what="the campaign reaching Mailchimp",
    )
    wait_for(
        lambda: mailchimp.campaign(remote_id)["status"] == "schedule",
        what="Mailchimp holding the schedule",
    )
    assert not mailchimp.sent_to(remote_id)
    assert not mailchimp.requests_to("POST", rf"/campaigns/{remote_id}/actions/send$")
