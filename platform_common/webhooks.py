"""Signed webhooks between services: one scheme for the sender and every receiver.

A sender signs ``f"{timestamp}.{body}"`` with HMAC-SHA256 and a secret it
shares with one endpoint, and sends three headers:

- ``Webhook-Id``: the event's id; an event retried or delivered twice keeps
  it, so a receiver de-duplicates on it.
- ``Webhook-Timestamp``: when this attempt was signed, in Unix seconds.
- ``Webhook-Signature``: ``v1=<hex digest>``, several separated by spaces
  while a secret is being rotated (the sender signs with the old and the new).

A receiver calls :func:`verify` with the raw body (before any JSON parsing)
and its secrets; a timestamp outside the replay window (300 s either way by
default) is refused, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

ID_HEADER = "Webhook-Id"
TIMESTAMP_HEADER = "Webhook-Timestamp"
SIGNATURE_HEADER = "Webhook-Signature"
SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE = 300


class WebhookVerificationError(Exception):
    """The request is not a valid signed webhook; the message says why."""


class MissingHeaderError(WebhookVerificationError):
    pass


class InvalidTimestampError(WebhookVerificationError):
    pass


class TimestampOutsideWindowError(WebhookVerificationError):
    pass


class InvalidSignatureError(WebhookVerificationError):
    pass


@dataclass(frozen=True)
class WebhookEndpoint:
    """Where a sender delivers, and the secrets it signs with (newest first)."""

    name: str
    url: str
    secrets: tuple[str, ...] = field(repr=False)


def _as_bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


def signature(*, body: bytes | str, timestamp: int, secret: str) -> str:
    """The hex HMAC-SHA256 of ``f"{timestamp}.{body}"`` under ``secret``."""
    message = f"{timestamp}.".encode() + _as_bytes(body)
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(
    *,
    body: bytes | str,
    webhook_id: str,
    secrets: Iterable[str],
    timestamp: int | None = None,
) -> dict[str, str]:
    """The headers that sign ``body``, one signature per secret."""
    secrets = [secret for secret in secrets if secret]
    if not secrets:
        raise ValueError("sign: at least one secret is needed")
    timestamp = int(time.time()) if timestamp is None else timestamp
    signatures = " ".join(
        f"{SIGNATURE_VERSION}={signature(body=body, timestamp=timestamp, secret=secret)}"
        for secret in secrets
    )
    return {
        ID_HEADER: webhook_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signatures,
    }


def _header(headers: Mapping[str, str], name: str) -> str:
    # Mappings from different frameworks spell header names differently.
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    raise MissingHeaderError(f"missing header {name}")


def verify(
    *,
    body: bytes | str,
    headers: Mapping[str, str],
    secrets: Iterable[str] | str,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> str:
    """Check a received webhook; return its ``Webhook-Id``.

    ``headers`` may be any mapping of header names (``request.headers`` in
    Django). Raises a :class:`WebhookVerificationError` subclass naming what
    is wrong: a missing header, a timestamp that is not an integer or lies
    more than ``tolerance`` seconds from ``now`` (either way), or no
    signature matching any of ``secrets``.
    """
    if isinstance(secrets, str):
        secrets = [secrets]
    secrets = [secret for secret in secrets if secret]
    if not secrets:
        raise ValueError("verify: at least one secret is needed")
    webhook_id = _header(headers, ID_HEADER)
    raw_timestamp = _header(headers, TIMESTAMP_HEADER)
    raw_signatures = _header(headers, SIGNATURE_HEADER)
    if not webhook_id:
        raise MissingHeaderError(f"empty header {ID_HEADER}")
    try:
        timestamp = int(raw_timestamp)
    except ValueError:
        raise InvalidTimestampError(
            f"{TIMESTAMP_HEADER}: expected Unix seconds, got {raw_timestamp[:40]!r}"
        ) from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise TimestampOutsideWindowError(
            f"{TIMESTAMP_HEADER}: {timestamp} is more than {tolerance} s from now"
        )
    offered = [
        value
        for version, _, value in (item.partition("=") for item in raw_signatures.split())
        if version == SIGNATURE_VERSION and value
    ]
    if not offered:
        raise InvalidSignatureError(f"{SIGNATURE_HEADER}: no {SIGNATURE_VERSION}= signature")
    expected = [signature(body=body, timestamp=timestamp, secret=secret) for secret in secrets]
    # Compare every pair, in constant time each, without stopping at the first match.
    matched = False
    for candidate in offered:
        for digest in expected:
            matched |= hmac.compare_digest(candidate.encode(), digest.encode())
    if not matched:
        raise InvalidSignatureError(f"{SIGNATURE_HEADER}: no signature matches")
    return webhook_id


def parse_endpoints(value: Mapping[str, str]) -> dict[str, WebhookEndpoint]:
    """Endpoints from ``name=url|secret[|older secret]`` pairs (django-environ's ``env.dict``).

    Raises ``ValueError`` naming the endpoint whose URL or secret is missing.
    """
    endpoints = {}
    for name, spec in value.items():
        url, _, rest = spec.partition("|")
        secrets = tuple(secret for secret in rest.split("|") if secret)
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"webhook endpoint {name!r}: expected an http(s) URL, got {url!r}")
        if not secrets:
            raise ValueError(f"webhook endpoint {name!r}: expected url|secret")
        endpoints[name] = WebhookEndpoint(name=name, url=url, secrets=secrets)
    return endpoints
