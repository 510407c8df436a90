"""Mailchimp's webhooks: form-encoded events behind a secret URL, applied idempotently."""

import time

import pytest

from subscriber_service.outbox.models import OutboxMessage
from subscriber_service.subscriptions import services
from subscriber_service.subscriptions.models import Subscriber, SuppressedAddress
from subscriber_service.subscriptions.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db
Status = Subscriber.Status
URL = "/mailchimp/webhook/test-webhook-secret/"


def event(client, kind, url=URL, **data):
    body = {"type": kind, "fired_at": "2026-11-22 10:00:00", "data[list_id]": "test-audience"}
    body.update({f"data[{key}]": value for key, value in data.items()})
    return client.post(url, body)


def test_mailchimp_checks_the_url_with_a_get(client):
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("url", ["/mailchimp/webhook/wrong/", "/mailchimp/webhook/test-webhook/"])
def test_a_wrong_secret_looks_like_any_unknown_url(client, url):
    member = SubscriberFactory()

    assert event(client, "unsubscribe", url=url, email=member.email).status_code == 404
    member.refresh_from_db()
    assert member.status == Status.SUBSCRIBED


def test_an_event_for_another_audience_is_refused(client):
    member = SubscriberFactory()

    response = client.post(
        URL, {"type": "unsubscribe", "data[list_id]": "other", "data[email]": member.email}
    )

    assert response.status_code == 400
    assert "data[list_id]" in response.json()["detail"]
    member.refresh_from_db()
    assert member.status == Status.SUBSCRIBED


def test_unsubscribe_and_cleaned_events_apply_once_however_often_they_arrive(client):
    leaving, bouncing = SubscriberFactory(), SubscriberFactory()

    for _ in range(2):
        assert event(client, "unsubscribe", email=leaving.email.upper()).status_code == 200
        assert event(client, "cleaned", email=bouncing.email, reason="hard").status_code == 200

    leaving.refresh_from_db()
    bouncing.refresh_from_db()
    assert leaving.status == Status.UNSUBSCRIBED
    assert bouncing.status == Status.CLEANED
    assert leaving.consent_records.filter(action="mailchimp").count() == 1
    # The change came from Mailchimp: nothing is pushed back.
    assert not OutboxMessage.objects.filter(kind="mailchimp_sync").exists()


def test_a_subscribe_through_mailchimp_adds_the_address_unless_it_was_erased(client):
    SuppressedAddress.objects.create(
        address_hash=services.address_hash("erased@rights.org"), reason="erased"
    )

    event(client, "subscribe", email="newcomer@rights.org")
    event(client, "subscribe", email="erased@rights.org")

    assert list(Subscriber.objects.values_list("email", "status")) == [
        ("newcomer@rights.org", "subscribed")
    ]
    assert OutboxMessage.objects.filter(kind="mailchimp_erase").count() == 1


def test_profile_and_email_changes_are_applied(client):
    member = SubscriberFactory(email="old@rights.org", name="Old")

    event(client, "profile", email="old@rights.org", **{"merges][FNAME": "New"})
    event(client, "upemail", old_email="old@rights.org", new_email="new@rights.org")

    member.refresh_from_db()
    assert member.name == "New"
    assert member.email == "new@rights.org"


def test_an_unknown_event_type_is_a_400_naming_it(client):
    response = event(client, "mystery", email="x@rights.org")

    assert response.status_code == 400
    assert "mystery" in response.json()["detail"]


def test_the_receiver_answers_well_within_mailchimps_ten_seconds(client):
    members = [SubscriberFactory() for _ in range(20)]
    started = time.perf_counter()

    for member in members:
        event(client, "unsubscribe", email=member.email)

    assert (time.perf_counter() - started) / len(members) < 1.0
