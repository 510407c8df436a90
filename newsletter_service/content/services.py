"""Content snapshots: what a campaign says, fetched from the CMS and frozen as JSON.

A snapshot is built from live CMS content when a draft is previewed, and built
again and stored when the campaign is scheduled or sent: a later edit or
deletion in the CMS cannot change what was sent, and what was sent can always
be shown again. The page JSON is the content API's own, untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from newsletter_service.content.clients.cms import CmsClient, CmsContentNotFound

logger = logging.getLogger(__name__)

FALLBACK_SKIP = "skip"
FALLBACK_DEFAULT_LANGUAGE = "default_language"


class SnapshotEmpty(Exception):
    """No page is left to send in the campaign's language; the message says why."""


def _fallback() -> str:
    fallback = settings.NEWSLETTER_TRANSLATION_FALLBACK
    if fallback not in (FALLBACK_SKIP, FALLBACK_DEFAULT_LANGUAGE):
        raise ValueError(
            f"NEWSLETTER_TRANSLATION_FALLBACK must be {FALLBACK_SKIP!r} or "
            f"{FALLBACK_DEFAULT_LANGUAGE!r}, not {fallback!r}"
        )
    return fallback


def page_in_language(
    *, client: CmsClient, page: dict[str, Any], language: str
) -> tuple[dict[str, Any] | None, bool]:
    """``page`` in ``language``: (the page or its translation, whether it fell back).

    (None, False) when there is no translation and the fallback is to skip.
    """
    meta = page["meta"]
    if meta.get("locale") == language:
        return page, False
    translation = client.page_translation(
        page_id=page["id"], page_type=meta["type"], language=language
    )
    if translation is not None:
        return translation, False
    if _fallback() == FALLBACK_DEFAULT_LANGUAGE:
        return page, True
    return None, False


def snapshot_build(
    *,
    kind: str,
    language: str,
    subject: str,
    preview_text: str,
    intro: str,
    page_ids: Iterable[int],
    client: CmsClient | None = None,
) -> dict[str, Any]:
    """Fetch every page (in ``language``, or as the fallback says) and return the snapshot.

    Raises ``CmsUnavailable`` when the CMS cannot be reached (nothing is
    changed: try again), ``CmsContentNotFound`` naming a page that is not
    live, and :class:`SnapshotEmpty` when no page is left in ``language``.
    """
    client = client or CmsClient()
    fetched_at = timezone.now()
    pages: list[dict[str, Any]] = []
    missing: list[int] = []
    fallbacks: list[int] = []
    for page_id in page_ids:
        page = client.page(page_id)
        chosen, fell_back = page_in_language(client=client, page=page, language=language)
        if chosen is None:
            missing.append(page_id)
            continue
        if fell_back:
            fallbacks.append(page_id)
        pages.append(chosen)
    if not pages:
        raise SnapshotEmpty(
            f"No page of this campaign exists in {language!r} "
            f"(pages without a translation: {', '.join(map(str, missing)) or 'none'})."
        )
    if missing:
        logger.info("snapshot in %s leaves out untranslated pages %s", language, missing)
    return {
        "kind": kind,
        "language": language,
        "subject": subject,
        "preview_text": preview_text,
        "intro": intro,
        "pages": pages,
        "cms_base_url": settings.NEWSLETTER_CMS_PUBLIC_URL.rstrip("/"),
        "fetched_at": fetched_at.isoformat(),
        "missing_translations": missing,
        "fallback_pages": fallbacks,
    }


def digest_article_ids(
    *,
    language: str,
    published_after: datetime,
    themes: Iterable[str] = (),
    countries: Iterable[str] = (),
    programme: str = "",
    limit: int = 20,
    client: CmsClient | None = None,
) -> list[int]:
    """Ids of the Monitor articles a digest in ``language`` would carry, newest first.

    The articles published in ``language`` after ``published_after``. With the
    ``default_language`` fallback, a default-language article published in that
    time with no translation in ``language`` is added too (sent untranslated).
    """
    client = client or CmsClient()
    query = {
        "published_after": published_after,
        "themes": list(themes),
        "countries": list(countries),
        "programme": programme,
        "limit": limit,
    }
    articles = client.monitor_articles(language=language, **query)
    default = settings.NEWSLETTER_DEFAULT_LANGUAGE
    if _fallback() == FALLBACK_DEFAULT_LANGUAGE and language != default:
        for article in client.monitor_articles(language=default, **query):
            if len(articles) >= limit:
                break
            try:
                translated = client.page_translation(
                    page_id=article["id"], page_type=article["meta"]["type"], language=language
                )
            except CmsContentNotFound:
                translated = None
            if translated is None:
                articles.append(article)
        articles.sort(key=lambda item: item["meta"]["first_published_at"], reverse=True)
    return [article["id"] for article in articles[:limit]]
