"""What the fault tests share: waiting, the processes they kill or cut, and the records they count.

The records are read straight from each service's PostgreSQL database (read
only): a fault test ends by accounting for every row its faults could have
lost or doubled, and a ``manage.py shell`` per poll would be too slow.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

import psycopg
import pytest
import redis
from celery import Celery

from fake_mailchimp.server import FakeMailchimp
from platform_common.celery import celery_settings
from platform_common.mailchimp import subscriber_hash
from tests.harness import Backing, ServiceProcesses, free_port, stop_process

T = TypeVar("T")

# A dead worker's outbox message or campaign sync comes back after its lease (3 and 6
# minutes in production): 15 s here, still longer than any handler runs in these tests
# (a Mailchimp call times out after 5 s), so a live worker's work is never run twice.
LEASE_SECONDS = "15"


def wait_until(
    predicate: Callable[[], T], *, timeout: float = 60, what: str = "condition", every: float = 0.2
) -> T:
    """The first truthy value of ``predicate``; fails the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(every)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def kill_process_group(process: subprocess.Popen) -> None:
    """SIGKILL a process started in its own session and everything in its group.

    For a Celery worker that is the main process and its pool children: no
    warm or cold shutdown, no message acknowledged or handed back, as when a
    machine or container dies.
    """
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def celery_client(service: str, backing: Backing, monkeypatch: pytest.MonkeyPatch) -> Celery:
    """A Celery client configured as ``service`` configures its own: queue, broker, results."""
    monkeypatch.setenv("VAR_DIR", str(backing.var_dir))
    monkeypatch.setenv("REDIS_URL", backing.redis_url)
    app = Celery(f"faults-client-{service}")
    app.config_from_object(SimpleNamespace(**celery_settings(service)), namespace="CELERY")
    return app


# --- reading the services' databases ------------------------------------------------------


def query(service: ServiceProcesses, sql: str, *params: Any) -> list[tuple]:
    with psycopg.connect(service.env["DATABASE_URL"], connect_timeout=5) as connection:
        return connection.execute(sql, params).fetchall()


def outbox_of(service: ServiceProcesses, prefix: str) -> Counter[tuple[str, str]]:
    """How many outbox messages of each (kind, status) the subscribers of ``prefix`` have."""
    rows = query(
        service,
        """SELECT m.kind, m.status, count(*) FROM outbox_outboxmessage m
           JOIN subscriptions_subscriber s ON s.id = m.subscriber_id
           WHERE s.email LIKE %s GROUP BY m.kind, m.status""",
        f"{prefix}-%",
    )
    return Counter({(kind, status): count for kind, status, count in rows})


def outbox_settled(service: ServiceProcesses, prefix: str) -> Counter[tuple[str, str]] | None:
    """``outbox_of`` once no message of ``prefix`` is pending any more, else None."""
    counts = outbox_of(service, prefix)
    return None if any(status == "pending" for _, status in counts) else counts


def retried_messages(service: ServiceProcesses, prefix: str) -> int:
    """Outbox messages of ``prefix`` that took more than one attempt."""
    return query(
        service,
        """SELECT count(*) FROM outbox_outboxmessage m
           JOIN subscriptions_subscriber s ON s.id = m.subscriber_id
           WHERE s.email LIKE %s AND m.attempts > 1""",
        f"{prefix}-%",
    )[0][0]


# --- subscribers ---------------------------------------------------------------------------

CONFIRM_SCRIPT = """
from subscriber_service.subscriptions.models import Interest, Subscriber
from subscriber_service.subscriptions.services import subscription_confirm
from subscriber_service.subscriptions.tokens import make_token

interests = list(Interest.objects.filter(key__in={interests!r}))
people = Subscriber.objects.bulk_create(
    Subscriber(email=address, name="Defender", language={language!r}, source="fault-test")
    for address in {addresses!r}
)
Subscriber.interests.through.objects.bulk_create(
    Subscriber.interests.through(subscriber_id=person.pk, interest_id=interest.pk)
    for person in people
    for interest in interests
)
for person in people:
    subscription_confirm(token=make_token("confirm", str(person.public_id)))
print(len(people))
"""


def addresses(prefix: str, count: int) -> list[str]:
    return [f"{prefix}-{n}@rights.org" for n in range(count)]


def confirm_subscribers(
    service: ServiceProcesses,
    emails: list[str],
    *,
    language: str = "fr",
    interests: tuple[str, ...] = ("monitor",),
    processes: int = 1,
) -> None:
    """Pending subscribers, each confirmed through the real ``subscription_confirm`` service.

    Each confirmation writes its Mailchimp sync and welcome email outbox
    messages in its own transaction and queues their tasks on commit, as the
    confirm API does; the signups themselves are inserted directly (their
    confirmation emails are not what these tests are about). ``processes``
    confirm at once, like that many web workers.
    """

    def confirm(chunk: list[str]) -> None:
        script = CONFIRM_SCRIPT.format(
            interests=list(interests), language=language, addresses=chunk
        )
        done = service.manage("shell", "-c", script)
        assert done.stdout.strip().splitlines()[-1] == str(len(chunk)), done.stderr

    with ThreadPoolExecutor(max_workers=processes) as pool:
        list(pool.map(confirm, [emails[n::processes] for n in range(processes)]))


def members_missing(mailchimp: FakeMailchimp, emails: list[str]) -> list[str]:
    with mailchimp.store.lock:
        members = mailchimp.store.members
        return [email for email in emails if subscriber_hash(email) not in members]


def puts_by_status(mailchimp: FakeMailchimp, emails: list[str]) -> dict[str, Counter]:
    """For each address, how many member PUTs the fake answered with each status (None: dropped)."""
    wanted = {subscriber_hash(email): email for email in emails}
    found: dict[str, Counter] = {email: Counter() for email in emails}
    for request in mailchimp.requests_to("PUT", r"/members/[0-9a-f]{32}$"):
        email = wanted.get(request.path.rsplit("/", 1)[1])
        if email is not None:
            found[email][request.status] += 1
    return found


# --- a Redis server of the test's own ------------------------------------------------------


class RedisServer:
    """A redis-server on 127.0.0.1 that keeps nothing on disk: a restart empties it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        # --save "" and no append-only file: what was queued is gone after a restart.
        arguments = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        arguments += ["--appendonly", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(
            ["redis-server", *arguments],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        client = redis.Redis.from_url(self.url)

        def answers() -> bool:
            with suppress(redis.ConnectionError):
                return bool(client.ping())
            return False

        wait_until(answers, timeout=10, what="redis-server answering", every=0.05)
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)


# --- a TCP connection that the test can cut ------------------------------------------------


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to ``target``; ``cut`` makes the target unreachable.

    While cut, the port refuses connections and every forwarded connection
    has been closed, as when the server behind it goes away; ``restore``
    listens again on the same port.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._stop = threading.Event()
        self._accepting: threading.Thread | None = None

    def start(self) -> TcpProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        self._stop.clear()
        self._accepting = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._accepting.start()
        return self

    restore = start

    def cut(self) -> None:
        self._stop.set()
        if self._accepting is not None:
            self._accepting.join(timeout=5)
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    stop = cut

    def _accept(self, listener: socket.socket) -> None:
        while not self._stop.is_set():
            if not select.select([listener], [], [], 0.05)[0]:
                continue
            client, _ = listener.accept()
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        # One side ended: end the other, whose pump then closes its own socket.
        for sock in (source, sink):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        with self._lock:
            self._sockets.discard(source)
        source.close()
