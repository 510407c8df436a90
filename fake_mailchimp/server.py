"""A fake Mailchimp Marketing API on 127.0.0.1, for tests that use the real SDK.

Mailchimp cannot be reached from CI, and mocks of the SDK would test our
guesses about it. :class:`FakeMailchimp` is instead a real HTTP server that the
official ``mailchimp-marketing`` SDK talks to unchanged: it checks every request
against Mailchimp's OpenAPI description, keeps an in-memory audience, answers
errors the way Mailchimp does (``application/problem+json``), enforces the limit
of 10 simultaneous connections, and can be made slow or failing on purpose.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fake_mailchimp import validation
from fake_mailchimp.problems import Problem, invalid_resource, not_found
from fake_mailchimp.store import DEFAULT_INVALID_DOMAINS, Store, subscriber_hash

API_PREFIX = "/3.0"
# validate="sample" (benchmarks only) checks one batch member in this many.
SAMPLE_EVERY = 50
VALIDATION_MODES = ("full", "sample")
CONTROL_PREFIX = "/_fake/"
DEFAULT_MAX_CONNECTIONS = 10


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received. ``status`` is None when the connection was dropped.

    ``arrived`` is when the request was read (``time.time()``, before any injected
    latency); ``time`` is when its answer was ready, just before it is written.
    """

    time: float
    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int | None
    operation: str | None
    arrived: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # A burst of more than 10 clients must reach the handler (and its 429), not the backlog.
    request_queue_size = 128


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeMailchimp

    def setup(self) -> None:
        super().setup()
        self.fake._connection_opened(self)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.fake._connection_closed(self)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request log is the record, and test output stays readable."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        if parts.path.startswith(CONTROL_PREFIX):
            status, body = self.fake._control(self.command, parts.path, raw)
            self.reply(status, body, {})
        else:
            self.fake._serve_api(self, self.command, parts.path, query, raw)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def reply(self, status: int, body: Any, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if body is None:  # 204: no body, no Content-Type, as Mailchimp answers
            self.end_headers()
            return
        # Compact, as Mailchimp writes its answers (and cheaper to write and to read). Answers
        # are trees of JSON data, built afresh: no need to look for reference cycles.
        payload = json.dumps(body, separators=(",", ":"), check_circular=False).encode("utf-8")
        kind = "application/problem+json" if status >= 400 else "application/json"
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def drop(self) -> None:
        """Close the connection without an answer, as a hung upstream finally does."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class FakeMailchimp:
    """A fake Mailchimp account served on 127.0.0.1; use as a context manager or start/stop.

    Point the SDK at it with ``client.api_client.host = fake.host`` after
    ``set_config({"api_key": fake.api_key, "server": fake.server_prefix, ...})``.
    """

    def __init__(
        self,
        *,
        port: int = 0,
        api_key: str | None = None,
        server_prefix: str = "us1",
        list_id: str = "a1b2c3d4e5",
        list_name: str = "Supporters",
        latency: float = 0.0,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        invalid_domains: Iterable[str] = DEFAULT_INVALID_DOMAINS,
        timeout_hold: float = 30.0,
        validate_responses: bool = True,
        validate: str = "full",
        clock: Callable[[], datetime] | None = None,
        sending_seconds: float = 0.0,
        log_limit: int = 100_000,
    ) -> None:
        self._port = port
        self._api_key = api_key or f"{secrets.token_hex(16)}-{server_prefix}"
        self._server_prefix = server_prefix
        self.store = Store(
            list_id=list_id,
            list_name=list_name,
            invalid_domains=invalid_domains,
            clock=clock,
            sending_seconds=sending_seconds,
        )
        self.latency = latency
        self.max_connections = max_connections
        self.timeout_hold = timeout_hold
        self.validate_responses = validate_responses
        if validate not in VALIDATION_MODES:
            raise ValueError(f"validate must be one of {VALIDATION_MODES}, not {validate!r}")
        # "full": every request is checked against the spec (tests always use this).
        # "sample": benchmarks only; of a batch subscribe, the envelope and one member in
        # SAMPLE_EVERY are checked, so a benchmark measures its client, not the fake.
        self.validate = validate
        self._lock = threading.Lock()
        self._log: deque[RecordedRequest] = deque(maxlen=log_limit)
        self._connections: dict[_Handler, threading.Thread] = {}
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._clear_counters()
        self.clear_faults()

    # Lifecycle -----------------------------------------------------------------------------

    def start(self) -> FakeMailchimp:
        handler = type("FakeMailchimpHandler", (_Handler,), {"fake": self})
        self._stopping.clear()
        self._httpd = _Server(("127.0.0.1", self._port), handler)
        self._port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-mailchimp",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end held and idle connections, and wait for their threads."""
        if self._httpd is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        with self._lock:
            open_connections = dict(self._connections)
        for handler, thread in open_connections.items():
            handler.drop()
            thread.join(timeout=5)
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None

    def __enter__(self) -> FakeMailchimp:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _connection_opened(self, handler: _Handler) -> None:
        with self._lock:
            self._connections[handler] = threading.current_thread()

    def _connection_closed(self, handler: _Handler) -> None:
        with self._lock:
            self._connections.pop(handler, None)

    # Where and who -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        """Base URL of the server; the control API lives under ``/_fake/``."""
        return f"http://127.0.0.1:{self._port}"

    @property
    def host(self) -> str:
        """What the SDK's ``client.api_client.host`` is set to."""
        return f"{self.url}{API_PREFIX}"

    @property
    def api_key(self) -> str:
        return self._api_key

    @property
    def server_prefix(self) -> str:
        return self._server_prefix

    @property
    def list_id(self) -> str:
        return self.store.list_id

    def django_settings(self, base: dict[str, Any], *, timeout: float = 5.0) -> dict[str, Any]:
        """A service's ``MAILCHIMP`` setting, ``base`` pointed at this fake."""
        return {
            **base,
            "BACKEND": "mailchimp",
            "API_KEY": self.api_key,
            "SERVER_PREFIX": self.server_prefix,
            "API_HOST": self.host,
            "AUDIENCE_ID": self.list_id,
            "TIMEOUT": timeout,
        }

    def sdk_client(self, *, timeout: float = 5) -> Any:
        """A ``mailchimp_marketing.Client`` configured for this fake."""
        import mailchimp_marketing

        client = mailchimp_marketing.Client()
        client.set_config(
            {"api_key": self.api_key, "server": self.server_prefix, "timeout": timeout}
        )
        client.api_client.host = self.host
        return client

    # Faults --------------------------------------------------------------------------------

    def clear_faults(self) -> None:
        """No injected failures, no added latency, the default connection cap."""
        with self._lock:
            self._fail_remaining = 0
            self._fail_next_status = 503
            self._fail_until = 0.0
            self._fail_for_status = 500
            self._timeout_until = 0.0
            self._delayed_paths: list[tuple[re.Pattern[str], float]] = []

    def fail_next(self, count: int, status: int = 503) -> None:
        """Answer the next ``count`` API requests with ``status`` (a problem document)."""
        with self._lock:
            self._fail_remaining = count
            self._fail_next_status = status

    def fail_for(self, seconds: float, status: int = 500) -> None:
        """Answer every API request with ``status`` for the next ``seconds``."""
        with self._lock:
            self._fail_until = time.monotonic() + seconds
            self._fail_for_status = status

    def timeout_for(self, seconds: float) -> None:
        """For ``seconds``, hold each arriving request ``timeout_hold`` seconds, then hang up."""
        with self._lock:
            self._timeout_until = time.monotonic() + seconds

    def delay_path(self, path_regex: str, seconds: float) -> None:
        """Answer requests whose path (without /3.0) matches ``path_regex`` ``seconds`` late.

        The request takes effect at once and only its answer waits: a client that
        dies in that window has had its change made without hearing of it.
        """
        with self._lock:
            self._delayed_paths.append((re.compile(path_regex), float(seconds)))

    def _answer_delay(self, path: str) -> float:
        path = path.removeprefix(API_PREFIX) or "/"
        with self._lock:
            return max((s for p, s in self._delayed_paths if p.search(path)), default=0.0)

    def configure(self, settings: dict[str, Any]) -> None:
        """Apply the JSON of ``POST /_fake/faults``; ``clear`` first, then the rest."""
        if settings.get("clear"):
            self.clear_faults()
        if "latency" in settings:
            self.latency = float(settings["latency"])
        if "max_connections" in settings:
            self.max_connections = int(settings["max_connections"])
        if "timeout_hold" in settings:
            self.timeout_hold = float(settings["timeout_hold"])
        if settings.get("fail_next") is not None:
            spec = settings["fail_next"]
            spec = spec if isinstance(spec, dict) else {"count": spec}
            self.fail_next(int(spec["count"]), int(spec.get("status", 503)))
        if settings.get("fail_for") is not None:
            spec = settings["fail_for"]
            spec = spec if isinstance(spec, dict) else {"seconds": spec}
            self.fail_for(float(spec["seconds"]), int(spec.get("status", 500)))
        if settings.get("timeout_for") is not None:
            self.timeout_for(float(settings["timeout_for"]))
        if settings.get("delay_path") is not None:
            spec = settings["delay_path"]
            self.delay_path(str(spec["path"]), float(spec["seconds"]))

    def _injected_failure(self) -> int | None:
        with self._lock:
            if self._fail_remaining > 0:
                self._fail_remaining -= 1
                self._counters["injected_failures"] += 1
                return self._fail_next_status
            if time.monotonic() < self._fail_until:
                self._counters["injected_failures"] += 1
                return self._fail_for_status
        return None

    # Counters, log and violations ----------------------------------------------------------

    def _clear_counters(self) -> None:
        self._counters = {
            "requests": 0,
            "too_many_requests": 0,
            "injected_failures": 0,
            "dropped_connections": 0,
        }
        self._in_flight = 0
        self._max_in_flight_seen = 0
        self._spec_violations: list[dict[str, Any]] = []
        self._response_violations: list[dict[str, Any]] = []

    def reset(self) -> None:
        """Back to a fresh account: empty audience, no log, no faults, counters at zero."""
        self.store.reset()
        with self._lock:
            self._log.clear()
            self._clear_counters()
        self.clear_faults()

    @property
    def counters(self) -> dict[str, int]:
        with self._lock:
            return {**self._counters, "in_flight": self._in_flight}

    @property
    def max_in_flight_seen(self) -> int:
        """Most API requests ever served at once (requests refused with 429 not counted)."""
        return self._max_in_flight_seen

    @property
    def too_many_requests(self) -> int:
        """How many requests were refused with 429 for exceeding the connection cap."""
        return self._counters["too_many_requests"]

    @property
    def spec_violations(self) -> list[dict[str, Any]]:
        """Requests that did not validate against the spec, with their errors."""
        with self._lock:
            return list(self._spec_violations)

    @property
    def response_violations(self) -> list[dict[str, Any]]:
        """Answers of the fake itself that the spec's response schemas would refuse."""
        with self._lock:
            return list(self._response_violations)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._log)

    def requests_to(self, method: str, path_regex: str) -> list[RecordedRequest]:
        """Recorded requests with this method whose path (without /3.0) the regex matches."""
        pattern = re.compile(path_regex)
        return [r for r in self.requests if r.method == method and pattern.search(r.path)]

    # The account, for assertions and set-up ------------------------------------------------

    def member(self, email: str) -> dict[str, Any] | None:
        """The member as ``GET .../members/{hash}`` shows it, or None if there is none."""
        with self.store.lock:
            found = self.store.members.get(subscriber_hash(email))
            return self.store.render_member(found) if found else None

    def members(self) -> list[dict[str, Any]]:
        """Every member, archived ones included, in the order they were added."""
        with self.store.lock:
            return [self.store.render_member(m) for m in self.store.members.values()]

    def add_interest(self, category: str, name: str) -> str:
        """Id of interest ``name`` in the category titled ``category``, creating both if new."""
        with self.store.lock:
            found = next(
                (c for c in self.store.categories.values() if c["title"] == category), None
            )
            if found is None:
                found = self.store.add_category(
                    self.list_id, {"title": category, "type": "checkboxes"}
                )
            for interest in self.store.interests.values():
                if interest["category_id"] == found["id"] and interest["name"] == name:
                    return interest["id"]
            return self.store.add_interest(self.list_id, found["id"], {"name": name})["id"]

    def interest_category_id(self, category: str) -> str:
        with self.store.lock:
            return next(c["id"] for c in self.store.categories.values() if c["title"] == category)

    def add_marketing_permission(self, text: str) -> str:
        with self.store.lock:
            return self.store.add_marketing_permission(text)

    def campaign(self, campaign_id: str) -> dict[str, Any]:
        with self.store.lock:
            return self.store.get_campaign(campaign_id)

    def sent_to(self, campaign_id: str) -> list[str]:
        """Addresses the campaign was sent to (empty until it is sent)."""
        with self.store.lock:
            self.store.advance()
            return list(self.store.campaigns[campaign_id]["sent_to"])

    @property
    def test_sends(self) -> list[dict[str, Any]]:
        with self.store.lock:
            return list(self.store.test_sends)

    def now(self) -> datetime:
        """The account's time: the clock given (or the real one), plus every advance_clock."""
        with self.store.lock:
            return self.store.clock()

    def advance_clock(self, seconds: float) -> datetime:
        """Move the account's time forward; scheduled campaigns whose time has come go out.

        Lets a test see a campaign scheduled on a quarter-hour mark delivered
        without waiting for it. Time never goes back. Returns the new time.
        """
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self.store.lock:
            clock = self.store.clock
            self.store.clock = lambda: clock() + timedelta(seconds=seconds)
            self.store.advance()
            return self.store.clock()

    def set_report(self, campaign_id: str, **figures: Any) -> None:
        """Set what ``GET /reports/{id}`` answers: opens, clicks, unsubscribed, bounces..."""
        with self.store.lock:
            self.store.set_report(campaign_id, figures)

    def state(self) -> dict[str, Any]:
        """Everything the control API's ``GET /_fake/state`` shows."""
        with self.store.lock:
            self.store.advance()
            campaigns = [
                {**self.store.render_campaign(c), "sent_to": list(c["sent_to"])}
                for c in self.store.campaigns.values()
            ]
        return {
            "list_id": self.list_id,
            "members": self.members(),
            "campaigns": campaigns,
            "test_sends": self.test_sends,
            "counters": self.counters,
            "max_in_flight_seen": self.max_in_flight_seen,
            "spec_violations": self.spec_violations,
            "response_violations": self.response_violations,
            "requests": [r.as_dict() for r in self.requests],
        }

    # Serving the API -----------------------------------------------------------------------

    def _admit(self) -> bool:
        with self._lock:
            self._counters["requests"] += 1
            if self._in_flight >= self.max_connections:
                self._counters["too_many_requests"] += 1
                return False
            self._in_flight += 1
            self._max_in_flight_seen = max(self._max_in_flight_seen, self._in_flight)
            return True

    def _release(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _holding(self) -> bool:
        with self._lock:
            return time.monotonic() < self._timeout_until

    def _serve_api(
        self,
        handler: _Handler,
        method: str,
        path: str,
        query: dict[str, list[str]],
        raw: bytes,
    ) -> None:
        arrived = time.time()
        admitted = self._admit()
        # Filled in by _answer as far as it gets, for the request log.
        seen: dict[str, Any] = {"operation": None, "body": None}
        status: int | None
        headers: dict[str, str] = {}
        try:
            if self.latency:
                self._stopping.wait(self.latency)
            if not admitted:
                raise Problem(
                    429,
                    "Too Many Requests",
                    f"You have exceeded the limit of {self.max_connections} simultaneous "
                    "connections.",
                )
            if self._holding():
                self._stopping.wait(self.timeout_hold)
                status = None
            else:
                authorization = handler.headers.get("Authorization", "")
                status, answer = self._answer(method, path, query, raw, authorization, seen)
                if delay := self._answer_delay(path):
                    self._stopping.wait(delay)
        except Problem as problem:
            status, answer, headers = problem.status, problem.document(), problem.headers
        finally:
            # Released before the answer is written: a client that has its answer and
            # sends the next request at once must not find its old request still counted.
            if admitted:
                self._release()
        self._record(method, path, query, seen["body"], status, seen["operation"], arrived)
        if status is None:
            with self._lock:
                self._counters["dropped_connections"] += 1
            handler.drop()
        else:
            handler.reply(status, answer, headers)

    def _record(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: Any,
        status: int | None,
        operation: str | None,
        arrived: float,
    ) -> None:
        entry = RecordedRequest(
            time=time.time(),
            method=method,
            path=path.removeprefix(API_PREFIX) or "/",
            query={key: values[-1] for key, values in query.items()},
            body=body,
            status=status,
            operation=operation,
            arrived=arrived,
        )
        with self._lock:
            self._log.append(entry)

    def _check_auth(self, authorization: str) -> None:
        scheme, _, credentials = authorization.partition(" ")
        key = None
        if scheme.lower() == "basic":
            try:
                key = base64.b64decode(credentials).decode("utf-8").partition(":")[2]
            except ValueError:
                key = None
        elif scheme.lower() == "bearer":
            key = credentials.strip()
        if not authorization:
            raise Problem(401, "API Key Missing", "Your request did not include an API key.")
        if key is None or not secrets.compare_digest(key.encode(), self._api_key.encode()):
            raise Problem(
                401,
                "API Key Invalid",
                "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
            )

    def _answer(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        raw: bytes,
        authorization: str,
        seen: dict[str, Any],
    ) -> tuple[int, Any]:
        """(status, answer) for one API request, or a Problem raised."""
        injected = self._injected_failure()
        if injected is not None:
            raise Problem(injected, detail="Injected by the fake Mailchimp.")
        self._check_auth(authorization)
        if path != API_PREFIX and not path.startswith(API_PREFIX + "/"):
            raise not_found()
        found = validation.route(method, path.removeprefix(API_PREFIX) or "/")
        if found.operation is None:
            if found.allowed:
                raise Problem(
                    405,
                    "Method Not Allowed",
                    "The requested method and resource are not compatible. See the Allow "
                    "header for this resource's available methods.",
                    headers={"Allow": ", ".join(found.allowed)},
                )
            raise not_found()
        operation = found.operation
        body, errors = validation.validate_request(
            operation, query, raw, sample_every=SAMPLE_EVERY if self.validate == "sample" else 1
        )
        seen.update(operation=operation.operation_id, body=body)
        if errors:
            with self._lock:
                self._spec_violations.append(
                    {
                        "method": method,
                        "path": path.removeprefix(API_PREFIX),
                        "operation": operation.operation_id,
                        "errors": errors,
                    }
                )
            raise invalid_resource(errors)
        single = {key: values[-1] for key, values in query.items()}
        with self.store.lock:
            answer = self._dispatch(operation.operation_id, found.params, single, body)
        if answer is None:
            return operation.success_status, None
        if self.validate_responses:
            mismatches = validation.validate_response(operation, answer)
            if mismatches:
                with self._lock:
                    self._response_violations.append(
                        {"operation": operation.operation_id, "errors": mismatches}
                    )
        return operation.success_status, answer

    def _dispatch(
        self, operation_id: str, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Any:
        store = self.store
        list_id = params.get("list_id", "")
        member = params.get("subscriber_hash", "")
        campaign = params.get("campaign_id", "")
        category = params.get("interest_category_id", "")
        handlers: dict[str, Callable[[], Any]] = {
            "getPing": lambda: {"health_status": "Everything's Chimpy!"},
            "getListsId": lambda: store.get_list(list_id),
            "postListsId": lambda: store.batch(list_id, body, query),
            "getListsIdInterestCategories": lambda: store.list_categories(list_id, query),
            "postListsIdInterestCategories": lambda: store.add_category(list_id, body),
            "getListsIdInterestCategoriesIdInterests": lambda: store.list_interests(
                list_id, category, query
            ),
            "postListsIdInterestCategoriesIdInterests": lambda: store.add_interest(
                list_id, category, body
            ),
            "getListsIdMembers": lambda: store.list_members(list_id, query),
            "getListsIdMembersId": lambda: store.get_member(list_id, member),
            "putListsIdMembersId": lambda: store.put_member(list_id, member, body),
            "patchListsIdMembersId": lambda: store.patch_member(list_id, member, body),
            "deleteListsIdMembersId": lambda: store.archive_member(list_id, member),
            "postListsIdMembersHashActionsDeletePermanent": lambda: store.forget_member(
                list_id, member
            ),
            "getCampaigns": lambda: store.list_campaigns(query),
            "postCampaigns": lambda: store.create_campaign(body),
            "getCampaignsId": lambda: store.get_campaign(campaign),
            "patchCampaignsId": lambda: store.patch_campaign(campaign, body),
            "deleteCampaignsId": lambda: store.delete_campaign(campaign),
            "getCampaignsIdContent": lambda: store.get_content(campaign),
            "putCampaignsIdContent": lambda: store.put_content(campaign, body),
            "postCampaignsIdActionsTest": lambda: store.test_campaign(campaign, body),
            "postCampaignsIdActionsSchedule": lambda: store.schedule(campaign, body),
            "postCampaignsIdActionsUnschedule": lambda: store.unschedule(campaign),
            "postCampaignsIdActionsSend": lambda: store.send(campaign),
            "getReportsId": lambda: store.get_report(campaign),
        }
        return handlers[operation_id]()

    # Control API ---------------------------------------------------------------------------

    def _control(self, method: str, path: str, raw: bytes) -> tuple[int, Any]:
        """``/_fake/``: state, faults, reset, clock and reports for tests in another process."""
        try:
            payload = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return 400, Problem(400, detail="The control API takes JSON.").document()
        try:
            if method == "GET" and path == "/_fake/state":
                return 200, self.state()
            if method == "POST" and path == "/_fake/faults":
                self.configure(payload)
                return 200, {"latency": self.latency, "max_connections": self.max_connections}
            if method == "POST" and path == "/_fake/reset":
                self.reset()
                return 200, {"reset": True}
            if method == "GET" and path == "/_fake/clock":
                return 200, {"now": self.now().isoformat()}
            if method == "POST" and path == "/_fake/clock":
                moved = self.advance_clock(float(payload["advance_seconds"]))
                return 200, {"now": moved.isoformat()}
            report = re.fullmatch(r"/_fake/reports/([^/]+)", path)
            if method == "POST" and report:
                self.set_report(report.group(1), **payload)
                return 200, self.store.get_report(report.group(1))
        except Problem as problem:
            return problem.status, problem.document()
        except (KeyError, TypeError, ValueError) as error:
            return 400, Problem(400, detail=f"Bad control request: {error}").document()
        return 404, not_found().document()
