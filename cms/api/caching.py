"""HTTP caching of the content API: validators, Cache-Control and a server-side cache.

Every response of a listing or detail carries a weak ``ETag`` made of the
content generation (``cms.events``: bumped by every publish, unpublish, move
and delete, and by changes to images, documents and taxonomies) and the
request, a ``Last-Modified`` (when published content last changed) and a
public ``Cache-Control``. So one publish makes every listing and detail stale
at once, and nothing has to know which listings a page appears in.

- A conditional request whose validators still hold is answered 304 before
  the view runs: no query, no serializer.
- A 200 is kept in Django's cache (Redis when ``REDIS_URL`` is set) under a
  key holding the generation, and served from there until it changes.
- Requests with credentials, a session or a preview token are never cached
  and answered ``Cache-Control: private, no-store``.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from cms.events.selectors import content_generation
from cms.events.services import CACHE_ERRORS

logger = logging.getLogger(__name__)

# Query parameters that ask for a draft (headless preview): never cached.
PREVIEW_PARAMETERS = frozenset({"token", "preview_token", "preview", "content_type"})
# Response headers kept with a cached body.
KEPT_HEADERS = ("Content-Type", "Vary", "Allow")


def _is_private(request) -> bool:
    return (
        "HTTP_AUTHORIZATION" in request.META
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or not PREVIEW_PARAMETERS.isdisjoint(request.GET.keys())
    )


def _etag_matches(header: str, etag: str) -> bool:
    # Weak comparison (RFC 9110 13.1.2), as for GET and HEAD.
    candidates = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in candidates or etag.removeprefix("W/") in candidates


def cache_control() -> str:
    return (
        f"public, max-age={settings.CMS_API_CACHE_MAX_AGE}, "
        f"stale-while-revalidate={settings.CMS_API_CACHE_STALE_WHILE_REVALIDATE}"
    )


class CachedEndpointMixin:
    """Caching for the ``listing_view`` and ``detail_view`` of a Wagtail API viewset."""

    def listing_view(self, request):
        return self._cached(request, super().listing_view)

    def detail_view(self, request, pk):
        return self._cached(
            request, lambda request: super(CachedEndpointMixin, self).detail_view(request, pk)
        )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if _is_private(request):  # errors included
            response["Cache-Control"] = "private, no-store"
        return response

    def _cached(self, request, view):
        if request.method not in ("GET", "HEAD") or _is_private(request):
            return view(request)
        # Only the JSON output is cached; the browsable API is for people.
        if not isinstance(request.accepted_renderer, JSONRenderer):
            return view(request)
        state = content_generation()
        if state is None:
            return view(request)
        generation, changed_at = state
        identity = "|".join(
            [
                request.scheme,
                request.get_host(),
                request.get_full_path(),
                request.accepted_media_type,
            ]
        )
        digest = hashlib.sha256(identity.encode()).hexdigest()[:24]
        etag = "W/" + quote_etag(f"{generation:x}-{digest[:16]}")
        last_modified = int(changed_at)
        headers = {
            "ETag": etag,
            "Last-Modified": http_date(last_modified),
            "Cache-Control": cache_control(),
        }

        if self._not_modified(request, etag, last_modified):
            response = Response(status=304, headers=headers)
            return response

        key = f"content-api:response:{generation}:{digest}"
        try:
            stored = cache.get(key)
        except CACHE_ERRORS:
            logger.exception("Content API cache unavailable")
            stored = None
        if stored is not None:
            response = HttpResponse(stored["body"], status=200)
            for name, value in stored["headers"].items():
                response[name] = value
            response["X-Cache"] = "hit"
        else:
            response = self._rendered(request, view(request))
            if response.status_code == 200:
                self._store(key, response)
            response["X-Cache"] = "miss"
        if response.status_code == 200:
            for name, value in headers.items():
                response[name] = value
        return response

    @staticmethod
    def _not_modified(request, etag: str, last_modified: int) -> bool:
        if if_none_match := request.META.get("HTTP_IF_NONE_MATCH"):
            # If-Modified-Since is ignored when If-None-Match is given (RFC 9110 13.2.2).
            return _etag_matches(if_none_match, etag)
        if if_modified_since := request.META.get("HTTP_IF_MODIFIED_SINCE"):
            since = parse_http_date_safe(if_modified_since)
            return since is not None and last_modified <= since
        return False

    def _rendered(self, request, response):
        if isinstance(response, Response):
            response = self.finalize_response(request, response)
            response.render()
        return response

    @staticmethod
    def _store(key: str, response) -> None:
        headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        try:
            cache.set(
                key,
                {"body": response.content, "headers": headers},
                timeout=settings.CMS_API_CACHE_TIMEOUT,
            )
        except CACHE_ERRORS:
            logger.exception("Content API cache unavailable")
