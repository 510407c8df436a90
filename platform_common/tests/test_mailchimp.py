"""Both Mailchimp backends; the SDK one against a real HTTP server on 127.0.0.1."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from platform_common.mailchimp import LocalTransport, MailchimpError, mailchimp_transport

MEMBER_PATH = "/lists/list1/members/5d41402abc4b2a76b9719d911017c592"


class FakeMailchimp(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def do_PUT(self) -> None:
        length = int(self.headers["Content-Length"])
        FakeMailchimp.seen.append(
            {
                "path": self.path,
                "auth": self.headers["Authorization"],
                "body": self.rfile.read(length),
            }
        )
        if self.path.startswith("/3.0/lists/missing/"):
            return self.answer(
                404,
                {
                    "type": "x",
                    "title": "Resource Not Found",
                    "status": 404,
                    "detail": "The requested resource could not be found.",
                },
            )
        return self.answer(200, {"id": "5d41402abc4b2a76b9719d911017c592", "status": "subscribed"})

    def answer(self, status, body, content_type="application/json"):
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header(
            "Content-Type", content_type if status < 400 else "application/problem+json"
        )
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_mailchimp():
    FakeMailchimp.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeMailchimp)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/3.0"
    httpd.shutdown()
    httpd.server_close()


def sdk_settings(host):
    return {
        "BACKEND": "mailchimp",
        "API_KEY": "key-us9",
        "SERVER_PREFIX": "us9",
        "AUDIENCE_ID": "list1",
        "API_HOST": host,
        "TIMEOUT": 3,
        "MAX_CONNECTIONS": 10,
        "LOCAL_OUTBOX": "",
    }


def test_sdk_backend_sends_basic_auth_and_json_and_returns_the_answer(fake_mailchimp):
    with override_settings(MAILCHIMP=sdk_settings(fake_mailchimp)):
        answer = mailchimp_transport().request(
            "PUT",
            MEMBER_PATH,
            body={"email_address": "hello@example.org", "status_if_new": "pending"},
        )

    assert answer == {"id": "5d41402abc4b2a76b9719d911017c592", "status": "subscribed"}
    seen = FakeMailchimp.seen[-1]
    assert seen["path"] == f"/3.0{MEMBER_PATH}"
    assert base64.b64decode(seen["auth"].split()[1]).decode() == "user:key-us9"
    assert json.loads(seen["body"]) == {
        "email_address": "hello@example.org",
        "status_if_new": "pending",
    }


def test_sdk_backend_turns_a_problem_answer_into_a_mailchimp_error(fake_mailchimp):
    with (
        override_settings(MAILCHIMP=sdk_settings(fake_mailchimp)),
        pytest.raises(MailchimpError) as raised,
    ):
        mailchimp_transport().request("PUT", "/lists/missing/members/abc", body={})

    assert raised.value.status_code == 404
    assert raised.value.detail["title"] == "Resource Not Found"
    assert raised.value.retryable is False


def test_sdk_backend_reports_an_unreachable_mailchimp_as_retryable():
    with (
        override_settings(MAILCHIMP=sdk_settings("http://127.0.0.1:1/3.0")),
        pytest.raises(MailchimpError) as raised,
    ):
        mailchimp_transport().request("GET", "/ping")

    assert raised.value.status_code is None
    assert raised.value.retryable is True


def test_local_backend_records_every_request_it_would_send(tmp_path):
    local = {"BACKEND": "local", "LOCAL_OUTBOX": str(tmp_path)}
    with override_settings(MAILCHIMP=local):
        transport = mailchimp_transport()
        transport.request("PUT", MEMBER_PATH, body={"email_address": "hello@example.org"})
        transport.request("POST", "/campaigns/c1/actions/send")

    assert isinstance(transport, LocalTransport)
    recorded = transport.recorded()
    assert [(r["method"], r["path"]) for r in recorded] == [
        ("PUT", MEMBER_PATH),
        ("POST", "/campaigns/c1/actions/send"),
    ]
    assert recorded[0]["body"] == {"email_address": "hello@example.org"}


def test_connection_slots_are_shared_through_redis_and_never_exceed_the_limit():
    import os
    import threading
    import time

    from platform_common.mailchimp import ConnectionSlots

    redis_url = os.environ.get("REDIS_URL", "")
    slots = [
        ConnectionSlots(limit=3, lease_seconds=5, redis_url=redis_url, key="test:slots")
        for _ in range(4)  # four "processes" sharing the account
    ]
    in_flight = 0
    peak = 0
    lock = threading.Lock()

    def call(index):
        nonlocal in_flight, peak
        with slots[index % 4].slot(wait=10):
            with lock:
                in_flight += 1
                peak = max(peak, in_flight)
            time.sleep(0.05)
            with lock:
                in_flight -= 1

    threads = [threading.Thread(target=call, args=(n,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert peak == 3 if redis_url else peak <= 3


def test_a_slot_held_by_a_dead_process_is_freed_when_its_lease_ends():
    import os

    import pytest

    from platform_common.mailchimp import ConnectionSlots, MailchimpError

    redis_url = os.environ.get("REDIS_URL", "")
    key = "test:slots:lease"
    dead = ConnectionSlots(limit=1, lease_seconds=0.3, redis_url=redis_url, key=key)
    live = ConnectionSlots(limit=1, lease_seconds=0.3, redis_url=redis_url, key=key)
    if not redis_url:
        # One process, no Redis: the slot is a semaphore, freed when the holder lets go.
        with dead.slot(wait=0.1), pytest.raises(MailchimpError), live.slot(wait=0.1):
            pass
        with live.slot(wait=0.1):
            return
    import redis

    redis.Redis.from_url(redis_url).delete(key)
    # A process takes the only slot and dies without giving it back.
    dead._script(keys=[key], args=[dead.lease_ms, 1, "dead-process"])

    with pytest.raises(MailchimpError), live.slot(wait=0.1):
        pass
    with live.slot(wait=2):
        pass
