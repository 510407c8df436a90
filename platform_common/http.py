"""Base for the typed HTTP clients one service uses to call another.

It sets timeouts on every call, retries only what is safe to retry (idempotent
methods, on connection errors and 502/503/504), passes the request id on, and
turns failures into the client's own error types.
"""

from __future__ import annotations

from typing import Any

import requests
from django_guid import get_guid
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


class ServiceClientError(Exception):
    """The remote service could not be used."""


class ServiceUnavailableError(ServiceClientError):
    """Timeout, refused connection or 5xx: worth retrying later."""


class ServiceResponseError(ServiceClientError):
    """The remote service refused the request (4xx): retrying will not help."""

    def __init__(self, message: str, *, status_code: int, body: Any) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = body


class ServiceHttpClient:
    def __init__(
        self,
        *,
        base_url: str,
        token: str = "",
        timeout: float = 5.0,
        retries: int = 2,
        user_agent: str = "rights-platform",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        retry = Retry(
            total=retries,
            backoff_factor=0.2,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}),
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = user_agent
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(
        self, method: str, path: str, *, timeout: float | None = None, **kwargs: Any
    ) -> requests.Response:
        """Send a request; ``timeout`` overrides the client's for a call known to be slow."""
        headers = dict(kwargs.pop("headers", None) or {})
        if request_id := get_guid():
            headers.setdefault("X-Request-ID", request_id)
        url = f"{self.base_url}/{path.lstrip('/')}"
        try:
            response = self.session.request(
                method,
                url,
                headers=headers,
                timeout=self.timeout if timeout is None else timeout,
                **kwargs,
            )
        except requests.RequestException as error:
            raise ServiceUnavailableError(f"{method} {url} failed: {error}") from error
        if response.status_code >= 500:
            raise ServiceUnavailableError(f"{method} {url} answered {response.status_code}")
        if response.status_code >= 400:
            raise ServiceResponseError(
                f"{method} {url} answered {response.status_code}",
                status_code=response.status_code,
                body=_body(response),
            )
        return response

    def get_json(self, path: str, **kwargs: Any) -> Any:
        return _body(self.request("GET", path, **kwargs))


def _body(response: requests.Response) -> Any:
    if "json" in response.headers.get("Content-Type", ""):
        try:
            return response.json()
        except ValueError:
            return response.text
    return response.text
