"""The subscriber service losing its Redis or its PostgreSQL, and coming back by itself.

One subscriber service of these tests' own (gunicorn, a prefork worker and
beat on a fresh database), because the platform's cannot have its broker
restarted or its database cut: its Redis is a private redis-server that
keeps nothing on disk, and it reaches PostgreSQL through a TCP proxy on
127.0.0.1 that the test cuts (connections refused, open ones closed) and
restores. Mailchimp and the mail sink are the session's.
"""

from __future__ import annotations

import secrets
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from tests.conftest import service_environment
from tests.faults.support import (
    LEASE_SECONDS,
    RedisServer,
    TcpProxy,
    addresses,
    confirm_subscribers,
    members_missing,
    outbox_settled,
    query,
    wait_until,
)
from tests.harness import SERVICES, ServiceProcesses, free_port, stop_process

pytestmark = pytest.mark.faults

QUEUE = "subscriber_service"


@dataclass
class Isolated:
    service: ServiceProcesses
    redis: RedisServer
    database: TcpProxy


@pytest.fixture(scope="module")
def isolated(backing, service_tokens, mailchimp, mail_sink, tmp_path_factory) -> Iterator[Isolated]:
    directory = tmp_path_factory.mktemp("isolated-subscriber-service")
    redis_server = RedisServer(directory).start()
    ports = {name: free_port() for name in SERVICES}
    env = service_environment(
        "subscriber_service",
        backing,
        service_tokens,
        ports,
        mailchimp=mailchimp,
        mail_sink=mail_sink,
    )
    database_url = urllib.parse.urlsplit(env["DATABASE_URL"])
    proxy = TcpProxy(database_url.hostname, database_url.port or 5432).start()
    credentials = database_url.netloc.rpartition("@")[0]
    env.update(
        {
            "DATABASE_URL": database_url._replace(
                netloc=f"{credentials}@127.0.0.1:{proxy.port}"
            ).geturl(),
            "DATABASE_CONNECT_TIMEOUT": "2",
            "REDIS_URL": redis_server.url,
            "VAR_DIR": str(directory / "var"),
            "OUTBOX_LEASE_SECONDS": LEASE_SECONDS,
            # The proof of work is not what these tests are about.
            "SIGNUP_PROOF_OF_WORK_REQUIRED": "false",
        }
    )
    service = ServiceProcesses(
        name="subscriber_service", env=env, port=ports["subscriber_service"], log_dir=directory
    )
    try:
        service.manage("migrate", "--noinput")
        service.start_web()
        service.start_worker(pool="prefork", concurrency=2)
        service.start_beat()
        yield Isolated(service=service, redis=redis_server, database=proxy)
    finally:
        service.stop()
        redis_server.stop()
        proxy.stop()


def signup(service: ServiceProcesses, email: str) -> requests.Response:
    return requests.post(
        f"{service.url}/api/v1/subscriptions/",
        json={"email": email, "language": "en", "interests": ["news"], "consent": True},
        timeout=30,
    )


def test_a_redis_restarted_while_tasks_are_queued_loses_nothing(isolated, mailchimp):
    """Outbox work is queued while the worker is stopped; Redis restarts empty; all is delivered.

    The broker's copy of the 40 confirmations' tasks (sync and welcome
    email) is lost with the restart. The rows are in PostgreSQL: the
    sweeper (beat) queues them again and the worker, started after the
    restart, delivers every one.
    """
    service = isolated.service
    stop_process(service.worker)
    prefix = f"restart-{secrets.token_hex(3)}"
    emails = addresses(prefix, 40)
    confirm_subscribers(service, emails, language="en", interests=("news",))
    queued_before_restart = isolated.redis.client().llen(QUEUE)

    isolated.redis.stop()
    isolated.redis.start()
    queued_after_restart = isolated.redis.client().llen(QUEUE)
    service.start_worker(pool="prefork", concurrency=2)
    settled = wait_until(
        lambda: outbox_settled(service, prefix),
        timeout=90,
        what="every outbox message delivered after the Redis restart",
        every=0.5,
    )

    assert queued_before_restart >= 80
    assert queued_after_restart == 0
    assert settled == Counter({("mailchimp_sync", "done"): 40, ("welcome_email", "done"): 40})
    assert members_missing(mailchimp, emails) == []
    # The web process reconnected to the new Redis by itself: a signup is queued again.
    address = f"{prefix}-after@rights.org"
    assert signup(service, address).status_code == 202
    assert requests.get(f"{service.url}/readyz", timeout=20).status_code == 200


def test_a_database_cut_answers_503_problems_and_the_service_recovers_by_itself(
    isolated, mail_sink
):
    """PostgreSQL becomes unreachable for a moment, then comes back; nothing is restarted.

    While it is cut, reads and signups answer 503 problem details with
    Retry-After and no stack trace, ``/readyz`` names the database, and
    ``/healthz`` still answers. Once it is back, the same web process and
    worker serve again: the signup made then is stored once and its
    confirmation email sent; the one refused during the cut left nothing.
    """
    service = isolated.service
    prefix = f"dbcut-{secrets.token_hex(3)}"
    refused_address, accepted_address = f"{prefix}-0@rights.org", f"{prefix}-1@rights.org"
    assert requests.get(f"{service.url}/api/v1/interests/", timeout=10).status_code == 200

    isolated.database.cut()
    try:
        read = requests.get(f"{service.url}/api/v1/interests/", timeout=20)
        refused = signup(service, refused_address)
        ready = requests.get(f"{service.url}/readyz", timeout=20)
        alive = requests.get(f"{service.url}/healthz", timeout=10)
    finally:
        isolated.database.restore()
    read_again = wait_until(
        lambda: (
            (answer := requests.get(f"{service.url}/api/v1/interests/", timeout=20)).status_code
            == 200
            and answer
        ),
        timeout=30,
        what="the service reading from the database again",
    )
    accepted = signup(service, accepted_address)
    ready_again = requests.get(f"{service.url}/readyz", timeout=20)

    for answer in (read, refused):
        assert answer.status_code == 503, answer.text
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert answer.headers["Retry-After"]
        assert answer.json()["detail"] == (
            "The service's database cannot be reached; try again shortly."
        )
        assert "Traceback" not in answer.text
    assert ready.status_code == 503
    assert ready.json()["failing"] == ["database"]
    assert "OperationalError" in ready.json()["checks"]["database"]["error"]
    assert alive.status_code == 200
    assert read_again.json()
    assert accepted.status_code == 202, accepted.text
    assert ready_again.status_code == 200
    mail_sink.wait_for(accepted_address)
    stored = query(
        service,
        "SELECT email, status FROM subscriptions_subscriber WHERE email LIKE %s",
        f"{prefix}-%",
    )
    assert stored == [(accepted_address, "pending")]
    assert mail_sink.to(refused_address) == []
