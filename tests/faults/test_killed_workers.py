"""Celery workers killed with SIGKILL in the middle of their work, then started again.

Each kill takes the worker's whole process group (main process and pool
children) at once: nothing is acknowledged, handed back or cleaned up, as
when a machine or container dies. What was queued is still in Redis; what
the dead worker held is not: with ``acks_late`` its tasks stay in Redis's
unacknowledged set until the broker's visibility timeout (an hour), and
``reject_on_worker_lost`` only hands a task back when a pool child dies under
a live main process. Those come back through the database instead: the rows
they had claimed are leased (15 s here, minutes in production), and once the
lease is over the service's sweeper (Celery beat) queues them again.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import Counter

import pytest
import requests

from tests.faults.support import (
    addresses,
    confirm_subscribers,
    kill_process_group,
    members_missing,
    outbox_settled,
    puts_by_status,
    query,
    wait_until,
)
from tests.harness import stop_process

pytestmark = pytest.mark.faults

# How long the fake Mailchimp holds its answer to the send, after the send took effect:
# the window in which the worker is killed (shorter than the services' 5 s timeout).
SEND_ANSWER_DELAY = 4.0


def claimed_and_unfinished(service, prefix: str) -> int:
    """Outbox messages of ``prefix`` claimed by a worker (leased) and not finished."""
    return query(
        service,
        """SELECT count(*) FROM outbox_outboxmessage m
           JOIN subscriptions_subscriber s ON s.id = m.subscriber_id
           WHERE s.email LIKE %s AND m.status = 'pending' AND m.attempts > 0
             AND m.next_attempt_at > now()""",
        f"{prefix}-%",
    )[0][0]


def test_a_worker_killed_in_the_middle_of_a_sync_batch_leaves_no_member_unsynced(
    workers, interests, mailchimp
):
    """300 confirmations, each Mailchimp call taking 0.1 s; the worker dies after about 60.

    The confirmations keep arriving while it is dead. A new worker and the
    sweeper (beat, started with it) finish the batch: every member is in
    Mailchimp with the right state and every outbox message is done. A PUT
    may be repeated only for a member whose call the kill interrupted after
    Mailchimp had applied it (an upsert: the member is not duplicated).
    """
    service = workers["subscriber_service"]
    prefix = f"killed-{secrets.token_hex(3)}"
    emails = addresses(prefix, 300)
    mailchimp.latency = 0.1
    confirming = threading.Thread(target=confirm_subscribers, args=(service, emails))
    confirming.start()
    try:
        wait_until(
            lambda: len(members_missing(mailchimp, emails)) <= 240,
            timeout=120,
            what="a fifth of the batch reaching Mailchimp",
        )
        kill_process_group(service.worker)
        synced_at_kill = 300 - len(members_missing(mailchimp, emails))
        held_by_the_dead_worker = claimed_and_unfinished(service, prefix)
    finally:
        confirming.join()
    service.start_worker(pool="prefork", concurrency=4)
    service.start_beat()
    try:
        settled = wait_until(
            lambda: outbox_settled(service, prefix),
            timeout=150,
            what="every outbox message of the batch handled after the restart",
            every=0.5,
        )
    finally:
        stop_process(service.beat)
        service.beat = None

    assert 60 <= synced_at_kill < 300
    assert held_by_the_dead_worker > 0, "the kill found no message in flight"
    assert settled == Counter({("mailchimp_sync", "done"): 300, ("welcome_email", "done"): 300})
    assert members_missing(mailchimp, emails) == []
    assert {mailchimp.member(email)["status"] for email in emails} == {"subscribed"}
    puts = puts_by_status(mailchimp, emails)
    assert all(count[200] >= 1 for count in puts.values())
    repeated = [email for email, count in puts.items() if count[200] > 1]
    assert len(repeated) <= held_by_the_dead_worker


def test_a_worker_killed_after_mailchimp_accepted_the_send_sends_the_campaign_once(
    workers, interests, monitor_article, mailchimp, service_tokens
):
    """A campaign's send task dies between Mailchimp accepting the send and the database.

    The fake Mailchimp applies ``actions/send`` at once and holds its answer
    4 s; the newsletter worker is killed in that window, with the campaign
    still ``sending`` in the database. After the lease (15 s here) the
    sweeper queues the sync again; the new worker asks Mailchimp for the
    campaign's status first, finds it sent, and records ``sent`` without
    sending again: exactly one ``actions/send`` reached Mailchimp.
    """
    newsletter = workers["newsletter_service"]
    readers = addresses(f"readers-{secrets.token_hex(3)}", 3)
    confirm_subscribers(workers["subscriber_service"], readers, language="en")
    wait_until(lambda: not members_missing(mailchimp, readers), what="the readers synced")
    api = f"{newsletter.url}/api/v1/campaigns"
    headers = {"Authorization": f"Bearer {service_tokens[('cms', 'newsletter_service')]}"}
    created = requests.post(
        f"{api}/",
        json={
            "kind": "single",
            "subject": "Defenders released",
            "language": "en",
            "interests": ["monitor"],
            "page_ids": [monitor_article],
        },
        headers=headers,
        timeout=30,
    )
    assert created.status_code == 201, created.text
    campaign_id = created.json()["id"]

    def campaign() -> dict:
        return requests.get(f"{api}/{campaign_id}/", headers=headers, timeout=10).json()

    mailchimp.delay_path(r"^/campaigns/[^/]+/actions/send$", SEND_ANSWER_DELAY)
    sending = requests.post(
        f"{api}/{campaign_id}/send/", json={"reason": "fault test"}, headers=headers, timeout=60
    )
    assert sending.status_code == 200, sending.text
    provider_id = wait_until(
        lambda: campaign()["mailchimp_campaign_id"], what="the campaign created at Mailchimp"
    )
    wait_until(
        lambda: mailchimp.campaign(provider_id)["status"] in ("sending", "sent"),
        what="Mailchimp accepting the send",
        every=0.02,
    )
    kill_process_group(newsletter.worker)
    state_at_kill = campaign()["state"]
    killed_at = time.monotonic()
    newsletter.start_worker(pool="prefork", concurrency=2)
    finished = wait_until(
        lambda: (found := campaign())["state"] != "sending" and found,
        timeout=90,
        what="the campaign leaving 'sending' after the restart",
    )
    recovered_after = time.monotonic() - killed_at
    transitions = requests.get(f"{api}/{campaign_id}/transitions/", headers=headers, timeout=10)

    assert state_at_kill == "sending", "the worker was killed outside the window"
    assert finished["state"] == "sent"
    assert len(mailchimp.requests_to("POST", rf"^/campaigns/{provider_id}/actions/send$")) == 1
    assert set(readers) <= set(mailchimp.sent_to(provider_id))
    last = transitions.json()[-1]
    assert (last["from_state"], last["to_state"]) == ("sending", "sent")
    assert "reports the campaign" in last["reason"]
    # It came back through the lease and the sweeper, not an hour later.
    assert recovered_after < 60
