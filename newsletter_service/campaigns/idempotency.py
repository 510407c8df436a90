"""``Idempotency-Key`` on the campaign API's POSTs (pretix's and Stripe's pattern).

The first request with a key runs and its answer is stored; a repeat (same
client, same key, same method, path and body) gets that answer again without
running anything, marked ``Idempotent-Replayed: true``. A repeat that arrives
while the first still runs gets a 409; the same key with a different request
gets a 422. Answers of 5xx and 409-busy are not stored, so the client may retry
them with the same key. Keys are kept ``NEWSLETTER_IDEMPOTENCY_KEY_HOURS``.
"""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from newsletter_service.campaigns.actors import client_of
from newsletter_service.campaigns.models import IdempotencyKey
from platform_common.api import ApplicationError

HEADER = "Idempotency-Key"
MAX_LENGTH = 255
# A first request that has not finished after this long died with its worker:
# a repeat may run it again.
ABANDONED_AFTER = timedelta(minutes=10)


class IdempotencyKeyInUse(ApplicationError):
    status_code = 409
    title = "Request in progress"


class IdempotencyKeyMismatch(ApplicationError):
    status_code = 422
    title = "Idempotency-Key reused"


def _fingerprint(request: Request) -> str:
    material = json.dumps(
        {"method": request.method, "path": request.path, "body": request.data},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(material.encode()).hexdigest()


def _begin(*, client: str, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """(the key's record, True if this request is the one to run)."""
    now = timezone.now()
    for _ in range(2):
        try:
            with transaction.atomic():
                return (
                    IdempotencyKey.objects.create(client=client, key=key, fingerprint=fingerprint),
                    True,
                )
        except IntegrityError:
            record = IdempotencyKey.objects.filter(client=client, key=key).first()
        if record is None:
            continue  # purged between the two statements
        expired = record.created_at < now - timedelta(
            hours=settings.NEWSLETTER_IDEMPOTENCY_KEY_HOURS
        )
        abandoned = record.status_code is None and record.created_at < now - ABANDONED_AFTER
        if expired or abandoned:
            # Take it over only if nobody else did in between.
            taken = IdempotencyKey.objects.filter(
                pk=record.pk, created_at=record.created_at
            ).update(
                created_at=now,
                fingerprint=fingerprint,
                status_code=None,
                response_body=None,
                content_type="",
            )
            if taken:
                record.refresh_from_db()
                return record, True
            record.refresh_from_db()
        return record, False
    raise IdempotencyKeyInUse("A request with this Idempotency-Key is in progress.")


def _replay(record: IdempotencyKey, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyMismatch(
            f"This {HEADER} was used for a different request; use a new key.",
            extra={"header": HEADER},
        )
    if record.status_code is None:
        raise IdempotencyKeyInUse(
            f"A request with this {HEADER} is still in progress; repeat it later for its answer.",
            headers={"Retry-After": "2"},
        )
    return Response(
        record.response_body,
        status=record.status_code,
        content_type=record.content_type or None,
        headers={"Idempotent-Replayed": "true"},
    )


def _finish(record: IdempotencyKey, response: Response) -> None:
    retryable = response.status_code >= 500 or (
        response.status_code == 409 and (response.data or {}).get("title") == "Campaign busy"
    )
    if retryable:
        record.delete()
        return
    record.status_code = response.status_code
    record.response_body = response.data
    # Problem answers carry their content type; others take the renderer's.
    record.content_type = response.content_type or ""
    record.save(update_fields=["status_code", "response_body", "content_type"])


def idempotent(method):
    """Decorate an ``APIView`` method: honour the ``Idempotency-Key`` header when given."""

    @functools.wraps(method)
    def wrapper(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return method(self, request, *args, **kwargs)
        if not key.strip() or len(key) > MAX_LENGTH:
            raise ApplicationError(
                f"{HEADER} must be 1 to {MAX_LENGTH} characters.", extra={"header": HEADER}
            )
        fingerprint = _fingerprint(request)
        record, run = _begin(client=client_of(request), key=key, fingerprint=fingerprint)
        if not run:
            return _replay(record, fingerprint)
        try:
            response = method(self, request, *args, **kwargs)
        except Exception as exc:
            response = self.handle_exception(exc)
        _finish(record, response)
        return response

    return wrapper


def idempotency_keys_purge() -> int:
    cutoff = timezone.now() - timedelta(hours=settings.NEWSLETTER_IDEMPOTENCY_KEY_HOURS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
