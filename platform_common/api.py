"""One error shape for every JSON API: RFC 9457 problem details."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ProblemSerializer(serializers.Serializer):
    """The body of every error answer, as :func:`problem_exception_handler` writes it.

    An error may add members of its own (``field``, ``code``, ``header``...).
    """

    type = serializers.CharField(help_text="Always about:blank.")
    title = serializers.CharField(help_text="The kind of problem.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(required=False, help_text="What went wrong, for a person.")
    errors = serializers.JSONField(
        required=False, help_text="Invalid input: the messages of each field."
    )


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; JSON nested deeper than Python decodes is a 400, not a crash.

    ``json`` raises ``RecursionError`` (not a ``ValueError``, which DRF turns
    into a 400) for a few thousand nested brackets, well within any body limit.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(
                "JSON parse error - the document is nested too deeply."
            ) from None


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
            content_type=PROBLEM_MEDIA_TYPE,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response(
            {
                "type": "about:blank",
                "title": HTTPStatus.REQUEST_ENTITY_TOO_LARGE.phrase,
                "status": HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                "detail": f"The request body is too large: at most {limit} bytes are accepted.",
            },
            status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            content_type=PROBLEM_MEDIA_TYPE,
        )
    response = exception_handler(exc, context)
    if response is None:
        return None  # Django's 500 handler: no stack trace leaves with DEBUG off.
    data = response.data
    # Django's own PermissionDenied reaches here too: every problem has a title.
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(response.status_code).phrase,
        "status": response.status_code,
    }
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = "The request has invalid fields."
        body["errors"] = data
    elif isinstance(data, dict) and "detail" in data:
        body["detail"] = str(data["detail"])
    else:
        body["errors"] = data
    response.data = body
    response.content_type = PROBLEM_MEDIA_TYPE
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400`` (a request Django refused before any view): problem details under /api/."""
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    return _problem(HTTPStatus.BAD_REQUEST, "The request cannot be read.")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: problem details under ``/api/`` (no route matched), else Django's page."""
    if not _is_api(request):
        return defaults.page_not_found(request, exception)
    return _problem(HTTPStatus.NOT_FOUND, "No API operation has this address.")


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: problem details under ``/api/``, Django's page elsewhere; never a trace."""
    if not _is_api(request):
        return defaults.server_error(request)
    return _problem(
        HTTPStatus.INTERNAL_SERVER_ERROR,
        "The service failed to answer; the error is logged with this request's X-Request-ID.",
    )


def _problem(status_code: HTTPStatus, detail: str) -> JsonResponse:
    body = {"type": "about:blank", "title": status_code.phrase, "status": int(status_code)}
    return JsonResponse(
        {**body, "detail": detail}, status=status_code, content_type=PROBLEM_MEDIA_TYPE
    )
