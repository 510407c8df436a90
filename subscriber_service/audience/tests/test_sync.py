"""The audience sync against the fake Mailchimp (a real HTTP server) through the real SDK."""

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from platform_common.mailchimp import subscriber_hash
from subscriber_service.audience import services
from subscriber_service.outbox.models import OutboxMessage
from subscriber_service.outbox.services import outbox_deliver_message
from subscriber_service.subscriptions import links
from subscriber_service.subscriptions.models import Interest, Subscriber
from subscriber_service.subscriptions.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db(transaction=True)
Status = Subscriber.Status


def interest_ids(*keys):
    return {
        i.mailchimp_interest_id: i.key in keys
        for i in Interest.objects.exclude(mailchimp_interest_id="")
    }


def test_a_confirmed_subscriber_reaches_mailchimp_with_status_language_and_interests(
    mailchimp, signup, api_client
):
    from django.core import mail

    signup("Defender@Rights.org", name="Ana", language="fr", interests=["monitor", "appeals"])
    token = links.confirm_link(Subscriber.objects.get()).rstrip("/").rsplit("/", 1)[1]
    assert len(mail.outbox) == 1

    api_client.post("/api/v1/subscriptions/confirm/", {"token": token}, format="json")

    member = mailchimp.member("defender@rights.org")
    assert member["status"] == "subscribed"
    assert member["language"] == "fr"
    assert member["merge_fields"]["FNAME"] == "Ana"
    assert member["interests"] == interest_ids("monitor", "appeals")
    puts = mailchimp.requests_to("PUT", r"/lists/.+/members/[0-9a-f]{32}$")
    assert len(puts) == 1
    assert puts[0].path.endswith(subscriber_hash("defender@rights.org"))
    assert mailchimp.spec_violations == []
    subscriber = Subscriber.objects.get()
    assert subscriber.mailchimp_status == "subscribed"
    assert subscriber.mailchimp_synced_at is not None


def test_unsubscribing_and_preference_changes_follow_to_mailchimp(mailchimp, api_client):
    subscriber = SubscriberFactory(interests=[Interest.objects.get(key="news")])
    services.member_push(subscriber_id=subscriber.pk)
    token = links.manage_token(subscriber)

    api_client.patch(
        f"/api/v1/preferences/{token}/", {"interests": ["events"], "language": "es"}, format="json"
    )
    assert mailchimp.member(subscriber.email)["interests"] == interest_ids("events")
    assert mailchimp.member(subscriber.email)["language"] == "es"

    api_client.post("/api/v1/unsubscribe/", {"token": token}, format="json")

    assert mailchimp.member(subscriber.email)["status"] == "unsubscribed"
    assert mailchimp.spec_violations == []


def test_erasure_deletes_the_member_permanently_in_mailchimp(mailchimp, api_client):
    subscriber = SubscriberFactory()
    services.member_push(subscriber_id=subscriber.pk)
    assert mailchimp.member(subscriber.email) is not None
    from subscriber_service.subscriptions.services import subscriber_erase

    subscriber_erase(subscriber=subscriber)

    assert mailchimp.member(subscriber.email) is None
    assert len(mailchimp.requests_to("POST", r"/actions/delete-permanent$")) == 1
    # Mailchimp now refuses the address, and the webhook/reconcile paths erase it again.
    assert services.subscriber_apply_mailchimp_change(
        email=subscriber.email, status="subscribed"
    ) == ("suppressed: erased again")
    assert not Subscriber.objects.exists()


def test_a_5xx_is_retried_later_and_the_member_arrives_once_mailchimp_is_back(mailchimp):
    subscriber = SubscriberFactory()
    mailchimp.fail_next(1, status=503)
    message = OutboxMessage.objects.create(kind="mailchimp_sync", subscriber_id=subscriber.pk)

    assert outbox_deliver_message(message_id=message.pk) == "retry"
    assert mailchimp.member(subscriber.email) is None
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())

    assert outbox_deliver_message(message_id=message.pk) == "done"
    assert mailchimp.member(subscriber.email)["status"] == "subscribed"


def test_a_permanent_refusal_is_recorded_and_not_retried(mailchimp):
    subscriber = SubscriberFactory()
    services.member_push(subscriber_id=subscriber.pk)
    mailchimp.sdk_client().lists.delete_list_member_permanent(
        mailchimp.list_id, subscriber_hash(subscriber.email)
    )
    message = OutboxMessage.objects.create(kind="mailchimp_sync", subscriber_id=subscriber.pk)

    assert outbox_deliver_message(message_id=message.pk) == "failed"

    subscriber.refresh_from_db()
    assert subscriber.mailchimp_error.startswith("400")
    assert subscriber.email not in OutboxMessage.objects.get(pk=message.pk).last_error


def test_a_resync_uses_batches_of_500_and_never_more_than_ten_connections(mailchimp):
    monitor = Interest.objects.get(key="monitor")
    Subscriber.objects.bulk_create(
        Subscriber(email=f"bulk{n}@rights.org", status=Status.SUBSCRIBED, language="en")
        for n in range(2600)
    )
    Subscriber.interests.through.objects.bulk_create(
        Subscriber.interests.through(subscriber_id=pk, interest_id=monitor.pk)
        for pk in Subscriber.objects.values_list("pk", flat=True)
    )
    mailchimp.configure({"latency": 0.2})

    report = services.audience_resync()

    assert report.members == 2600
    assert report.calls == 6
    # A batch whose answer timed out on a busy machine is sent again: batch upserts are
    # idempotent, so the repeat counts members as updated, never twice.
    assert report.created + report.updated == 2600
    batches = mailchimp.requests_to("POST", r"^/lists/[^/]+$")
    assert [len(b.body["members"]) for b in batches] and max(
        len(b.body["members"]) for b in batches
    ) == 500
    assert mailchimp.too_many_requests == 0
    assert mailchimp.max_in_flight_seen <= 10
    assert len(mailchimp.members()) == 2600
    assert mailchimp.member("bulk7@rights.org")["interests"][monitor.mailchimp_interest_id]
    assert Subscriber.objects.filter(mailchimp_synced_at__isnull=True).count() == 0
    assert mailchimp.spec_violations == []


def test_many_workers_pushing_at_once_share_ten_connection_slots(mailchimp, settings):
    subscribers = [SubscriberFactory() for _ in range(30)]
    mailchimp.configure({"latency": 0.15})
    errors = []

    def push(subscriber_id):
        try:
            services.member_push(subscriber_id=subscriber_id)
        except Exception as error:
            errors.append(error)
        finally:
            from django.db import connection

            connection.close()

    threads = [threading.Thread(target=push, args=(s.pk,)) for s in subscribers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(mailchimp.members()) == 30
    assert mailchimp.too_many_requests == 0
    assert 1 < mailchimp.max_in_flight_seen <= 10


def test_reconciliation_applies_mailchimp_side_unsubscribes_and_pushes_local_changes(mailchimp):
    left_there = SubscriberFactory()
    drifted = SubscriberFactory(language="en")
    for subscriber in (left_there, drifted):
        services.member_push(subscriber_id=subscriber.pk)
    client = mailchimp.sdk_client()
    client.lists.update_list_member(
        mailchimp.list_id, subscriber_hash(left_there.email), {"status": "unsubscribed"}
    )
    Subscriber.objects.filter(pk=drifted.pk).update(language="fr")

    report = services.audience_reconcile(full=True)

    left_there.refresh_from_db()
    assert left_there.status == Status.UNSUBSCRIBED
    assert mailchimp.member(drifted.email)["language"] == "fr"
    assert report.applied_locally == 1
    assert report.pushed == 1


def test_reconciliation_pushes_subscribers_mailchimp_is_missing(mailchimp):
    missing = SubscriberFactory()

    report = services.audience_reconcile(full=True)

    assert report.pushed == 1
    assert mailchimp.member(missing.email)["status"] == "subscribed"


def test_a_later_reconciliation_asks_only_for_members_changed_since_the_last(mailchimp):
    services.audience_reconcile()
    services.audience_reconcile()

    asked = mailchimp.requests_to("GET", r"/lists/[^/]+/members$")
    assert "since_last_changed" not in asked[0].query
    assert "since_last_changed" in asked[1].query
    since = asked[1].query["since_last_changed"]
    since = since[0] if isinstance(since, list) else since
    assert since < (timezone.now() - timedelta(minutes=4)).isoformat()


def test_no_log_line_holds_an_address_or_its_mailchimp_id(mailchimp, signup, api_client, caplog):
    import logging

    from django.test import Client

    from subscriber_service.subscriptions.services import subscriber_erase

    address = "private.person@rights.org"
    caplog.set_level(logging.DEBUG)
    mailchimp.fail_next(1, status=503)  # an error path logs too

    signup(address, name="Private")
    subscriber = Subscriber.objects.get()
    token = links.confirm_link(subscriber).rstrip("/").rsplit("/", 1)[1]
    api_client.post("/api/v1/subscriptions/confirm/", {"token": token}, format="json")
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    from subscriber_service.outbox.services import outbox_sweep

    outbox_sweep()
    Client().post(
        "/mailchimp/webhook/test-webhook-secret/",
        {"type": "profile", "data[list_id]": mailchimp.list_id, "data[email]": address},
    )
    subscriber_erase(subscriber=subscriber)

    assert mailchimp.requests_to("PUT", subscriber_hash(address))  # the flow did run
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged  # and logged
    assert address not in logged.lower()
    assert subscriber_hash(address) not in logged
    failures = "\n".join(OutboxMessage.objects.values_list("last_error", flat=True))
    assert address not in failures
    assert subscriber_hash(address) not in failures


def test_a_resync_records_refused_members_and_marks_the_others_synced_as_sent(mailchimp):
    news = Interest.objects.get(key="news")
    Subscriber.objects.bulk_create(
        [
            Subscriber(email="kept@rights.org", status=Status.SUBSCRIBED, language="fr"),
            Subscriber(email="left@rights.org", status=Status.UNSUBSCRIBED, language="es"),
            Subscriber(email="refused@example.org", status=Status.SUBSCRIBED, language="en"),
            Subscriber(email="waiting@rights.org", status=Status.PENDING, language="en"),
        ]
    )
    Subscriber.objects.get(email="kept@rights.org").interests.set([news])

    report = services.audience_resync(batch_size=2)

    assert (report.members, report.calls, report.created, report.errors) == (3, 2, 2, 1)
    synced = {s.email: s for s in Subscriber.objects.all()}
    assert synced["kept@rights.org"].mailchimp_status == "subscribed"
    assert synced["left@rights.org"].mailchimp_status == "unsubscribed"
    assert synced["refused@example.org"].mailchimp_synced_at is None
    assert "looks fake or invalid" in synced["refused@example.org"].mailchimp_error
    assert synced["waiting@rights.org"].mailchimp_synced_at is None
    assert mailchimp.member("kept@rights.org")["interests"] == interest_ids("news")
    assert mailchimp.member("left@rights.org")["status"] == "unsubscribed"
    assert mailchimp.member("waiting@rights.org") is None
    assert mailchimp.spec_violations == []
