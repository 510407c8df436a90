"""The one door to Mailchimp's Marketing API, chosen by ``MAILCHIMP["BACKEND"]``.

``mailchimp``: the official SDK (``mailchimp-marketing``) with an explicit
timeout and errors turned into :class:`MailchimpError`. ``local``: a
development stand-in that records each request it would have sent, one JSON
line each, in ``var/mailchimp/requests.jsonl``. The subscriber and newsletter
services build their typed operations (audience sync, campaigns) on
:func:`mailchimp_transport`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import re
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Protocol

import requests
from django.conf import settings
from django.utils import timezone

from platform_common.conf import redis_url


def _redact(path: str) -> str:
    """A member's id is the MD5 of their address, as good as the address: never in messages."""
    return re.sub(r"[0-9a-f]{32}", "{subscriber_hash}", path)


class MailchimpError(Exception):
    """Mailchimp refused or could not be reached."""

    def __init__(self, message: str, *, status_code: int | None, detail: Any = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.detail = detail

    @property
    def title(self) -> str:
        """Mailchimp's short error title (never names the member), for logs and records."""
        if isinstance(self.detail, dict):
            return str(self.detail.get("title") or self.status_code)
        return "no answer" if self.status_code is None else str(self.status_code)

    @property
    def retryable(self) -> bool:
        """Timeouts, connection errors, 429 and 5xx may clear; other 4xx will not."""
        return self.status_code is None or self.status_code == 429 or self.status_code >= 500


class MailchimpTransport(Protocol):
    def request(
        self, method: str, path: str, *, body: Any = None, query: dict[str, Any] | None = None
    ) -> Any: ...


class SdkTransport:
    def __init__(self, *, api_key: str, server: str, timeout: float, host: str = "") -> None:
        import mailchimp_marketing

        self.client = mailchimp_marketing.Client()
        self.client.set_config({"api_key": api_key, "server": server, "timeout": timeout})
        if host:  # a fake Mailchimp on 127.0.0.1 in tests
            self.client.api_client.host = host

    def request(
        self, method: str, path: str, *, body: Any = None, query: dict[str, Any] | None = None
    ) -> Any:
        from mailchimp_marketing.api_client import ApiClientError

        try:
            answer = self.client.api_client.call_api(
                path,
                method,
                query_params=list((query or {}).items()),
                header_params={"Content-Type": "application/json", "Accept": "application/json"},
                body=body,
            )
        except ApiClientError as error:
            detail = error.text
            if isinstance(detail, str):
                with contextlib.suppress(ValueError):
                    detail = json.loads(detail)
            raise MailchimpError(
                f"Mailchimp {method} {_redact(path)} failed",
                status_code=error.status_code,
                detail=detail,
            ) from error
        # The SDK hands back the raw response when the body is empty, even for errors.
        if isinstance(answer, requests.Response):
            if not answer.ok:
                raise MailchimpError(
                    f"Mailchimp {method} {_redact(path)} answered {answer.status_code}",
                    status_code=answer.status_code,
                )
            return None
        return answer


class LocalTransport:
    """Development stand-in: records what would be sent; answers with an empty success."""

    _lock = threading.Lock()

    def __init__(self, *, outbox: str) -> None:
        self.path = Path(outbox) / "requests.jsonl"

    def request(
        self, method: str, path: str, *, body: Any = None, query: dict[str, Any] | None = None
    ) -> Any:
        record = {
            "id": uuid.uuid4().hex,
            "time": timezone.now().isoformat(),
            "method": method,
            "path": path,
            "query": query or {},
            "body": body,
        }
        with self._lock, self.path.open("a", encoding="utf-8") as outbox:
            outbox.write(json.dumps(record, sort_keys=True) + "\n")
        return {"id": record["id"], "recorded": True}

    def recorded(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines()]


class ConnectionSlots:
    """At most ``limit`` calls to Mailchimp in flight at once, across every process.

    Mailchimp answers 429 past 10 simultaneous connections per account, and
    the subscriber and newsletter services share the account. With Redis the
    slots are a sorted set shared by all workers of both services; each slot
    is leased for a little longer than a request may last, so a process killed
    mid-call frees its slot when the lease runs out. Without Redis (the
    embedded demo: one worker) a semaphore in the process does the same job.
    """

    _ACQUIRE = """
    local now = redis.call('TIME')
    local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms - tonumber(ARGV[1]))
    if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
        redis.call('ZADD', KEYS[1], now_ms, ARGV[3])
        redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
        return 1
    end
    return 0
    """
    _local: dict[int, threading.BoundedSemaphore] = {}
    _local_lock = threading.Lock()

    def __init__(self, *, limit: int, lease_seconds: float, redis_url: str, key: str) -> None:
        self.limit = limit
        self.lease_ms = int(lease_seconds * 1000)
        self.key = key
        self._redis = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=5)
            self._script = self._redis.register_script(self._ACQUIRE)
        else:
            with self._local_lock:
                self._semaphore = self._local.setdefault(limit, threading.BoundedSemaphore(limit))

    @contextlib.contextmanager
    def slot(self, *, wait: float = 60.0):
        """Hold one slot for the duration of the block; raise a retryable error after ``wait``."""
        if self._redis is None:
            if not self._semaphore.acquire(timeout=wait):
                raise MailchimpError("No free Mailchimp connection slot", status_code=None)
            try:
                yield
            finally:
                self._semaphore.release()
            return
        token = uuid.uuid4().hex
        deadline = time.monotonic() + wait
        pause = 0.005
        while not self._script(keys=[self.key], args=[self.lease_ms, self.limit, token]):
            if time.monotonic() > deadline:
                raise MailchimpError("No free Mailchimp connection slot", status_code=None)
            time.sleep(pause + random.random() * pause)  # noqa: S311 (jitter, not secrecy)
            pause = min(pause * 2, 0.1)
        try:
            yield
        finally:
            self._redis.zrem(self.key, token)


class LimitedTransport:
    """A transport whose every call holds one of the account's connection slots."""

    def __init__(self, transport: MailchimpTransport, slots: ConnectionSlots) -> None:
        self.transport = transport
        self.slots = slots

    def request(
        self, method: str, path: str, *, body: Any = None, query: dict[str, Any] | None = None
    ) -> Any:
        with self.slots.slot():
            return self.transport.request(method, path, body=body, query=query)


def mailchimp_transport() -> MailchimpTransport:
    config = settings.MAILCHIMP
    if config["BACKEND"] == "local":
        return LocalTransport(outbox=config["LOCAL_OUTBOX"])
    if config["BACKEND"] == "mailchimp":
        transport = SdkTransport(
            api_key=config["API_KEY"],
            server=config["SERVER_PREFIX"],
            timeout=config["TIMEOUT"],
            host=config["API_HOST"],
        )
        slots = ConnectionSlots(
            limit=config["MAX_CONNECTIONS"],
            lease_seconds=config["TIMEOUT"] + 5,
            redis_url=redis_url(),
            # One set of slots per Mailchimp account (data centre + key), never the key itself.
            key=f"mailchimp:slots:{config['SERVER_PREFIX']}:{_account_tag(config['API_KEY'])}",
        )
        return LimitedTransport(transport, slots)
    raise ValueError(f"Unknown MAILCHIMP_BACKEND {config['BACKEND']!r}: use 'mailchimp' or 'local'")


def _account_tag(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()[:12]


def subscriber_hash(email: str) -> str:
    """Mailchimp's member id: the MD5 of the lower-cased address. Never log it."""
    return hashlib.md5(email.strip().lower().encode(), usedforsecurity=False).hexdigest()
