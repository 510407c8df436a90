"""Keeping the Mailchimp audience and the local subscriptions the same.

Local state is the source of truth for consent: it is written first, and
these services carry it to Mailchimp (one member at a time from the outbox,
or 500 at a time for imports and full resyncs). Changes made on Mailchimp's
side (a supporter unsubscribing through a Mailchimp footer, a bounce) come
back through the webhook receiver and the periodic reconciliation.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import BooleanField, F, OuterRef
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from platform_common.mailchimp import MailchimpError, subscriber_hash
from subscriber_service.audience.clients.mailchimp import (
    AudienceClient,
    BatchResult,
    MemberData,
    marketing_permissions,
    member_body,
)
from subscriber_service.audience.models import SyncState
from subscriber_service.outbox.services import GiveUp, RetryLater, outbox_enqueue
from subscriber_service.subscriptions.models import ConsentRecord, Interest, Subscriber
from subscriber_service.subscriptions.services import is_suppressed

logger = logging.getLogger(__name__)
Status = Subscriber.Status
SYNCED_STATUSES = (Status.SUBSCRIBED, Status.UNSUBSCRIBED)


def member_data(subscriber: Subscriber, interests: Iterable[Interest] | None = None) -> MemberData:
    """What Mailchimp should hold about ``subscriber``: every mapped interest, true or false."""
    chosen = {i.pk for i in (interests if interests is not None else subscriber.interests.all())}
    mapped = _mapped_interests()
    return MemberData(
        email=subscriber.email,
        status=subscriber.status,
        name=subscriber.name,
        language=subscriber.language,
        interests={i.mailchimp_interest_id: i.pk in chosen for i in mapped},
        marketing_permission_id=settings.MAILCHIMP_SYNC["MARKETING_PERMISSION_ID"],
    )


def _mapped_interests() -> list[Interest]:
    return list(Interest.objects.exclude(mailchimp_interest_id=""))


def member_push(*, subscriber_id: int, client: AudienceClient | None = None) -> str:
    """Send one subscriber's current state to Mailchimp. Safe to repeat.

    If the subscriber changed while the call was in flight, another push is
    queued, so a slow, older push can never leave Mailchimp behind.
    """
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.status not in SYNCED_STATUSES:
        return "nothing to do"
    seen_version = subscriber.updated_at
    client = client or AudienceClient()
    try:
        answer = client.member_upsert(member_data(subscriber))
    except MailchimpError as error:
        if error.retryable:
            raise RetryLater(f"Mailchimp: {error.title}") from error
        Subscriber.objects.filter(pk=subscriber_id).update(
            mailchimp_error=f"{error.status_code} {error.title}"[:500]
        )
        raise GiveUp(f"Mailchimp refused the member: {error.title}") from error
    with transaction.atomic():
        updated = Subscriber.objects.filter(pk=subscriber_id, updated_at=seen_version).update(
            mailchimp_status=str(answer.get("status") or subscriber.status),
            mailchimp_synced_at=timezone.now(),
            mailchimp_error="",
        )
        if not updated and Subscriber.objects.filter(pk=subscriber_id).exists():
            outbox_enqueue(kind="mailchimp_sync", subscriber_id=subscriber_id)
            return "changed meanwhile: pushed again"
    return "pushed"


def member_erase(*, hashed_id: str, client: AudienceClient | None = None) -> None:
    try:
        (client or AudienceClient()).member_erase(hashed_id=hashed_id)
    except MailchimpError as error:
        if error.retryable:
            raise RetryLater(f"Mailchimp: {error.title}") from error
        raise GiveUp(f"Mailchimp refused the erasure: {error.title}") from error


@dataclass
class ResyncReport:
    members: int = 0
    calls: int = 0
    created: int = 0
    updated: int = 0
    errors: int = 0


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(items, size)):
        yield chunk


def audience_resync(
    *,
    queryset=None,
    client: AudienceClient | None = None,
    batch_size: int | None = None,
    progress=None,
) -> ResyncReport:
    """Push every subscribed and unsubscribed member in batches of up to 500, in parallel.

    As many batches are in flight as the account has connection slots; the
    slots themselves (shared with every other worker) make sure Mailchimp
    never sees more than its limit. A batch that meets an error that can
    clear is tried again with backoff; members Mailchimp refuses are
    recorded on their rows. Rows are read as they are needed (at most twice
    as many batches as there are slots are read ahead), so memory stays flat
    however large the audience.
    """
    client = client or AudienceClient()
    batch_size = min(batch_size or settings.MAILCHIMP_SYNC["BATCH_SIZE"], 500)
    queryset = (
        queryset if queryset is not None else Subscriber.objects.filter(status__in=SYNCED_STATUSES)
    )
    # 100,000 members have only a handful of interest combinations and two statuses: the
    # parts of a body members share are built once and reused (bodies are only serialised).
    mapped = [(i.pk, i.mailchimp_interest_id) for i in _mapped_interests()]
    permission = settings.MAILCHIMP_SYNC["MARKETING_PERMISSION_ID"]
    interests_of: dict[tuple[int, ...], dict[str, bool]] = {}
    permissions_of: dict[str, list | None] = {}

    def bodies(batch: list[tuple]) -> list[dict]:
        built = []
        for _pk, email, status, name, language, chosen in batch:
            key = tuple(chosen)
            interests = interests_of.get(key)
            if interests is None:
                interests = interests_of[key] = {iid: ipk in key for ipk, iid in mapped}
            if status not in permissions_of:
                permissions_of[status] = marketing_permissions(permission, status)
            built.append(
                member_body(email, status, name, language, interests, permissions_of[status])
            )
        return built

    def send(batch: list[tuple]) -> tuple[list[tuple], BatchResult]:
        return batch, _with_retries(lambda: client.batch_upsert_bodies(bodies(batch)))

    chosen_interests = ArraySubquery(
        Subscriber.interests.through.objects.filter(subscriber_id=OuterRef("pk"))
        .order_by("interest_id")
        .values("interest_id")
    )
    rows = (
        queryset.order_by("pk")
        .values_list("pk", "email", "status", "name", "language", chosen_interests)
        .iterator(chunk_size=2000)
    )
    report = ResyncReport()
    workers = settings.MAILCHIMP["MAX_CONNECTIONS"]

    def record(future: Future) -> None:
        batch, result = future.result()
        report.calls += 1
        report.members += len(batch)
        report.created += result.created
        report.updated += result.updated
        report.errors += len(result.errors)
        _record_batch(batch, result.errors)
        if progress:
            progress(len(batch))

    with ThreadPoolExecutor(max_workers=workers) as pool:
        in_flight: set[Future] = set()
        try:
            for batch in _chunks(rows, batch_size):
                if len(in_flight) >= 2 * workers:
                    done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in done:
                        record(future)
                in_flight.add(pool.submit(send, batch))
            for future in as_completed(in_flight):
                record(future)
        except BaseException:
            for future in in_flight:
                future.cancel()
            raise
    return report


def _with_retries(call, *, attempts: int = 6):
    delay = 1.0
    for attempt in range(attempts):
        try:
            return call()
        except MailchimpError as error:
            if not error.retryable or attempt == attempts - 1:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 30)
    raise AssertionError("unreachable")


def _record_batch(batch: list[tuple], errors: dict[str, str]) -> None:
    """Mark a batch's rows synced as they were sent, and note the members Mailchimp refused.

    One statement for the whole batch, with its ids bound as a single array, not 500
    parameters. A row that is no longer subscribed or unsubscribed is left alone.
    """
    ok = [row[0] for row in batch if row[1] not in errors] if errors else [row[0] for row in batch]
    Subscriber.objects.filter(_pk_in_array(ok), status__in=SYNCED_STATUSES).update(
        mailchimp_status=F("status"), mailchimp_synced_at=timezone.now(), mailchimp_error=""
    )
    if errors:
        for row in batch:
            if row[1] in errors:
                Subscriber.objects.filter(pk=row[0]).update(mailchimp_error=errors[row[1]][:500])


def _pk_in_array(ids: list[int]) -> RawSQL:
    """``pk = ANY(%s)`` with ``ids`` as one array parameter (``pk__in`` binds one per id)."""
    column = connection.ops.quote_name(Subscriber._meta.pk.column)
    # Only the model's own column name is formatted in; the ids are a bound parameter.
    return RawSQL(f"{column} = ANY(%s)", (ids,), output_field=BooleanField())  # noqa: S611


# --- Changes made on Mailchimp's side -------------------------------------------------


def subscriber_apply_mailchimp_change(
    *, email: str, status: str | None = None, name: str | None = None
) -> str:
    """Apply a change Mailchimp reports (webhook or reconciliation). Idempotent.

    An erased address that Mailchimp still (or again) holds is erased there
    again; an unknown address that subscribed through Mailchimp is added.
    """
    email = email.strip().lower()
    if is_suppressed(email):
        with transaction.atomic():
            outbox_enqueue(
                kind="mailchimp_erase", payload={"subscriber_hash": subscriber_hash(email)}
            )
        return "suppressed: erased again"
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
        if subscriber is None:
            if status != Status.SUBSCRIBED:
                return "unknown address: ignored"
            subscriber = Subscriber.objects.create(
                email=email, status=status, source="mailchimp", confirmed_at=timezone.now()
            )
            ConsentRecord.objects.create(
                subscriber=subscriber, action=ConsentRecord.Action.MAILCHIMP, source="mailchimp"
            )
            return "created"
        changed = []
        if status and status != subscriber.status:
            subscriber.status = status
            if status == Status.SUBSCRIBED:
                subscriber.confirmed_at = subscriber.confirmed_at or timezone.now()
                subscriber.unsubscribed_at = None
            elif status == Status.UNSUBSCRIBED:
                subscriber.unsubscribed_at = timezone.now()
            changed.append("status")
        if name is not None and name != subscriber.name:
            subscriber.name = name
            changed.append("name")
        if not changed:
            return "unchanged"
        subscriber.mailchimp_status = subscriber.status
        subscriber.save()
        ConsentRecord.objects.create(
            subscriber=subscriber,
            action=ConsentRecord.Action.MAILCHIMP,
            source="mailchimp",
            language=subscriber.language,
        )
    return "updated " + ", ".join(changed)


def subscriber_change_email(*, old_email: str, new_email: str) -> str:
    """Mailchimp's ``upemail``: the supporter changed their address there."""
    old_email, new_email = old_email.strip().lower(), new_email.strip().lower()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=old_email).first()
        if subscriber is None:
            return "unknown address: ignored"
        if Subscriber.objects.filter(email=new_email).exists():
            return "new address already held: ignored"
        subscriber.email = new_email
        subscriber.save()
    return "address changed"


# --- Reconciliation -------------------------------------------------------------------


@dataclass
class ReconcileReport:
    seen: int = 0
    applied_locally: int = 0
    pushed: int = 0
    erased: int = 0
    unknown: int = 0


def audience_reconcile(
    *, full: bool = False, client: AudienceClient | None = None
) -> ReconcileReport:
    """Page through the members Mailchimp changed since the last run and repair drift.

    A status changed on Mailchimp's side after our last push is applied here; a
    difference where our record is newer is pushed again; an erased address
    is erased again. ``full`` compares the whole audience and also pushes
    members Mailchimp is missing.
    """
    client = client or AudienceClient()
    state, _ = SyncState.objects.get_or_create(key="reconcile")
    since = None if full else state.watermark
    started = timezone.now()
    report = ReconcileReport()
    seen_emails: set[str] = set()
    mapped = _mapped_interests()
    for remote in client.members_changed_since(since):
        report.seen += 1
        email = str(remote.get("email_address", "")).lower()
        seen_emails.add(email)
        if result := _reconcile_member(email, remote, mapped):
            setattr(report, result, getattr(report, result) + 1)
    if full:
        missing = Subscriber.objects.filter(status=Status.SUBSCRIBED).exclude(email__in=seen_emails)
        for subscriber_id in missing.values_list("pk", flat=True):
            with transaction.atomic():
                outbox_enqueue(kind="mailchimp_sync", subscriber_id=subscriber_id)
            report.pushed += 1
    # A little overlap, so a change stamped during the run is seen next time.
    state.watermark = started - timedelta(minutes=5)
    state.save(update_fields=["watermark"])
    logger.info("reconciliation: %s", report)
    return report


def _reconcile_member(email: str, remote: dict, mapped: list[Interest]) -> str | None:
    if is_suppressed(email):
        with transaction.atomic():
            outbox_enqueue(
                kind="mailchimp_erase", payload={"subscriber_hash": subscriber_hash(email)}
            )
        return "erased"
    subscriber = Subscriber.objects.filter(email=email).first()
    if subscriber is None:
        return "unknown"
    remote_status = remote.get("status")
    remote_changed = parse_datetime(str(remote.get("last_changed") or "")) or datetime.min.replace(
        tzinfo=UTC
    )
    local_pushed = subscriber.mailchimp_synced_at
    # Mailchimp holds something other than what we last gave it, or changed it since.
    changed_at_mailchimp = (
        remote_status != subscriber.mailchimp_status
        or local_pushed is None
        or remote_changed > local_pushed
    )
    left_at_mailchimp = remote_status in ("unsubscribed", "cleaned")
    if left_at_mailchimp and subscriber.status == Status.SUBSCRIBED and changed_at_mailchimp:
        subscriber_apply_mailchimp_change(email=email, status=remote_status)
        return "applied_locally"
    if subscriber.status in SYNCED_STATUSES and _differs(subscriber, remote, mapped):
        with transaction.atomic():
            outbox_enqueue(kind="mailchimp_sync", subscriber_id=subscriber.pk)
        return "pushed"
    return None


def _differs(subscriber: Subscriber, remote: dict, mapped: list[Interest]) -> bool:
    wanted = member_data(subscriber)
    remote_interests = remote.get("interests") or {}
    return (
        remote.get("status") != wanted.status
        or (remote.get("language") or "") != wanted.language
        or any(remote_interests.get(key) != value for key, value in wanted.interests.items())
    )
