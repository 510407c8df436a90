import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from subscriber_service.outbox.models import OutboxMessage
from subscriber_service.subscriptions import services
from subscriber_service.subscriptions.consent import CONSENT_VERSION
from subscriber_service.subscriptions.models import (
    ConsentRecord,
    Interest,
    Subscriber,
    SuppressedAddress,
)
from subscriber_service.subscriptions.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

Status = Subscriber.Status


def confirm_link_in(message) -> str:
    return re.search(r"https?://\S+/confirm/\S+/", message.body).group(0)


def test_a_signup_stores_a_pending_subscription_with_its_consent_and_sends_one_email(signup):
    response = signup("Someone@Rights.org", name="Ana", language="fr", source="campaign-page")

    assert response.status_code == 202
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "someone@rights.org"
    assert subscriber.status == Status.PENDING
    assert subscriber.language == "fr"
    assert list(subscriber.interests.values_list("key", flat=True)) == ["monitor"]
    record = subscriber.consent_records.get()
    assert record.action == ConsentRecord.Action.SIGNUP
    assert record.wording_version == CONSENT_VERSION
    assert record.wording  # the exact words shown
    assert record.language == "fr"
    assert record.source == "campaign-page"
    assert record.ip_address is None  # not kept unless settings ask
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["someone@rights.org"]
    assert "/fr/confirm/" in confirm_link_in(mail.outbox[0])


def test_the_ip_address_is_kept_truncated_only_when_settings_ask(signup, settings):
    settings.SUBSCRIPTIONS = {**settings.SUBSCRIPTIONS, "RECORD_IP_ADDRESS": True}

    signup("ip@rights.org")

    record = ConsentRecord.objects.get()
    assert record.ip_address == "127.0.0.0"  # the test client's address, cut to its /24


def test_the_answer_is_the_same_whatever_the_address_is_known_as(signup):
    SubscriberFactory(email="subscribed@rights.org")
    SubscriberFactory(email="pending@rights.org", status=Status.PENDING, confirmed_at=None)
    SubscriberFactory(email="left@rights.org", status=Status.UNSUBSCRIBED)
    SuppressedAddress.objects.create(
        address_hash=services.address_hash("erased@rights.org"), reason="erased"
    )

    answers = {
        email: signup(email)
        for email in (
            "new@rights.org",
            "pending@rights.org",
            "subscribed@rights.org",
            "left@rights.org",
            "erased@rights.org",
        )
    }

    bodies = {(answer.status_code, answer.content) for answer in answers.values()}
    assert len(bodies) == 1, bodies
    headers = {
        tuple(sorted(k for k in a.headers if k.lower() != "x-request-id")) for a in answers.values()
    }
    assert len(headers) == 1


def test_a_subscribed_address_keeps_its_choices_and_gets_a_preferences_link(signup):
    news = Interest.objects.get(key="news")
    subscriber = SubscriberFactory(email="member@rights.org", name="Kept", interests=[news])

    signup("member@rights.org", name="Changed by a stranger", interests=["appeals"])

    subscriber.refresh_from_db()
    assert subscriber.name == "Kept"
    assert list(subscriber.interests.values_list("key", flat=True)) == ["news"]
    assert subscriber.status == Status.SUBSCRIBED
    assert len(mail.outbox) == 1
    assert "/preferences/" in mail.outbox[0].body
    assert "/confirm/" not in mail.outbox[0].body


def test_at_most_one_confirmation_email_per_address_per_day(signup):
    for _ in range(4):
        assert signup("repeat@rights.org").status_code == 202

    assert len(mail.outbox) == 1
    subscriber = Subscriber.objects.get()
    subscriber.confirmation_sent_at = timezone.now() - timedelta(hours=25)
    subscriber.save()

    signup("repeat@rights.org")

    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"consent": False}, "consent"),
        ({"interests": ["no-such-topic"]}, "interests"),
        ({"interests": []}, "interests"),
        ({"language": "de"}, "language"),
        ({"email": "not-an-address"}, "email"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(signup, fields, named):
    response = signup(fields.pop("email", "bad@rights.org"), **fields)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert named in response.json()["errors"]
    assert not Subscriber.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert not mail.outbox


def test_a_signup_makes_no_network_call_and_writes_the_email_to_the_outbox_first(
    api_client, django_capture_on_commit_callbacks, mailchimp
):
    from subscriber_service.abuse.testing import solved_proof_of_work

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = api_client.post(
            "/api/v1/subscriptions/",
            {
                "email": "offline@rights.org",
                "interests": ["news"],
                "consent": True,
                "altcha": solved_proof_of_work(),
            },
            format="json",
        )

    assert response.status_code == 202
    message = OutboxMessage.objects.get()
    assert message.kind == "confirmation_email"
    assert message.status == OutboxMessage.Status.PENDING
    assert len(queued) == 1  # the task is queued only once the transaction commits
    assert not mail.outbox
    assert mailchimp.requests == []


def test_confirming_makes_the_subscription_active_sends_a_welcome_and_queues_the_sync(
    signup, api_client, django_capture_on_commit_callbacks
):
    signup("confirm@rights.org", interests=["monitor", "news"])
    token = confirm_link_in(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/subscriptions/confirm/", {"token": token}, format="json"
        )

    assert response.status_code == 200
    assert response.json() == {"status": "subscribed"}
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Status.SUBSCRIBED
    assert subscriber.confirmed_at is not None
    welcome = mail.outbox[1]
    assert welcome.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/one-click-unsubscribe/" in welcome.extra_headers["List-Unsubscribe"]
    assert "/unsubscribe/" in welcome.body
    kinds = set(OutboxMessage.objects.values_list("kind", flat=True))
    assert {"mailchimp_sync", "welcome_email"} <= kinds


def test_confirming_twice_keeps_one_subscription_and_one_welcome(
    signup, api_client, django_capture_on_commit_callbacks
):
    signup("twice@rights.org")
    token = confirm_link_in(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.post(
                "/api/v1/subscriptions/confirm/", {"token": token}, format="json"
            )
        assert response.status_code == 200

    assert Subscriber.objects.get().status == Status.SUBSCRIBED
    assert OutboxMessage.objects.filter(kind="welcome_email").count() == 1
    assert ConsentRecord.objects.filter(action="confirm").count() == 1


def test_pending_signups_older_than_the_limit_are_purged(settings):
    fresh = SubscriberFactory(status=Status.PENDING, confirmed_at=None)
    stale = SubscriberFactory(status=Status.PENDING, confirmed_at=None)
    Subscriber.objects.filter(pk=stale.pk).update(
        updated_at=timezone.now() - timedelta(hours=settings.SUBSCRIPTIONS["PENDING_TTL_HOURS"] + 1)
    )
    confirmed_long_ago = SubscriberFactory()
    Subscriber.objects.filter(pk=confirmed_long_ago.pk).update(
        updated_at=timezone.now() - timedelta(days=400)
    )

    assert services.pending_purge() == 1

    assert set(Subscriber.objects.values_list("pk", flat=True)) == {
        fresh.pk,
        confirmed_long_ago.pk,
    }


def test_a_new_address_is_stored_by_one_statement(django_assert_num_queries):
    # The benchmark measured 17 statements, then 7, before the signup of a new address
    # became one INSERT with data-modifying WITH parts.
    with django_assert_num_queries(1):
        services.subscription_request(
            email="fast@rights.org",
            language="fr",
            interest_keys=["news", "monitor", "news"],
            source="campaign-page",
            consent_language="en",
        )

    subscriber = Subscriber.objects.get()
    assert subscriber.status == Status.PENDING
    assert subscriber.language == "fr"
    assert subscriber.source == "campaign-page"
    assert subscriber.confirmation_sent_at is not None
    assert sorted(subscriber.interests.values_list("key", flat=True)) == ["monitor", "news"]
    record = subscriber.consent_records.get()
    assert record.interests == ["monitor", "news"]
    assert record.language == "en"
    assert record.wording_version == CONSENT_VERSION
    assert record.source == "campaign-page"
    message = OutboxMessage.objects.get()
    assert (message.kind, message.subscriber_id) == ("confirmation_email", subscriber.pk)


def test_without_the_one_statement_path_a_new_signup_stores_the_same(signup, monkeypatch):
    # Databases other than PostgreSQL take the locked path for new addresses too.
    monkeypatch.setattr(services, "_new_signup_in_one_statement", lambda **kwargs: False)

    response = signup("other-db@rights.org", interests=["monitor", "news"], language="es")

    assert response.status_code == 202
    subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.language) == (Status.PENDING, "es")
    assert sorted(subscriber.interests.values_list("key", flat=True)) == ["monitor", "news"]
    assert subscriber.consent_records.get().interests == ["monitor", "news"]
    assert OutboxMessage.objects.get().kind == "confirmation_email"
    assert len(mail.outbox) == 1


def test_an_inactive_interest_is_refused_like_an_unknown_one_and_nothing_is_stored(signup):
    Interest.objects.filter(key="appeals").update(active=False)

    response = signup("inactive@rights.org", interests=["monitor", "appeals"])

    assert response.status_code == 400
    assert response.json()["errors"] == {"interests": ["appeals"]}
    assert not Subscriber.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_signups_of_one_new_address_store_it_once_and_email_once():
    barrier = threading.Barrier(4)
    failures = []

    def sign_up():
        try:
            barrier.wait(timeout=10)
            services.subscription_request(
                email="race@rights.org", language="en", interest_keys=["monitor"]
            )
        except Exception as error:  # reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    assert Subscriber.objects.filter(email="race@rights.org").count() == 1
    assert OutboxMessage.objects.filter(kind="confirmation_email").count() == 1
    assert len(mail.outbox) == 1
