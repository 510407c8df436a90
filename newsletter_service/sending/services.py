"""Sending campaigns through the backend, exactly once, and reading their reports.

The API's services decide (schedule, send, unschedule, cancel) by changing the
campaign's state in the database and setting ``sync_due``; the task queued on
commit makes the email provider match, here. It is safe to run twice:

- a campaign is *claimed* (``select_for_update`` with ``skip_locked``, a lease
  in ``sync_lease_until``) before anything is asked of the provider, so two
  copies of the task never work on one campaign at once;
- the provider's campaign is created only if none is recorded, and its id is
  stored right after (one created by a worker that died before storing it is
  found again by its title, which carries the campaign's unique send key);
- before a send or a schedule, the provider is asked for the campaign's status:
  if it says schedule, sending or sent, that is recorded and nothing is sent.
  A worker killed after Mailchimp accepted the send and before the database
  recorded it therefore never sends twice: the next run sees "sent".

Errors that can clear (timeouts, 429, 5xx) leave the campaign due with a later
lease and queue the task again with backoff and jitter; others fail it with
the reason. A sweeper (beat) queues whatever is due and not leased.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from newsletter_service.campaigns.errors import ContentInvalid
from newsletter_service.campaigns.models import Campaign, CampaignReport
from newsletter_service.campaigns.transitions import SYSTEM, transition_record
from newsletter_service.content.clients.subscribers import (
    Audience,
    SubscriberServiceClient,
    SubscriberServiceError,
    SubscriberServiceUnavailable,
)
from newsletter_service.sending.backends import (
    CampaignBackend,
    CampaignBackendError,
    CampaignSpec,
    get_backend,
)
from newsletter_service.sending.backends.base import (
    STATUS_SAVE,
    STATUS_SCHEDULE,
    WENT,
)

logger = logging.getLogger(__name__)

State = Campaign.State

# Longer than a sync can take (a few provider calls, each waiting at most about a
# minute for a connection slot plus its timeout) and than the task's time limit.
# The default of NEWSLETTER_SYNC_LEASE_SECONDS (see sync_lease), and a test send's lease.
LEASE = timedelta(minutes=6)
MAX_ATTEMPTS = 12
BACKOFF_BASE_SECONDS = 5
# Below the Redis broker's visibility timeout (3600 s): a countdown never gets a task redelivered.
BACKOFF_MAX_SECONDS = 600
PROVIDER_ACTOR = "system:email-provider"


# --- who receives it -----------------------------------------------------------------


def audience_segment(
    *, audience: Audience, interests: list[str], language: str
) -> dict[str, object]:
    """Mailchimp ``segment_opts``: members with any of ``interests`` AND of ``language``.

    Interests of one campaign must belong to one Mailchimp interest category
    (group): conditions are joined with "all", and one ``Interests`` condition
    matches any of its ids.
    """
    categories: dict[str, list[str]] = {}
    for key in interests:
        interest = audience.interest(key)
        if interest is None:
            raise ContentInvalid(
                f"Unknown interest {key!r}: the subscriber service offers "
                f"{', '.join(sorted(i.key for i in audience.interests)) or 'none'}.",
                extra={"field": "interests"},
            )
        if not (interest.mailchimp_category_id and interest.mailchimp_interest_id):
            raise ContentInvalid(
                f"Interest {key!r} is not mapped to a Mailchimp group yet.",
                extra={"field": "interests"},
            )
        categories.setdefault(interest.mailchimp_category_id, []).append(
            interest.mailchimp_interest_id
        )
    if len(categories) > 1:
        raise ContentInvalid(
            "These interests belong to different Mailchimp groups; one campaign targets one.",
            extra={"field": "interests"},
        )
    conditions: list[dict[str, object]] = [
        {
            "condition_type": "Interests",
            "field": f"interests-{category}",
            "op": "interestcontains",
            "value": ids,
        }
        for category, ids in categories.items()
    ]
    conditions.append(
        {"condition_type": "Language", "field": "language", "op": "is", "value": language}
    )
    return {"match": "all", "conditions": conditions}


def provider_title(campaign: Campaign) -> str:
    """The provider campaign's title: stable, and unique through the send key."""
    return f"{campaign.kind} {campaign.language} #{campaign.pk} [{campaign.send_key}]"


def campaign_spec(
    *, campaign: Campaign, client: SubscriberServiceClient | None = None
) -> CampaignSpec:
    """What the provider needs besides content. Raises ``SubscriberServiceError``/ContentInvalid."""
    audience = (client or SubscriberServiceClient()).audience()
    if not audience.audience_id:
        raise ContentInvalid("The subscriber service has no Mailchimp audience configured.")
    return CampaignSpec(
        title=provider_title(campaign),
        subject=campaign.subject,
        preview_text=campaign.preview_text,
        from_name=campaign.from_name,
        reply_to=campaign.reply_to,
        language=campaign.language,
        list_id=audience.audience_id,
        segment_opts=audience_segment(
            audience=audience, interests=list(campaign.interests), language=campaign.language
        ),
    )


def provider_campaign_ensure(
    *, campaign: Campaign, spec: CampaignSpec, backend: CampaignBackend
) -> str:
    """The provider's campaign id: the recorded one, one found by title, or a new one.

    A new id is stored at once, in its own (autocommit) write.
    """
    if campaign.mailchimp_campaign_id:
        return campaign.mailchimp_campaign_id
    provider_id = backend.find(title=spec.title, list_id=spec.list_id) or backend.create(spec)
    Campaign.objects.filter(pk=campaign.pk).update(mailchimp_campaign_id=provider_id)
    campaign.mailchimp_campaign_id = provider_id
    return provider_id


def provider_content_push(
    *, backend: CampaignBackend, provider_id: str, spec: CampaignSpec, html: str, text: str
) -> None:
    """Settings, recipients and content of an unsent provider campaign (safe to repeat)."""
    backend.update(provider_id, spec)
    backend.set_content(provider_id, html=html, text=text)


# --- the sync task's work ----------------------------------------------------------


@dataclass(frozen=True)
class SyncOutcome:
    result: str
    retry_in: float | None = None


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff with full jitter, capped below the broker's visibility timeout."""
    ceiling = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 (jitter, not secrecy)


def sync_request(campaign: Campaign) -> None:
    """Mark ``campaign`` (being saved by the caller) as having provider work to do."""
    campaign.sync_due = True
    campaign.sync_generation += 1
    campaign.sync_attempts = 0


def sync_queue(campaign_id: int, *, countdown: float = 0) -> None:
    """Queue the sync task; a broker outage only delays it (the sweeper queues it again)."""
    from newsletter_service.sending.tasks import campaign_sync_task

    try:
        campaign_sync_task.apply_async(args=[campaign_id], countdown=countdown)
    except Exception:
        logger.warning("campaign %s sync not queued; the sweeper will", campaign_id)


def sync_lease() -> timedelta:
    """How long a claimed sync is left alone: ``NEWSLETTER_SYNC_LEASE_SECONDS`` (6 minutes).

    Also how long a campaign claimed by a worker that died waits before the
    sweeper queues it again and its provider status is checked.
    """
    return timedelta(seconds=settings.NEWSLETTER_SYNC_LEASE_SECONDS)


def _claim(campaign_id: int) -> tuple[Campaign, int] | None:
    now = timezone.now()
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update(skip_locked=True)
            .filter(pk=campaign_id, sync_due=True)
            .filter(Q(sync_lease_until__isnull=True) | Q(sync_lease_until__lte=now))
            .first()
        )
        if campaign is None:
            return None
        campaign.sync_attempts += 1
        campaign.sync_lease_until = now + sync_lease()
        campaign.save(update_fields=["sync_attempts", "sync_lease_until"])
    return campaign, campaign.sync_generation


def _release(campaign: Campaign, generation: int) -> None:
    done = Campaign.objects.filter(pk=campaign.pk, sync_generation=generation).update(
        sync_due=False, sync_lease_until=None, last_error=""
    )
    if not done:  # asked for more while this ran (an unschedule during a schedule)
        Campaign.objects.filter(pk=campaign.pk).update(sync_lease_until=None)
        sync_queue(campaign.pk)


def _fail(campaign_id: int, reason: str) -> None:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        campaign.sync_due = False
        campaign.sync_lease_until = None
        campaign.last_error = reason[:2000]
        if campaign.state in (State.SENDING, State.SCHEDULED):
            transition_record(campaign, to=State.FAILED, actor=SYSTEM, reason=reason)
        campaign.save()
    logger.warning("campaign %s failed: %s", campaign_id, reason)


def campaign_record_sent(*, campaign_id: int, provider_status: str, reason: str) -> None:
    """Record that the provider sent (or is sending) the campaign; fetch its report later."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        campaign.mailchimp_status = provider_status
        if campaign.state != State.SENT:
            observed = campaign.state not in (State.SENDING, State.SCHEDULED)
            transition_record(
                campaign, to=State.SENT, actor=PROVIDER_ACTOR, reason=reason, observed=observed
            )
            campaign.sent_at = timezone.now()
        campaign.save()
        transaction.on_commit(lambda: report_queue(campaign_id))


def _status_record(campaign: Campaign, status: str) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(mailchimp_status=status)
    campaign.mailchimp_status = status


def _reconcile(campaign: Campaign, backend: CampaignBackend) -> str:
    state = campaign.state
    if state in (State.SENDING, State.SCHEDULED):
        spec = campaign_spec(campaign=campaign)
        provider_id = provider_campaign_ensure(campaign=campaign, spec=spec, backend=backend)
        status = backend.status(provider_id)
        if status in WENT:
            campaign_record_sent(
                campaign_id=campaign.pk,
                provider_status=status,
                reason=f"the email provider reports the campaign {status}",
            )
            return "sent"
        if status == STATUS_SCHEDULE:
            # Scheduled there already (by an earlier run): it will go at its time.
            _status_record(campaign, status)
            return "scheduled"
        provider_content_push(
            backend=backend,
            provider_id=provider_id,
            spec=spec,
            html=campaign.rendered_html,
            text=campaign.rendered_text,
        )
        if state == State.SCHEDULED:
            backend.schedule(provider_id, when=campaign.scheduled_for)
            _status_record(campaign, STATUS_SCHEDULE)
            return "scheduled"
        backend.send(provider_id)
        campaign_record_sent(
            campaign_id=campaign.pk, provider_status="sending", reason="sent through the provider"
        )
        return "sent"
    if state in (State.DRAFT, State.CANCELLED) and campaign.mailchimp_campaign_id:
        status = backend.status(campaign.mailchimp_campaign_id)
        if status == STATUS_SCHEDULE:
            backend.unschedule(campaign.mailchimp_campaign_id)
            _status_record(campaign, STATUS_SAVE)
            return "unscheduled"
        if status in WENT:
            campaign_record_sent(
                campaign_id=campaign.pk,
                provider_status=status,
                reason=f"the provider had already sent it when it was {state}",
            )
            return "sent"
        _status_record(campaign, status)
    return "nothing to do"


def campaign_sync(*, campaign_id: int) -> SyncOutcome:
    """Make the provider match the campaign's state, once; see the module's docstring."""
    claimed = _claim(campaign_id)
    if claimed is None:
        return SyncOutcome("skipped")
    campaign, generation = claimed
    try:
        result = _reconcile(campaign, get_backend())
    except (CampaignBackendError, SubscriberServiceError, ContentInvalid) as error:
        retryable = isinstance(error, SubscriberServiceUnavailable) or (
            isinstance(error, CampaignBackendError) and error.retryable
        )
        reason = str(error)
        if retryable and campaign.sync_attempts < MAX_ATTEMPTS:
            delay = backoff_seconds(campaign.sync_attempts)
            Campaign.objects.filter(pk=campaign.pk).update(
                sync_lease_until=timezone.now() + timedelta(seconds=delay), last_error=reason[:2000]
            )
            sync_queue(campaign.pk, countdown=delay)
            logger.info("campaign %s sync will retry in %.0f s: %s", campaign.pk, delay, reason)
            return SyncOutcome("retry", retry_in=delay)
        if retryable:
            reason = f"gave up after {campaign.sync_attempts} attempts: {reason}"
        _fail(campaign.pk, reason)
        return SyncOutcome("failed")
    _release(campaign, generation)
    return SyncOutcome(result)


def campaigns_sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Queue the sync of every campaign with work due and no live lease; return how many.

    Also makes due the scheduled campaigns whose time has come, so that the
    provider's send is observed and recorded.
    """
    now = now or timezone.now()
    Campaign.objects.filter(state=State.SCHEDULED, scheduled_for__lte=now, sync_due=False).update(
        sync_due=True, sync_generation=F("sync_generation") + 1, sync_attempts=0
    )
    due = list(
        Campaign.objects.filter(sync_due=True)
        .filter(Q(sync_lease_until__isnull=True) | Q(sync_lease_until__lte=now))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for campaign_id in due:
        sync_queue(campaign_id)
    return len(due)


# --- reports -------------------------------------------------------------------------


def report_queue(campaign_id: int) -> None:
    from newsletter_service.sending.tasks import report_fetch_task

    try:
        report_fetch_task.apply_async(args=[campaign_id])
    except Exception:
        logger.warning("report of campaign %s not queued; the beat refresh will", campaign_id)


def report_fetch(*, campaign_id: int) -> CampaignReport | None:
    """Fetch and store the provider's figures for a sent campaign (None if not sent)."""
    campaign = Campaign.objects.get(pk=campaign_id)
    if campaign.state != State.SENT or not campaign.mailchimp_campaign_id:
        return None
    figures = get_backend().report(campaign.mailchimp_campaign_id)
    report, _ = CampaignReport.objects.update_or_create(
        campaign=campaign,
        defaults={**figures.__dict__, "fetched_at": timezone.now()},
    )
    return report


def reports_refresh() -> int:
    """Queue a report fetch for each campaign sent in the last ``NEWSLETTER_REPORT_DAYS``."""
    since = timezone.now() - timedelta(days=settings.NEWSLETTER_REPORT_DAYS)
    ids = list(
        Campaign.objects.filter(state=State.SENT, sent_at__gte=since)
        .exclude(mailchimp_campaign_id="")
        .values_list("pk", flat=True)
    )
    for campaign_id in ids:
        report_queue(campaign_id)
    return len(ids)
