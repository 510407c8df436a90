"""The typed client of the CMS's content API (Wagtail API v2 at ``/api/v2/``).

Timeouts on every call; GETs are retried on connection errors and 502/503/504
(``platform_common.http``); failures come out as this module's own errors, so
callers never see ``requests``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings

from platform_common.http import (
    ServiceHttpClient,
    ServiceResponseError,
    ServiceUnavailableError,
)

PAGES = "/api/v2/pages/"
ARTICLE_TYPE = "monitor.ArticlePage"
# The content API refuses a larger page of results.
MAX_LIMIT = 100


class CmsError(Exception):
    """The CMS could not give what was asked."""


class CmsUnavailable(CmsError):
    """Timeout, refused connection or 5xx: worth trying again later."""


class CmsContentNotFound(CmsError):
    """No live, public page with that id (never published, unpublished, private or deleted)."""

    def __init__(self, message: str, *, page_id: int | None = None) -> None:
        super().__init__(message)
        self.page_id = page_id


class CmsRequestRefused(CmsError):
    """The CMS refused the request (a 4xx other than 404): a bug or a bad filter value."""


class CmsClient(ServiceHttpClient):
    def __init__(
        self,
        *,
        base_url: str | None = None,
        token: str | None = None,
        timeout: float | None = None,
        retries: int = 2,
    ) -> None:
        config = settings.CMS
        super().__init__(
            base_url=base_url or config["url"],
            token=config["token"] if token is None else token,
            timeout=config["timeout"] if timeout is None else timeout,
            retries=retries,
            user_agent="rights-platform-newsletter/cms-client",
        )

    def _get(self, path: str, *, params: dict[str, Any] | None = None) -> Any:
        try:
            return self.get_json(path, params=params)
        except ServiceUnavailableError as error:
            raise CmsUnavailable(f"The CMS cannot be reached: {error}") from error
        except ServiceResponseError as error:
            if error.status_code == 404:
                raise CmsContentNotFound(f"The CMS has no public page at {path}") from error
            message = error.body.get("message") if isinstance(error.body, dict) else ""
            raise CmsRequestRefused(
                f"The CMS refused {path} ({error.status_code}): {message or error.body}"
            ) from error

    def page(self, page_id: int) -> dict[str, Any]:
        """A live page with every field of its type (``fields=*``), as the content API shows it."""
        try:
            return self._get(f"{PAGES}{int(page_id)}/", params={"fields": "*"})
        except CmsContentNotFound as error:
            raise CmsContentNotFound(
                f"Page {page_id} is not a live, public page of the CMS.", page_id=page_id
            ) from error

    def page_translation(
        self, *, page_id: int, page_type: str, language: str
    ) -> dict[str, Any] | None:
        """The live translation of ``page_id`` in ``language`` with every field, or None."""
        answer = self._get(
            PAGES,
            params={
                "type": page_type,
                "translation_of": int(page_id),
                "locale": language,
                "fields": "*",
            },
        )
        items = answer.get("items", [])
        return items[0] if items else None

    def monitor_articles(
        self,
        *,
        language: str,
        published_after: datetime,
        themes: Iterable[str] = (),
        countries: Iterable[str] = (),
        programme: str = "",
        limit: int = 20,
    ) -> list[dict[str, Any]]:
        """Monitor articles in ``language`` first published after ``published_after``.

        Newest first, at most ``limit``. An article matches if it has any of
        ``themes`` and any of ``countries`` (each ignored when empty) and is of
        ``programme`` (when given): the content API takes one value per
        filter, so each combination is one request and the answers are merged.
        """
        base = {
            "type": ARTICLE_TYPE,
            "locale": language,
            "fields": "*",
            "published_after": published_after.isoformat(),
            "order": "-first_published_at",
            "limit": min(limit, MAX_LIMIT),
        }
        if programme:
            base["programme"] = programme
        found: dict[int, dict[str, Any]] = {}
        for theme in list(themes) or [None]:
            for country in list(countries) or [None]:
                params = dict(base)
                if theme:
                    params["theme"] = theme
                if country:
                    params["country"] = country
                for item in self._get(PAGES, params=params).get("items", []):
                    found.setdefault(item["id"], item)
        articles = sorted(
            found.values(), key=lambda item: item["meta"]["first_published_at"], reverse=True
        )
        return articles[:limit]
