"""Mailchimp's error answers: RFC 7807 problem documents, as the real API sends them."""

from __future__ import annotations

import uuid
from typing import Any

ERROR_DOCS = "https://mailchimp.com/developer/marketing/docs/errors/"

TITLES = {
    400: "Bad Request",
    401: "API Key Invalid",
    403: "Forbidden",
    404: "Resource Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class Problem(Exception):
    """An error answer; raised anywhere in the fake, turned into problem+json by the server."""

    def __init__(
        self,
        status: int,
        title: str | None = None,
        detail: str = "",
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.title = title or TITLES.get(status, "Error")
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        super().__init__(f"{status} {self.title}: {detail}")

    def document(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": ERROR_DOCS,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": str(uuid.uuid4()),
        }
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def not_found() -> Problem:
    return Problem(404, "Resource Not Found", "The requested resource could not be found.")


def invalid_resource(errors: list[dict[str, str]], detail: str = "") -> Problem:
    return Problem(
        400,
        "Invalid Resource",
        detail
        or "The resource submitted could not be validated. "
        "For field-specific details, see the 'errors' array.",
        errors=errors,
    )
