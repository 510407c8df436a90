"""Campaign services: create, edit, preview, test, schedule, send, unschedule, cancel.

Keyword-only and typed; views and tasks call nothing else. Network calls (the
CMS, the subscriber service, the email provider) never happen inside a
database transaction: content is fetched and rendered first, then the
campaign is locked, its state checked again and changed, and the provider
work is queued on commit (``newsletter_service.sending``).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsletter_service.campaigns import rendering
from newsletter_service.campaigns.errors import (
    CampaignBusy,
    ContentInvalid,
    DependencyUnavailable,
    DigestDraftExists,
    IllegalTransition,
    ProviderRefused,
)
from newsletter_service.campaigns.models import Campaign, CampaignTransition
from newsletter_service.campaigns.transitions import transition_check, transition_record
from newsletter_service.content.clients.cms import (
    CmsClient,
    CmsContentNotFound,
    CmsError,
    CmsUnavailable,
)
from newsletter_service.content.clients.subscribers import (
    SubscriberServiceError,
    SubscriberServiceUnavailable,
)
from newsletter_service.content.services import SnapshotEmpty, snapshot_build
from newsletter_service.sending import services as sending
from newsletter_service.sending.backends import CampaignBackendError, get_backend
from newsletter_service.sending.backends.base import STATUS_SAVE

logger = logging.getLogger(__name__)

State = Campaign.State
Kind = Campaign.Kind

EDITABLE_FIELDS = (
    "subject",
    "preview_text",
    "from_name",
    "reply_to",
    "language",
    "intro",
    "interests",
    "page_ids",
    "digest_filters",
)
QUARTER_HOUR = 15 * 60


# --- helpers -----------------------------------------------------------------------------


def _locked(campaign_id: int) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign_id)


def _check_language(language: str) -> None:
    if language not in settings.NEWSLETTER_LANGUAGES:
        raise ContentInvalid(
            f"Unknown language {language!r}: "
            f"use one of {', '.join(settings.NEWSLETTER_LANGUAGES)}.",
            extra={"field": "language"},
        )


def _check_source(kind: str, page_ids: list[int]) -> None:
    if kind != Kind.DIGEST and not page_ids:
        raise ContentInvalid(
            "A campaign of this kind needs at least one CMS page.", extra={"field": "page_ids"}
        )


def quarter_hour_ceil(moment: datetime) -> datetime:
    """The first quarter-hour mark (:00, :15, :30, :45) at or after ``moment``.

    Mailchimp sends only on those marks. A time in between is moved later,
    never earlier: an embargoed announcement must not go out before its time.
    """
    seconds = moment.timestamp()
    return datetime.fromtimestamp(
        math.ceil(seconds / QUARTER_HOUR) * QUARTER_HOUR, tz=moment.tzinfo
    )


def snapshot_for(campaign: Campaign, *, client: CmsClient | None = None) -> dict[str, Any]:
    """Build the campaign's snapshot from live CMS content, as the API's errors."""
    try:
        return snapshot_build(
            kind=campaign.kind,
            language=campaign.language,
            subject=campaign.subject,
            preview_text=campaign.preview_text,
            intro=campaign.intro,
            page_ids=list(campaign.page_ids),
            client=client,
        )
    except CmsUnavailable as error:
        raise DependencyUnavailable(
            f"The CMS cannot be reached, nothing was changed; try again later. ({error})"
        ) from error
    except CmsContentNotFound as error:
        raise ContentInvalid(str(error), extra={"page_id": error.page_id}) from error
    except SnapshotEmpty as error:
        raise ContentInvalid(str(error)) from error
    except CmsError as error:
        raise ContentInvalid(f"The CMS refused the content request: {error}") from error


def _spec(campaign: Campaign):
    try:
        return sending.campaign_spec(campaign=campaign)
    except SubscriberServiceUnavailable as error:
        raise DependencyUnavailable(
            f"The subscriber service cannot be reached; try again later. ({error})"
        ) from error
    except SubscriberServiceError as error:
        raise DependencyUnavailable(str(error)) from error


def _provider_error(error: CampaignBackendError) -> Exception:
    if error.retryable:
        return DependencyUnavailable(f"The email provider cannot be reached: {error}")
    return ProviderRefused(str(error))


# --- create and edit -------------------------------------------------------------------


def campaign_create(
    *,
    kind: str,
    subject: str,
    language: str,
    interests: list[str],
    actor: str,
    page_ids: Iterable[int] = (),
    preview_text: str = "",
    from_name: str = "",
    reply_to: str = "",
    intro: str = "",
    digest_filters: dict[str, Any] | None = None,
) -> Campaign:
    """A new draft. A digest given no pages gets the articles its filters select now."""
    _check_language(language)
    page_ids = [int(page_id) for page_id in page_ids]
    digest_filters = dict(digest_filters or {})
    if kind == Kind.DIGEST and not page_ids:
        from newsletter_service.campaigns.digests import digest_select

        try:
            page_ids, digest_filters = digest_select(language=language, filters=digest_filters)
        except CmsUnavailable as error:
            raise DependencyUnavailable(
                f"The CMS cannot be reached, nothing was created; try again later. ({error})"
            ) from error
        if not page_ids:
            raise ContentInvalid(
                "No Monitor article was published in this language since "
                f"{digest_filters['since']}: there is nothing to send.",
                extra={"field": "digest_filters"},
            )
    _check_source(kind, page_ids)
    try:
        return _create(
            kind=kind,
            subject=subject,
            preview_text=preview_text,
            from_name=from_name or settings.NEWSLETTER_FROM_NAME,
            reply_to=reply_to or settings.NEWSLETTER_REPLY_TO,
            language=language,
            intro=intro,
            interests=list(interests),
            page_ids=page_ids,
            digest_filters=digest_filters,
            actor=actor,
        )
    except IntegrityError:
        draft = Campaign.objects.filter(kind=Kind.DIGEST, language=language, state=State.DRAFT)
        if kind != Kind.DIGEST or not draft.exists():
            raise
        raise DigestDraftExists(
            f"There is already a draft digest in {language!r} (campaign {draft.get().pk}): "
            "edit it, or send or cancel it first.",
            extra={"campaign_id": draft.get().pk},
        ) from None


def _create(*, actor: str, **fields: Any) -> Campaign:
    with transaction.atomic():
        campaign = Campaign.objects.create(
            **fields,
            created_by=actor[:150],
        )
        CampaignTransition.objects.create(
            campaign=campaign, from_state="", to_state=State.DRAFT, actor=actor, reason="created"
        )
    return campaign


def campaign_update(*, campaign: Campaign, actor: str, **changes: Any) -> Campaign:
    """Change a draft's fields (any of ``EDITABLE_FIELDS``); other states get a 409."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"campaign_update: not editable: {', '.join(sorted(unknown))}")
    if "language" in changes:
        _check_language(changes["language"])
    with transaction.atomic():
        campaign = _locked(campaign.pk)
        if campaign.state != State.DRAFT:
            raise IllegalTransition(
                f"Campaign {campaign.pk} is {campaign.state}: only drafts can be edited "
                "(unschedule it first).",
                extra={"state": campaign.state},
            )
        for name, value in changes.items():
            setattr(campaign, name, value)
        _check_source(campaign.kind, list(campaign.page_ids))
        campaign.save()
    return campaign


# --- preview and test -------------------------------------------------------------------


def campaign_render(*, campaign: Campaign) -> rendering.RenderedEmail:
    """The email: from live CMS content for a draft, from the frozen snapshot otherwise."""
    if campaign.snapshot is not None and campaign.state != State.DRAFT:
        return rendering.rendered_of(campaign)
    return rendering.render(snapshot=snapshot_for(campaign))


campaign_preview = campaign_render


def _lease_take(campaign_id: int) -> Campaign:
    now = timezone.now()
    with transaction.atomic():
        campaign = _locked(campaign_id)
        if campaign.sync_lease_until and campaign.sync_lease_until > now:
            raise CampaignBusy(
                f"Campaign {campaign_id} is being sent to the email provider; try again shortly."
            )
        campaign.sync_lease_until = now + sending.LEASE
        campaign.save(update_fields=["sync_lease_until"])
    return campaign


def _lease_release(campaign_id: int) -> None:
    Campaign.objects.filter(pk=campaign_id).update(sync_lease_until=None)
    if Campaign.objects.filter(pk=campaign_id, sync_due=True).exists():
        sending.sync_queue(campaign_id)  # a sync that found the lease taken gave up its turn


def campaign_send_test(*, campaign: Campaign, emails: list[str], actor: str) -> int:
    """Send the email as it stands to ``emails`` (drafts and scheduled campaigns only).

    Creates the provider's campaign if there is none yet (its id is kept for
    the real send). Returns how many addresses it was sent to.
    """
    if campaign.state not in (State.DRAFT, State.SCHEDULED):
        raise IllegalTransition(
            f"Campaign {campaign.pk} is {campaign.state}: tests are for drafts and scheduled "
            "campaigns.",
            extra={"state": campaign.state},
        )
    rendered = campaign_render(campaign=campaign)
    spec = _spec(campaign)
    backend = get_backend()
    campaign = _lease_take(campaign.pk)
    try:
        provider_id = sending.provider_campaign_ensure(
            campaign=campaign, spec=spec, backend=backend
        )
        if backend.status(provider_id) == STATUS_SAVE:
            sending.provider_content_push(
                backend=backend,
                provider_id=provider_id,
                spec=spec,
                html=rendered.html,
                text=rendered.text,
            )
        backend.send_test(provider_id, emails=emails)
    except CampaignBackendError as error:
        raise _provider_error(error) from error
    finally:
        _lease_release(campaign.pk)
    logger.info("campaign %s: test sent to %d addresses by %s", campaign.pk, len(emails), actor)
    return len(emails)


# --- schedule, send, unschedule, cancel ------------------------------------------------


def _freeze(
    *, campaign: Campaign, to: str, actor: str, reason: str, scheduled_for: datetime | None
) -> Campaign:
    """Snapshot and render (outside any transaction), then move the draft to ``to``."""
    transition_check(campaign, to)
    _spec(campaign)  # the audience must resolve before anything is promised
    snapshot = snapshot_for(campaign)
    rendered = rendering.render(snapshot=snapshot)
    read_at = campaign.updated_at
    with transaction.atomic():
        campaign = _locked(campaign.pk)
        transition_check(campaign, to)
        if campaign.updated_at != read_at:
            raise IllegalTransition(
                f"Campaign {campaign.pk} was edited meanwhile; look at it again, then retry.",
                extra={"state": campaign.state},
            )
        campaign.snapshot = snapshot
        campaign.rendered_html = rendered.html
        campaign.rendered_text = rendered.text
        campaign.render_warnings = list(rendered.warnings)
        campaign.scheduled_for = scheduled_for
        campaign.last_error = ""
        transition_record(campaign, to=to, actor=actor, reason=reason)
        sending.sync_request(campaign)
        campaign.save()
        campaign_id = campaign.pk
        transaction.on_commit(lambda: sending.sync_queue(campaign_id))
    return campaign


def campaign_schedule(
    *, campaign: Campaign, when: datetime, actor: str, reason: str = ""
) -> Campaign:
    """Freeze the content and schedule the send for ``when``, moved up to a quarter-hour mark.

    A time less than ``NEWSLETTER_SCHEDULE_MIN_LEAD_SECONDS`` away (after
    rounding) is refused with a 400 naming ``scheduled_for``.
    """
    if timezone.is_naive(when):
        raise ContentInvalid(
            "scheduled_for needs a time zone offset.", extra={"field": "scheduled_for"}
        )
    at = quarter_hour_ceil(when)
    earliest = timezone.now() + timedelta(seconds=settings.NEWSLETTER_SCHEDULE_MIN_LEAD_SECONDS)
    if at < earliest:
        raise ContentInvalid(
            f"scheduled_for must be in the future (at least "
            f"{settings.NEWSLETTER_SCHEDULE_MIN_LEAD_SECONDS} s from now).",
            extra={"field": "scheduled_for"},
        )
    note = f"scheduled for {at.isoformat()}" + (
        f" (asked {when.isoformat()}, moved to the next quarter-hour mark)" if at != when else ""
    )
    return _freeze(
        campaign=campaign,
        to=State.SCHEDULED,
        actor=actor,
        reason="; ".join(part for part in (note, reason) if part),
        scheduled_for=at,
    )


def campaign_send_now(*, campaign: Campaign, actor: str, reason: str = "") -> Campaign:
    """Freeze the content and send it now (state ``sending`` is committed before the send)."""
    return _freeze(
        campaign=campaign,
        to=State.SENDING,
        actor=actor,
        reason=reason or "sent now",
        scheduled_for=None,
    )


def campaign_unschedule(*, campaign: Campaign, actor: str, reason: str = "") -> Campaign:
    """Back to a draft (content live again); the provider's schedule is cancelled by the sync."""
    with transaction.atomic():
        campaign = _locked(campaign.pk)
        transition_check(campaign, State.DRAFT)
        if campaign.scheduled_for and campaign.scheduled_for <= timezone.now():
            raise IllegalTransition(
                f"Campaign {campaign.pk}'s send time has passed: it cannot be unscheduled.",
                extra={"state": campaign.state},
            )
        transition_record(campaign, to=State.DRAFT, actor=actor, reason=reason or "unscheduled")
        campaign.snapshot = None
        campaign.rendered_html = campaign.rendered_text = ""
        campaign.render_warnings = []
        campaign.scheduled_for = None
        sending.sync_request(campaign)
        campaign.save()
        campaign_id = campaign.pk
        transaction.on_commit(lambda: sending.sync_queue(campaign_id))
    return campaign


def campaign_cancel(*, campaign: Campaign, actor: str, reason: str = "") -> Campaign:
    """Cancel a draft or a scheduled campaign for good."""
    with transaction.atomic():
        campaign = _locked(campaign.pk)
        transition_check(campaign, State.CANCELLED)
        if campaign.state == State.SCHEDULED and campaign.scheduled_for <= timezone.now():
            raise IllegalTransition(
                f"Campaign {campaign.pk}'s send time has passed: it cannot be cancelled.",
                extra={"state": campaign.state},
            )
        transition_record(campaign, to=State.CANCELLED, actor=actor, reason=reason or "cancelled")
        if campaign.mailchimp_campaign_id:
            sending.sync_request(campaign)
            campaign_id = campaign.pk
            transaction.on_commit(lambda: sending.sync_queue(campaign_id))
        campaign.save()
    return campaign
