"""The Human Rights Monitor digest: the articles published since the last one, per language.

Beat builds the next digest of each language as a draft for review (or sends
it when ``NEWSLETTER_DIGEST_AUTO_SEND`` is on); a published Monitor article
received from the CMS refreshes it. A digest with no new article is neither
created nor sent. "Since the last one" means since the moment the last
scheduled or sent digest of that language looked for articles (``until`` in
its ``digest_filters``), so no article is left out between two digests.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from newsletter_service.campaigns.errors import DependencyUnavailable, DigestDraftExists
from newsletter_service.campaigns.models import Campaign
from newsletter_service.content.clients.cms import CmsRequestRefused, CmsUnavailable
from newsletter_service.content.services import digest_article_ids

logger = logging.getLogger(__name__)

State = Campaign.State
FROZEN = (State.SCHEDULED, State.SENDING, State.SENT)


def digest_default_filters() -> dict[str, Any]:
    config = settings.NEWSLETTER_DIGEST
    return {
        "themes": list(config["THEMES"]),
        "countries": list(config["COUNTRIES"]),
        "programme": config["PROGRAMME"],
    }


def digest_cutoff(*, language: str) -> datetime:
    """Articles first published after this moment go into the next digest of ``language``."""
    last = (
        Campaign.objects.filter(kind=Campaign.Kind.DIGEST, language=language, state__in=FROZEN)
        .order_by("-created_at", "-pk")
        .first()
    )
    if last is not None and (until := parse_datetime(last.digest_filters.get("until", ""))):
        return until
    return timezone.now() - timedelta(days=settings.NEWSLETTER_DIGEST["FIRST_LOOKBACK_DAYS"])


def digest_select(*, language: str, filters: dict[str, Any]) -> tuple[list[int], dict[str, Any]]:
    """The article ids for a digest in ``language``, and its filters with ``since``/``until``.

    ``filters`` may name themes, countries, programme and since (an ISO time);
    unset ones come from the settings, ``since`` from :func:`digest_cutoff`.
    """
    chosen = {**digest_default_filters(), **{k: v for k, v in filters.items() if v}}
    since = chosen.get("since")
    since = parse_datetime(since) if isinstance(since, str) else since
    since = since or digest_cutoff(language=language)
    until = timezone.now()
    ids = digest_article_ids(
        language=language,
        published_after=since,
        themes=chosen["themes"],
        countries=chosen["countries"],
        programme=chosen["programme"],
        limit=settings.NEWSLETTER_DIGEST["MAX_ARTICLES"],
    )
    chosen.update(since=since.isoformat(), until=until.isoformat())
    return ids, chosen


def digest_prepare(*, language: str, actor: str, auto_send: bool = False) -> Campaign | None:
    """Create or refresh the next digest draft of ``language``; None if no article is new.

    Raises ``DependencyUnavailable`` when the CMS cannot be reached (nothing is
    changed; the beat task retries).
    """
    from newsletter_service.campaigns import services

    try:
        page_ids, filters = digest_select(language=language, filters={})
    except CmsUnavailable as error:
        raise DependencyUnavailable(f"{error}; no digest was changed.") from error
    if not page_ids:
        logger.info("digest %s: no new article since %s", language, filters["since"])
        return None
    draft = (
        Campaign.objects.filter(kind=Campaign.Kind.DIGEST, language=language, state=State.DRAFT)
        .order_by("-created_at", "-pk")
        .first()
    )
    if draft is None:
        date = timezone.localdate().isoformat()
        try:
            return _after_prepare(
                services.campaign_create(
                    kind=Campaign.Kind.DIGEST,
                    subject=settings.NEWSLETTER_DIGEST["SUBJECT"].format(date=date),
                    language=language,
                    interests=list(settings.NEWSLETTER_DIGEST["INTERESTS"]),
                    page_ids=page_ids,
                    digest_filters=filters,
                    actor=actor,
                ),
                actor=actor,
                auto_send=auto_send,
            )
        except DigestDraftExists:  # made by a concurrent event or beat run: refresh that one
            draft = Campaign.objects.get(
                kind=Campaign.Kind.DIGEST, language=language, state=State.DRAFT
            )
    if draft.page_ids != page_ids or draft.digest_filters != filters:
        with transaction.atomic():
            draft = Campaign.objects.select_for_update().get(pk=draft.pk)
            if draft.state == State.DRAFT:
                draft.page_ids, draft.digest_filters = page_ids, filters
                draft.save(update_fields=["page_ids", "digest_filters", "updated_at"])
    return _after_prepare(draft, actor=actor, auto_send=auto_send)


def _after_prepare(draft: Campaign, *, actor: str, auto_send: bool) -> Campaign:
    from newsletter_service.campaigns import services

    if auto_send and draft.state == State.DRAFT:
        draft = services.campaign_send_now(
            campaign=draft, actor=actor, reason="NEWSLETTER_DIGEST_AUTO_SEND is on"
        )
    return draft


def digest_build_all(*, actor: str = "system:beat") -> dict[str, int | None]:
    """Prepare the digest of every configured language; campaign id (or None) per language.

    A language the CMS refuses (one it has no locale for yet, say) is logged and
    left out; the others are still built. A CMS that cannot be reached stops the
    run (``DependencyUnavailable``: the task retries, and building is idempotent).
    """
    results: dict[str, int | None] = {}
    for language in settings.NEWSLETTER_DIGEST["LANGUAGES"]:
        try:
            campaign = digest_prepare(
                language=language, actor=actor, auto_send=settings.NEWSLETTER_DIGEST_AUTO_SEND
            )
        except CmsRequestRefused as error:
            logger.error("digest %s: the CMS refused the request (%s); not built", language, error)
            campaign = None
        results[language] = campaign.pk if campaign else None
    return results
