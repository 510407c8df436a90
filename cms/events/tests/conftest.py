import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cms.core.tests.factories import home_page
from cms.monitor.tests.factories import MonitorIndexPageFactory
from platform_common.webhooks import WebhookEndpoint

SECRET = "test-webhook-secret"


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1 that records requests and plays scripted answers."""

    url: str
    requests: list[Received] = field(default_factory=list)
    # (status, headers, delay in seconds) for the next requests; then 200.
    answers: list[tuple[int, dict[str, str], float]] = field(default_factory=list)

    def answer(self, status, headers=None, delay=0.0):
        self.answers.append((status, headers or {}, delay))


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            receiver.requests.append(
                Received(self.command, self.path, dict(self.headers), self.rfile.read(length))
            )
            status, headers, delay = receiver.answers.pop(0) if receiver.answers else (200, {}, 0.0)
            time.sleep(delay)
            payload = json.dumps({"status": status}).encode()
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        do_POST = do_PURGE = do_GET = _handle

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    recorder = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(recorder)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield recorder
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def endpoint(receiver, settings):
    """The receiver configured as the only webhook endpoint."""
    configured = WebhookEndpoint(
        name="newsletter_service", url=f"{receiver.url}/hooks/cms/", secrets=(SECRET,)
    )
    settings.CMS_WEBHOOK_ENDPOINTS = {configured.name: configured}
    return configured


@pytest.fixture
def monitor():
    return MonitorIndexPageFactory(parent=home_page())
