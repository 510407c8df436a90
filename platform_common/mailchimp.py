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
import json
import threading
import uuid
from pathlib import Path
from typing import Any, Protocol

import requests
from django.conf import settings
from django.utils import timezone


class MailchimpError(Exception):
    """Mailchimp refused or could not be reached."""

    def __init__(self, message: str, *, status_code: int | None, detail: Any = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.detail = detail

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
                f"Mailchimp {method} {path} failed", status_code=error.status_code, detail=detail
            ) from error
        # The SDK hands back the raw response when the body is empty, even for errors.
        if isinstance(answer, requests.Response):
            if not answer.ok:
                raise MailchimpError(
                    f"Mailchimp {method} {path} answered {answer.status_code}",
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


def mailchimp_transport() -> MailchimpTransport:
    config = settings.MAILCHIMP
    if config["BACKEND"] == "local":
        return LocalTransport(outbox=config["LOCAL_OUTBOX"])
    if config["BACKEND"] == "mailchimp":
        return SdkTransport(
            api_key=config["API_KEY"],
            server=config["SERVER_PREFIX"],
            timeout=config["TIMEOUT"],
            host=config["API_HOST"],
        )
    raise ValueError(f"Unknown MAILCHIMP_BACKEND {config['BACKEND']!r}: use 'mailchimp' or 'local'")
