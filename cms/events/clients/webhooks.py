"""The HTTP client that delivers signed webhooks to the endpoints of CMS_WEBHOOK_ENDPOINTS."""

from __future__ import annotations

import email.utils
import time

import requests
from django_guid import get_guid

from platform_common.webhooks import WebhookEndpoint, sign

# Answers that may succeed later; any other 4xx (and a redirect) will not.
RETRYABLE_STATUS = frozenset({408, 425, 429})
CONNECT_TIMEOUT = 3.05


class WebhookError(Exception):
    """A webhook could not be delivered."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class WebhookTemporaryError(WebhookError):
    """Timeout, connection error, 408, 425, 429 or 5xx: worth trying again later."""

    def __init__(
        self, message: str, *, status_code: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, status_code=status_code)
        self.retry_after = retry_after


class WebhookRejectedError(WebhookError):
    """The endpoint refused the webhook (4xx, or a redirect): sending it again will not help."""


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delay-seconds or an HTTP date)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


class WebhookClient:
    """POSTs one signed JSON body to one endpoint, with explicit timeouts and no retries.

    Retrying is the caller's business (a Celery task with backoff), so that a
    retry never blocks a worker and every attempt is recorded.
    """

    def __init__(self, *, timeout: float, user_agent: str = "rights-platform-cms/webhooks") -> None:
        self.timeout = (CONNECT_TIMEOUT, timeout)
        self.user_agent = user_agent

    def post(self, endpoint: WebhookEndpoint, *, body: bytes, webhook_id: str) -> int:
        """Deliver ``body``; return the 2xx status code or raise a :class:`WebhookError`."""
        headers = {
            "Content-Type": "application/json",
            "User-Agent": self.user_agent,
            **sign(body=body, webhook_id=webhook_id, secrets=endpoint.secrets),
        }
        if request_id := get_guid():
            headers["X-Request-ID"] = request_id
        try:
            response = requests.post(
                endpoint.url,
                data=body,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout as error:
            raise WebhookTemporaryError(f"timed out: {error}") from error
        except requests.RequestException as error:
            raise WebhookTemporaryError(f"connection failed: {error}") from error
        status = response.status_code
        if 200 <= status < 300:
            return status
        excerpt = response.text[:300]
        if status >= 500 or status in RETRYABLE_STATUS:
            raise WebhookTemporaryError(
                f"answered {status}: {excerpt}",
                status_code=status,
                retry_after=_retry_after(response.headers.get("Retry-After")),
            )
        if 300 <= status < 400:
            raise WebhookRejectedError(
                f"answered {status} (redirect to {response.headers.get('Location', '?')}),"
                " not followed: fix the endpoint's URL",
                status_code=status,
            )
        raise WebhookRejectedError(f"answered {status}: {excerpt}", status_code=status)
