"""A stand-in for the subscriber service's ``GET /api/internal/audience/`` on 127.0.0.1.

It answers what ``subscriber_service.subscriptions.selectors.audience_mapping``
answers, for the interests given, and checks the caller's bearer token as
``IsCallingService`` does (401 unknown, 403 not allowed).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeSubscriberService:
    def __init__(self, *, audience: dict[str, Any], token: str) -> None:
        self.audience = audience
        self.token = token
        self.requests = 0
        self._httpd: ThreadingHTTPServer | None = None

    def start(self) -> FakeSubscriberService:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Silent."""

            def do_GET(self) -> None:
                fake.requests += 1
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    status, body = 401, {"detail": "Unknown service credential."}
                elif self.path != "/api/internal/audience/":
                    status, body = 404, {"detail": "Not found."}
                else:
                    status, body = 200, fake.audience
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
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

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"
