"""A stand-in for the newsletter service's campaign API on 127.0.0.1, recording every request.

It answers in the shapes of ``newsletter_service.campaigns.apis`` (campaigns,
preview, test, schedule, send, unschedule, cancel, report, transitions,
audience options, the ``page_id`` filter; a refused transition is a 409 naming
the campaign's ``state``) and checks the bearer token as the service does (401).
The cross-service browser test in ``tests/`` runs against the real one.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

AUDIENCE = {
    "languages": ["en", "fr", "es"],
    "interests": [
        {"key": "monitor", "labels": {"en": "Human Rights Monitor", "fr": "Observatoire"}},
        {"key": "news", "labels": {"en": "News and updates"}},
        {"key": "events", "labels": {"en": "Events and invitations"}},
        {"key": "appeals", "labels": {"en": "Appeals"}},
    ],
}
PREVIEW_HTML = "<!doctype html><html><body><h1>{subject}</h1><p>*|UNSUB|*</p></body></html>"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class FakeNewsletterService:
    token: str
    campaigns: dict[int, dict[str, Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    # Answer the next requests with this status and problem body instead.
    failure: tuple[int, dict[str, Any]] | None = None
    _httpd: ThreadingHTTPServer | None = None

    # --- test helpers ---------------------------------------------------------------------

    def add_campaign(self, **fields: Any) -> dict[str, Any]:
        campaign_id = max(self.campaigns, default=0) + 1
        now = datetime.now(UTC).isoformat()
        campaign = {
            "id": campaign_id,
            "kind": "single",
            "state": "draft",
            "subject": "A newsletter",
            "preview_text": "",
            "language": "en",
            "interests": ["monitor"],
            "page_ids": [],
            "scheduled_for": None,
            "sent_at": None,
            "created_by": "service:cms",
            "created_at": now,
            "updated_at": now,
            "last_error": "",
            "render_warnings": [],
            **fields,
        }
        self.campaigns[campaign_id] = campaign
        return campaign

    def requests_to(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path == path]

    # --- the server -----------------------------------------------------------------------

    def start(self) -> FakeNewsletterService:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Silent: ``requests`` is the record."""

            def do_GET(self) -> None:
                self.serve("GET")

            def do_POST(self) -> None:
                self.serve("POST")

            def serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                fake.requests.append(
                    Recorded(
                        method=method,
                        path=parts.path,
                        query=parse_qs(parts.query),
                        headers=dict(self.headers),
                        body=json.loads(raw) if raw else None,
                    )
                )
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    status, body = 401, {"status": 401, "detail": "Unknown service credential."}
                elif fake.failure is not None:
                    status, body = fake.failure
                else:
                    status, body = fake.route(method, parts.path, fake.requests[-1])
                payload = json.dumps(body).encode()
                self.send_response(status)
                content_type = "application/json" if status < 400 else "application/problem+json"
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def route(self, method: str, path: str, request: Recorded) -> tuple[int, Any]:
        segments = [part for part in path.split("/") if part][2:]  # after api/v1
        if segments == ["audience"]:
            return 200, AUDIENCE
        if segments == ["campaigns"] and method == "GET":
            wanted = {int(value) for value in request.query.get("page_id", [])}
            results = [
                c
                for c in sorted(self.campaigns.values(), key=lambda c: -c["id"])
                if not wanted or wanted & set(c["page_ids"])
            ]
            return 200, {"count": len(results), "next": None, "previous": None, "results": results}
        if segments == ["campaigns"] and method == "POST":
            return 201, self.add_campaign(**request.body, created_by="service:cms")
        if len(segments) < 2 or not segments[1].isdigit():
            return 404, {"status": 404, "detail": "Not found."}
        campaign = self.campaigns.get(int(segments[1]))
        if campaign is None:
            return 404, {"status": 404, "detail": "Not found."}
        action = segments[2] if len(segments) > 2 else ""
        return self.act(method, action, campaign, request.body or {})

    def act(self, method: str, action: str, campaign: dict, body: dict) -> tuple[int, Any]:
        now = datetime.now(UTC).isoformat()
        if method == "GET" and action == "":
            return 200, campaign
        if method == "GET" and action == "transitions":
            return 200, [
                {
                    "from_state": "",
                    "to_state": "draft",
                    "actor": campaign["created_by"],
                    "reason": "created",
                    "created_at": campaign["created_at"],
                }
            ]
        if method == "GET" and action == "report":
            if campaign["state"] != "sent":
                return 404, {"status": 404, "detail": "No report yet."}
            return 200, {
                "emails_sent": 3,
                "opens": 2,
                "unique_opens": 1,
                "clicks": 1,
                "unique_clicks": 1,
                "unsubscribes": 0,
                "bounces": 0,
                "fetched_at": now,
            }
        if method == "POST" and action == "preview":
            html = PREVIEW_HTML.format(subject=campaign["subject"])
            return 200, {
                "subject": campaign["subject"],
                "preview_text": campaign["preview_text"],
                "html": html,
                "text": campaign["subject"],
                "warnings": [],
            }
        if method == "POST" and action == "test":
            return 200, {"sent_to": len(body.get("emails", []))}
        if method == "POST" and action in ALLOWED_FROM:
            if campaign["state"] not in ALLOWED_FROM[action]:
                return refused(campaign, f"Campaign {campaign['id']} is {campaign['state']}.")
            if action in ("unschedule", "cancel") and campaign["state"] == "scheduled":
                when = datetime.fromisoformat(campaign["scheduled_for"])
                if when <= datetime.now(UTC):
                    return refused(
                        campaign,
                        f"Campaign {campaign['id']}'s send time has passed: "
                        f"it cannot be {PAST[action]}.",
                    )
            campaign.update(NEXT[action](body))
            return 200, campaign
        return 404, {"status": 404, "detail": "Not found."}


# The campaign API's state machine, as far as the screens use it.
ALLOWED_FROM = {
    "schedule": ("draft",),
    "send": ("draft",),
    "unschedule": ("scheduled",),
    "cancel": ("draft", "scheduled"),
}
NEXT = {
    "schedule": lambda body: {"state": "scheduled", "scheduled_for": body["scheduled_for"]},
    "send": lambda body: {"state": "sending"},
    "unschedule": lambda body: {"state": "draft", "scheduled_for": None},
    "cancel": lambda body: {"state": "cancelled"},
}

PAST = {"unschedule": "unscheduled", "cancel": "cancelled"}


def refused(campaign: dict[str, Any], detail: str) -> tuple[int, dict[str, Any]]:
    """The service's 409 problem: the detail, and the state the campaign is in."""
    return 409, {
        "type": "about:blank",
        "status": 409,
        "title": "Not allowed in this state",
        "detail": detail,
        "state": campaign["state"],
    }
