"""One error shape for every JSON API: RFC 9457 problem details."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApplicationError(Exception):
    """A business rule was broken; the message is safe to show the caller."""

    status_code = status.HTTP_400_BAD_REQUEST
    title = "Request cannot be processed"

    def __init__(
        self,
        detail: str,
        *,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra or {}
        # Sent with the answer, e.g. Retry-After on a 429.
        self.headers = headers or {}


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        body = {
            "type": "about:blank",
            "title": exc.title,
            "status": exc.status_code,
            "detail": exc.detail,
            **exc.extra,
        }
        return Response(
            body,
            status=exc.status_code,
            headers=exc.headers,
            content_type="application/problem+json",
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None  # Django's 500 handler: no stack trace leaves with DEBUG off.
    data = response.data
    body: dict[str, Any] = {"type": "about:blank", "status": response.status_code}
    if isinstance(exc, exceptions.APIException):
        body["title"] = _title(exc)
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = "The request has invalid fields."
        body["errors"] = data
    elif isinstance(data, dict) and "detail" in data:
        body["detail"] = str(data["detail"])
    else:
        body["errors"] = data
    response.data = body
    response.content_type = "application/problem+json"
    return response


def _title(exc: exceptions.APIException) -> str:
    return HTTPStatus(exc.status_code).phrase
