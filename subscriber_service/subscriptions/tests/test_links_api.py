"""Preferences, unsubscribe, privacy export and erasure: everything a signed link does."""

import json
import re
import time

import pytest
from django.core import mail, signing

from subscriber_service.outbox.models import OutboxMessage
from subscriber_service.subscriptions import links, services, tokens
from subscriber_service.subscriptions.imports import subscribers_import
from subscriber_service.subscriptions.models import (
    ConsentRecord,
    Interest,
    PrivacyRequest,
    Subscriber,
    SuppressedAddress,
)
from subscriber_service.subscriptions.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db
Status = Subscriber.Status


@pytest.fixture
def member():
    return SubscriberFactory(
        email="member@rights.org", name="Ana", interests=[Interest.objects.get(key="monitor")]
    )


@pytest.fixture
def post(api_client, django_capture_on_commit_callbacks):
    def send(path, body):
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(path, body, format="json")

    return send


def manage(subscriber):
    return links.manage_token(subscriber)


def test_preferences_are_read_and_changed_with_the_manage_token(api_client, member):
    token = manage(member)

    read = api_client.get(f"/api/v1/preferences/{token}/")
    changed = api_client.patch(
        f"/api/v1/preferences/{token}/",
        {"language": "es", "interests": ["news", "appeals"]},
        format="json",
    )

    assert read.json() == {
        "name": "Ana",
        "language": "en",
        "interests": ["monitor"],
        "status": "subscribed",
    }
    assert changed.status_code == 200
    assert changed.json()["interests"] == ["appeals", "news"]
    member.refresh_from_db()
    assert member.language == "es"
    assert OutboxMessage.objects.filter(kind="mailchimp_sync", subscriber_id=member.pk).exists()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token.replace(":", ".", 1),
        lambda token: "not-a-token",
    ],
)
def test_a_tampered_token_is_refused_with_a_clear_400(api_client, member, tamper):
    response = api_client.get(f"/api/v1/preferences/{tamper(manage(member))}/")

    assert response.status_code == 400
    assert response.json()["detail"] == "This link is not valid."


def test_a_token_made_for_another_purpose_is_refused(post, member):
    confirm_token = tokens.make_token("confirm", str(member.public_id))

    response = post("/api/v1/unsubscribe/", {"token": confirm_token})

    assert response.status_code == 400
    member.refresh_from_db()
    assert member.status == Status.SUBSCRIBED


def test_an_expired_token_is_a_410(api_client, member, settings):
    token = manage(member)
    settings.SUBSCRIPTIONS = {
        **settings.SUBSCRIPTIONS,
        "TOKEN_MAX_AGE": {**settings.SUBSCRIPTIONS["TOKEN_MAX_AGE"], "manage": 1},
    }
    time.sleep(2.1)

    response = api_client.get(f"/api/v1/preferences/{token}/")

    assert response.status_code == 410
    assert "expired" in response.json()["detail"]


def test_a_token_signed_with_another_key_is_refused(api_client, member):
    forged = signing.dumps(
        {"s": str(member.public_id)}, key="x" * 50, salt="subscriber_service.manage"
    )

    assert api_client.get(f"/api/v1/preferences/{forged}/").status_code == 400


def test_unsubscribing_twice_is_harmless_and_undo_resubscribes(post, member):
    token = manage(member)

    first = post("/api/v1/unsubscribe/", {"token": token})
    second = post("/api/v1/unsubscribe/", {"token": token})

    assert first.json() == second.json() == {"status": "unsubscribed"}
    assert ConsentRecord.objects.filter(subscriber=member, action="unsubscribe").count() == 1
    assert post("/api/v1/resubscribe/", {"token": token}).json() == {"status": "subscribed"}
    member.refresh_from_db()
    assert member.status == Status.SUBSCRIBED
    assert OutboxMessage.objects.filter(kind="mailchimp_sync").count() == 2


def test_one_click_unsubscribe_needs_a_post_and_a_get_only_shows_the_page(client, member):
    path = links.one_click_unsubscribe_link(member).removeprefix("http://testserver")

    shown = client.get(path)
    member.refresh_from_db()
    assert shown.status_code == 302
    assert member.status == Status.SUBSCRIBED

    done = client.post(path, {"List-Unsubscribe": "One-Click"})
    member.refresh_from_db()
    assert done.status_code == 200
    assert member.status == Status.UNSUBSCRIBED


def privacy_token_from_email() -> str:
    link = re.search(r"https?://\S+/privacy/(\S+)/", mail.outbox[-1].body)
    return link.group(1)


def test_a_privacy_request_answers_the_same_for_a_known_and_an_unknown_address(post, member):
    known = post("/api/v1/privacy/requests/", {"email": member.email, "kind": "export"})
    unknown = post("/api/v1/privacy/requests/", {"email": "nobody@rights.org", "kind": "export"})

    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert [message.to for message in mail.outbox] == [[member.email]]


def test_an_export_holds_everything_about_the_address_and_its_link_works_once(post, member):
    post("/api/v1/privacy/requests/", {"email": member.email, "kind": "export"})
    token = privacy_token_from_email()

    exported = post("/api/v1/privacy/export/", {"token": token})
    again = post("/api/v1/privacy/export/", {"token": token})

    assert exported.status_code == 200
    data = exported.json()
    assert data["email"] == member.email
    assert data["interests"] == ["monitor"]
    assert data["status"] == "subscribed"
    assert isinstance(data["consent_records"], list)
    json.dumps(data)
    assert again.status_code == 410


def test_erasure_deletes_everything_keeps_a_hash_and_blocks_a_later_import(post, member):
    post("/api/v1/privacy/requests/", {"email": member.email, "kind": "erasure"})
    token = privacy_token_from_email()

    response = post("/api/v1/privacy/erase/", {"token": token})

    assert response.status_code == 204
    assert not Subscriber.objects.exists()
    assert not ConsentRecord.objects.exists()
    suppressed = SuppressedAddress.objects.get()
    assert member.email not in suppressed.address_hash
    assert suppressed.address_hash == services.address_hash("MEMBER@rights.org")
    erase = OutboxMessage.objects.get(kind="mailchimp_erase")
    assert erase.status == OutboxMessage.Status.DONE  # the local stand-in took the call
    assert erase.payload == {}  # the Mailchimp id is dropped once used
    assert PrivacyRequest.objects.get().subscriber is None
    assert post("/api/v1/privacy/erase/", {"token": token}).status_code == 410

    report = subscribers_import(
        [
            "email,consent_source,consent_date\n",
            "member@rights.org,old list,2020-01-01\n",
        ]
    )

    assert report.created == 0
    assert report.rejected == [
        (2, "member@rights.org", "erased at the person's request: never re-added")
    ]
    assert not Subscriber.objects.exists()


def test_privacy_requests_are_limited_per_address_like_signups(post, member, settings):
    from django.core.cache import cache

    cache.clear()
    settings.SIGNUP_RATE_PER_ADDRESS = "2/h"
    answers = [
        post("/api/v1/privacy/requests/", {"email": member.email, "kind": "export"})
        for _ in range(3)
    ]

    assert [answer.status_code for answer in answers] == [202, 202, 429]
    assert int(answers[2]["Retry-After"]) > 0
    assert len(mail.outbox) == 1  # and at most one link per hour anyway
