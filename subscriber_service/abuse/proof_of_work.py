"""Self-hosted ALTCHA proof of work (the classic, SHA-256 form of the protocol).

A challenge is ``sha256(salt + number)`` for a secret number below ``maxnumber``,
signed with an HMAC key; the browser (``static/abuse/pow.js``) finds the number
and sends back base64 JSON ``{algorithm, challenge, number, salt, signature}``.
The expiry is part of the salt, so it is covered by the signature. A solution
is accepted once: its signature is remembered in the cache until the challenge
expires (by :func:`mark_used`, or by the signup guard in the same Redis round
trip as the rate limits). Nothing about the client is stored or sent anywhere.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from altcha import (
    ChallengeV1,
    PayloadV1,
    create_challenge_v1,
    extract_params_v1,
    verify_solution_v1,
)
from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from redis.exceptions import RedisError

from subscriber_service.abuse.exceptions import AbuseRejected, protection_unavailable

logger = logging.getLogger(__name__)

ALGORITHM = "SHA-256"
FIELD = "altcha"
USED_PREFIX = "abuse:altcha-used:"


def hmac_key() -> str:
    """``ALTCHA_HMAC_KEY``, or a key derived from ``SECRET_KEY`` for this purpose only."""
    if settings.ALTCHA_HMAC_KEY:
        return settings.ALTCHA_HMAC_KEY
    return salted_hmac(
        "subscriber_service.abuse.altcha", "hmac-key", algorithm="sha256"
    ).hexdigest()


def create_challenge() -> ChallengeV1:
    expires = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(
        seconds=settings.ALTCHA_EXPIRY_SECONDS
    )
    return create_challenge_v1(
        algorithm=ALGORITHM,
        max_number=settings.ALTCHA_MAX_NUMBER,
        salt_length=12,
        hmac_key=hmac_key(),
        salt="",
        number=None,
        expires=expires,
        params=None,
    )


def challenge_json() -> dict[str, Any]:
    """A new challenge in the JSON shape ALTCHA clients read."""
    challenge = create_challenge()
    return {
        "algorithm": challenge.algorithm,
        "challenge": challenge.challenge,
        "maxnumber": challenge.max_number,
        "salt": challenge.salt,
        "signature": challenge.signature,
    }


@dataclass(frozen=True)
class CheckedAnswer:
    """A valid answer not yet marked as used: its marker's cache key, kept for ``ttl`` seconds."""

    cache_key: str
    ttl: int


def verify_proof_of_work(payload: Any) -> None:
    """Accept a solved challenge once; raise :class:`AbuseRejected` (400) otherwise."""
    mark_used(check_proof_of_work(payload))


def check_proof_of_work(payload: Any) -> CheckedAnswer:
    """Check an answer without using it up: :func:`mark_used` (or the guard) does that."""
    data = _decode(payload)
    if data is None:
        raise _rejected()
    valid, _error = verify_solution_v1(data, hmac_key(), check_expires=False)
    expires = _expires(data)
    if not valid or expires is None:
        raise _rejected()
    if expires < time.time():
        raise AbuseRejected(
            gettext("The proof-of-work challenge has expired; reload the page and try again."),
            code="proof_of_work_expired",
            field=FIELD,
        )
    return CheckedAnswer(
        USED_PREFIX + data["signature"], ttl=max(1, int(expires - time.time()) + 1)
    )


def _decode(payload: Any) -> dict[str, Any] | None:
    if not isinstance(payload, str) or not payload or len(payload) > 2048:
        return None
    try:
        data = json.loads(base64.b64decode(payload, validate=True))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    try:
        PayloadV1.from_dict(data)
    except (KeyError, TypeError):
        return None
    if data["algorithm"] != ALGORITHM or not isinstance(data["number"], int):
        return None
    if not all(isinstance(data[key], str) for key in ("challenge", "salt", "signature")):
        return None
    return data


def _expires(data: dict[str, Any]) -> float | None:
    values = extract_params_v1(data).get("expires")
    if not values or len(values) != 1:
        return None
    try:
        return float(values[0])
    except ValueError:
        return None


def mark_used(answer: CheckedAnswer) -> None:
    """Remember the answer until its challenge expires; a 400 if it was used before."""
    try:
        first_use = cache.add(answer.cache_key, 1, timeout=answer.ttl)
    except (RedisError, OSError):
        if not settings.SIGNUP_ABUSE_FAIL_OPEN:
            raise protection_unavailable() from None
        logger.warning("Proof-of-work reuse not checked: the cache is unavailable")
        return
    if not first_use:
        raise reused()


def reused() -> AbuseRejected:
    return AbuseRejected(
        gettext("This proof-of-work answer has already been used; reload the page and try again."),
        code="proof_of_work_reused",
        field=FIELD,
    )


def _rejected() -> AbuseRejected:
    return AbuseRejected(
        gettext("The proof-of-work answer is missing or invalid."),
        code="proof_of_work",
        field=FIELD,
    )
