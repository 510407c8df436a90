from __future__ import annotations

from http import HTTPStatus

from django.utils.translation import gettext

from platform_common.api import ApplicationError


class AbuseRejected(ApplicationError):
    """A signup was refused as abusive or malformed; the message says why.

    ``status_code`` is 400, 413 or 429 (or 503 when the cache is down and
    ``SIGNUP_ABUSE_FAIL_OPEN`` is off); 429 and 503 carry ``retry_after`` (seconds),
    sent as the ``Retry-After`` header. ``code`` is a stable machine-readable
    reason (``rate_limited_ip``, ``proof_of_work``, ``email_domain``...), and
    ``field`` names the input at fault when there is one.
    """

    def __init__(
        self,
        detail: str,
        *,
        code: str,
        status_code: int = HTTPStatus.BAD_REQUEST,
        field: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        extra: dict[str, object] = {"code": code}
        headers: dict[str, str] = {}
        if field:
            extra["field"] = field
        if retry_after is not None:
            extra["retry_after"] = retry_after
            headers["Retry-After"] = str(retry_after)
        super().__init__(detail, extra=extra, headers=headers)
        self.code = code
        self.field = field
        self.retry_after = retry_after
        self.status_code = int(status_code)
        self.title = HTTPStatus(self.status_code).phrase


def protection_unavailable() -> AbuseRejected:
    """503: the cache that counts signups cannot be reached and failing open is off."""
    return AbuseRejected(
        gettext("Signups are paused for a moment; try again in a minute."),
        code="protection_unavailable",
        status_code=HTTPStatus.SERVICE_UNAVAILABLE,
        retry_after=60,
    )
