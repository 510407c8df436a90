"""Importing an existing list, with the provenance of each person's consent.

The CSV has a header row with ``email``, ``consent_source`` and
``consent_date`` (ISO 8601) required, and ``name``, ``language``,
``interests`` (keys separated by ``;``) and ``consent_wording`` optional.
A row is rejected, with its reason, when its address is invalid, its consent
has no provenance, an interest is unknown, the address was erased at the
person's request (the suppression list), or the person unsubscribed: an
import never overrides someone's own choice to leave.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from subscriber_service.subscriptions.models import (
    ConsentRecord,
    Interest,
    Subscriber,
    SuppressedAddress,
)
from subscriber_service.subscriptions.services import address_hash, normalise_email

Status = Subscriber.Status
REQUIRED_COLUMNS = {"email", "consent_source", "consent_date"}


@dataclass
class ImportRow:
    line: int
    email: str
    name: str
    language: str
    interests: list[Interest]
    consent_source: str
    consent_date: datetime
    consent_wording: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    upgraded: int = 0
    already_subscribed: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)
    imported_ids: list[int] = field(default_factory=list)


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (e.g. missing columns)."""


def _consent_date(value: str) -> datetime | None:
    value = value.strip()
    moment = parse_datetime(value)
    if moment is None and (day := parse_date(value)):
        moment = datetime(day.year, day.month, day.day)
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def _parse(
    lines: Iterable[dict[str, str]], report: ImportReport, interests: dict[str, Interest]
) -> list[ImportRow]:
    languages = {code for code, _ in settings.LANGUAGES}
    suppressed = set(SuppressedAddress.objects.values_list("address_hash", flat=True))
    seen: set[str] = set()
    rows = []
    for line_number, raw in enumerate(lines, start=2):
        report.rows += 1
        email = normalise_email(raw.get("email") or "")

        def reject(reason: str, *, line_number=line_number, email=email) -> None:
            report.rejected.append((line_number, email, reason))

        try:
            validate_email(email)
        except ValidationError:
            reject("invalid email address")
            continue
        if email in seen:
            reject("address repeated in the file")
            continue
        seen.add(email)
        source = (raw.get("consent_source") or "").strip()
        moment = _consent_date(raw.get("consent_date") or "")
        if not source or moment is None:
            reject("no consent provenance (consent_source and consent_date)")
            continue
        keys = [key.strip() for key in (raw.get("interests") or "").split(";") if key.strip()]
        unknown = [key for key in keys if key not in interests]
        if unknown:
            reject(f"unknown interest: {', '.join(unknown)}")
            continue
        if address_hash(email) in suppressed:
            reject("erased at the person's request: never re-added")
            continue
        language = (raw.get("language") or "en").strip().lower()
        rows.append(
            ImportRow(
                line=line_number,
                email=email,
                name=(raw.get("name") or "").strip()[:200],
                language=language if language in languages else "en",
                interests=[interests[key] for key in keys],
                consent_source=source[:100],
                consent_date=moment,
                consent_wording=(raw.get("consent_wording") or "").strip(),
            )
        )
    return rows


def subscribers_import(
    csv_lines: Iterable[str],
    *,
    dry_run: bool = False,
    chunk_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row; unless ``dry_run``, store the good ones as confirmed subscribers.

    Rows are written in transactions of ``chunk_size``. Pushing them to
    Mailchimp is the caller's next step (``audience_resync`` with the returned
    ids), done after these transactions commit.
    """
    reader = csv.DictReader(csv_lines)
    missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
    if missing:
        raise ImportFileError(f"The file has no column {', '.join(sorted(missing))}.")
    report = ImportReport()
    interests = {interest.key: interest for interest in Interest.objects.all()}
    rows = _parse(reader, report, interests)
    for start in range(0, len(rows), chunk_size):
        chunk = rows[start : start + chunk_size]
        _import_chunk(chunk, report, dry_run=dry_run)
        if progress:
            progress(len(chunk))
    return report


def _import_chunk(chunk: list[ImportRow], report: ImportReport, *, dry_run: bool) -> None:
    with transaction.atomic():
        existing = {
            subscriber.email: subscriber
            for subscriber in Subscriber.objects.select_for_update().filter(
                email__in=[row.email for row in chunk]
            )
        }
        for row in chunk:
            subscriber = existing.get(row.email)
            if subscriber is not None and subscriber.status == Status.SUBSCRIBED:
                report.already_subscribed += 1
                continue
            if subscriber is not None and subscriber.status != Status.PENDING:
                report.rejected.append(
                    (row.line, row.email, f"{subscriber.status}: an import does not re-add")
                )
                continue
            if dry_run:
                report.created += subscriber is None
                report.upgraded += subscriber is not None
                continue
            if subscriber is None:
                subscriber = Subscriber.objects.create(
                    email=row.email,
                    name=row.name,
                    language=row.language,
                    status=Status.SUBSCRIBED,
                    source=row.consent_source,
                    confirmed_at=row.consent_date,
                )
                report.created += 1
            else:
                subscriber.status = Status.SUBSCRIBED
                subscriber.confirmed_at = row.consent_date
                subscriber.name = row.name or subscriber.name
                subscriber.save()
                report.upgraded += 1
            subscriber.interests.set(row.interests)
            ConsentRecord.objects.create(
                subscriber=subscriber,
                action=ConsentRecord.Action.IMPORT,
                wording=row.consent_wording,
                language=row.language,
                source=row.consent_source,
                interests=sorted(interest.key for interest in row.interests),
                created_at=row.consent_date,
            )
            report.imported_ids.append(subscriber.pk)
