from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from subscriber_service.outbox import services
from subscriber_service.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls():
    """A handler that records its calls and does what the test tells it."""
    seen = []
    behaviour = {"raise": None}

    @services.outbox_handler("test_kind")
    def handler(message):
        seen.append(message.pk)
        if behaviour["raise"]:
            raise behaviour["raise"]

    yield seen, behaviour
    services.HANDLERS.pop("test_kind")


def test_a_message_is_carried_out_once_however_often_its_task_runs(calls):
    seen, _ = calls
    message = OutboxMessage.objects.create(kind="test_kind")

    results = [services.outbox_deliver_message(message_id=message.pk) for _ in range(3)]

    assert results == ["done", "skipped", "skipped"]
    assert seen == [message.pk]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.DONE
    assert message.attempts == 1


def test_an_error_that_can_clear_is_retried_later_with_backoff(calls):
    seen, behaviour = calls
    behaviour["raise"] = services.RetryLater("Mailchimp: 503")
    message = OutboxMessage.objects.create(kind="test_kind")

    assert services.outbox_deliver_message(message_id=message.pk) == "retry"

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.last_error == "Mailchimp: 503"
    wait = (message.next_attempt_at - timezone.now()).total_seconds()
    assert 1 < wait <= services.BACKOFF_BASE_SECONDS
    # Not due yet: a second copy of the task does nothing.
    assert services.outbox_deliver_message(message_id=message.pk) == "skipped"
    assert len(seen) == 1


def test_an_error_that_will_not_clear_fails_the_message_at_once(calls):
    _, behaviour = calls
    behaviour["raise"] = services.GiveUp("invalid address")
    message = OutboxMessage.objects.create(kind="test_kind")

    assert services.outbox_deliver_message(message_id=message.pk) == "failed"

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.last_error == "invalid address"


def test_retries_stop_after_the_last_attempt(calls):
    _, behaviour = calls
    behaviour["raise"] = services.RetryLater("still down")
    message = OutboxMessage.objects.create(kind="test_kind", attempts=services.MAX_ATTEMPTS - 1)

    assert services.outbox_deliver_message(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED


def test_backoff_grows_and_stays_below_the_broker_visibility_timeout():
    ceilings = [max(services.backoff_seconds(n) for _ in range(50)) for n in range(1, 20)]

    assert ceilings[0] <= services.BACKOFF_BASE_SECONDS
    assert ceilings[3] > ceilings[0]
    assert max(ceilings) <= services.BACKOFF_MAX_SECONDS < 3600


def test_the_sweeper_requeues_due_messages_and_a_claimed_one_after_its_lease(calls):
    seen, _ = calls
    due = OutboxMessage.objects.create(kind="test_kind")
    claimed = OutboxMessage.objects.create(
        kind="test_kind", attempts=1, next_attempt_at=timezone.now() + services.lease()
    )
    done = OutboxMessage.objects.create(kind="test_kind", status=OutboxMessage.Status.DONE)

    # Test settings run tasks eagerly: queueing is running.
    assert services.outbox_sweep() == 1
    assert seen == [due.pk]

    # The worker that claimed the other one died: once its lease is over, it is due again.
    OutboxMessage.objects.filter(pk=claimed.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert services.outbox_sweep() == 1
    assert seen == [due.pk, claimed.pk]
    assert done.pk not in seen


def test_a_claim_holds_the_message_for_the_configured_lease(calls, settings):
    seen, _ = calls
    message = OutboxMessage.objects.create(kind="test_kind")
    assert services.lease() == timedelta(minutes=3)  # the default
    settings.OUTBOX_LEASE_SECONDS = 7

    claimed = services._claim(message.pk)

    held = (claimed.next_attempt_at - timezone.now()).total_seconds()
    assert 6 < held <= 7
    # Held: neither the task's second copy nor the sweeper touches it.
    assert services.outbox_deliver_message(message_id=message.pk) == "skipped"
    assert services.outbox_sweep() == 0
    assert seen == []


def test_a_message_of_an_unknown_kind_fails_instead_of_looping():
    message = OutboxMessage.objects.create(kind="nobody_handles_this")

    assert services.outbox_deliver_message(message_id=message.pk) == "failed"


def test_a_message_waiting_in_the_queue_is_not_queued_again_by_every_sweep(
    calls, settings, monkeypatch
):
    seen, _ = calls
    queued = []
    # A broker with a backlog: the sweep queues, nothing runs yet.
    monkeypatch.setattr(services, "_queue", lambda message_id, countdown: queued.append(message_id))
    message = OutboxMessage.objects.create(kind="test_kind")

    assert [services.outbox_sweep() for _ in range(3)] == [1, 0, 0]
    assert queued == [message.pk]

    # Long after, the task still has not run (lost with a broker restart): queued again.
    OutboxMessage.objects.filter(pk=message.pk).update(
        swept_at=timezone.now() - services.SWEEP_REQUEUE_AFTER - timedelta(seconds=1)
    )
    assert services.outbox_sweep() == 1
    # Its task ran, claimed it and died: due again once the lease is over, not 5 minutes later.
    monkeypatch.undo()
    claimed = services._claim(message.pk)
    assert claimed is not None
    # Time passes beyond the lease: move every moment back by it.
    shift = services.lease() + timedelta(seconds=1)
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=F("next_attempt_at") - shift, swept_at=F("swept_at") - shift
    )
    assert services.outbox_sweep() == 1
    assert seen == [message.pk]
