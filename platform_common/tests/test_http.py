"""The base service client against a real HTTP server on 127.0.0.1."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django_guid import set_guid

from platform_common.http import ServiceHttpClient, ServiceResponseError, ServiceUnavailableError


class Recorder(BaseHTTPRequestHandler):
    calls: list[tuple[str, dict[str, str]]] = []
    failures_left = 0

    def do_GET(self) -> None:
        Recorder.calls.append((self.path, dict(self.headers)))
        if self.path == "/flaky" and Recorder.failures_left > 0:
            Recorder.failures_left -= 1
            return self.answer(503, {"detail": "busy"})
        if self.path == "/missing":
            return self.answer(404, {"detail": "not found"})
        if self.path == "/slow":
            time.sleep(0.5)
        if self.path == "/down":
            return self.answer(503, {"detail": "down"})
        return self.answer(200, {"ok": True})

    def answer(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server():
    Recorder.calls = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_client_sends_its_credential_and_the_current_request_id(server):
    set_guid("req-42")
    client = ServiceHttpClient(base_url=server, token="secret-token", timeout=2)

    assert client.get_json("/ok") == {"ok": True}
    _, headers = Recorder.calls[-1]
    assert headers["Authorization"] == "Bearer secret-token"
    assert headers["X-Request-ID"] == "req-42"


def test_client_retries_a_safe_request_that_met_a_passing_503(server):
    Recorder.failures_left = 2
    client = ServiceHttpClient(base_url=server, retries=2, timeout=2)

    assert client.get_json("/flaky") == {"ok": True}
    assert [path for path, _ in Recorder.calls] == ["/flaky"] * 3


def test_client_gives_up_with_unavailable_after_its_retries(server):
    client = ServiceHttpClient(base_url=server, retries=1, timeout=2)

    with pytest.raises(ServiceUnavailableError):
        client.get_json("/down")
    assert len(Recorder.calls) == 2


def test_client_raises_a_response_error_for_4xx_without_retrying(server):
    client = ServiceHttpClient(base_url=server, retries=3, timeout=2)

    with pytest.raises(ServiceResponseError) as raised:
        client.get_json("/missing")
    assert raised.value.status_code == 404
    assert raised.value.body == {"detail": "not found"}
    assert len(Recorder.calls) == 1


def test_client_turns_a_refused_connection_into_unavailable():
    client = ServiceHttpClient(base_url="http://127.0.0.1:1", retries=0, timeout=1)

    with pytest.raises(ServiceUnavailableError):
        client.get_json("/anything")


def test_a_call_may_wait_longer_than_the_clients_timeout_when_it_says_so(server):
    client = ServiceHttpClient(base_url=server, timeout=0.2, retries=0)

    with pytest.raises(ServiceUnavailableError):
        client.request("GET", "/slow")
    assert client.request("GET", "/slow", timeout=3).json() == {"ok": True}
