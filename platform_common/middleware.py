"""Middleware every service runs (``platform_common.settings.MIDDLEWARE_BEFORE_SESSIONS``)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """While the database cannot be reached, answer 503 problem details, not a 500 page.

    ``OperationalError`` (connection refused or lost, the server shutting down)
    is an outage that clears by itself: Django opens a new connection on a
    later request (``CONN_HEALTH_CHECKS``), so the caller is told to try again
    (``Retry-After``) and ``/readyz`` says which dependency is failing. Other
    database errors (integrity, programming) are bugs and stay 500s. The
    answer names no host, query or traceback.
    """

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError):
            return None
        logger.warning(
            "database unavailable: %s %s answered 503 (%s)",
            request.method,
            request.path,
            type(exception.__cause__ or exception).__name__,
        )
        return JsonResponse(
            {
                "type": "about:blank",
                "title": "Service Unavailable",
                "status": 503,
                "detail": "The service's database cannot be reached; try again shortly.",
            },
            status=503,
            content_type="application/problem+json",
            headers={"Retry-After": str(self.RETRY_AFTER_SECONDS)},
        )
