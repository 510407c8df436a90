"""Everything that changes a subscription.

Each service runs in one database transaction and makes no network call:
emails and Mailchimp calls are outbox messages written in the same
transaction and carried out by tasks after commit. Services never log an
address or anything derived from it.
"""

from __future__ import annotations

import functools
import ipaddress
import uuid
from collections.abc import Container
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from platform_common.api import ApplicationError
from platform_common.mailchimp import subscriber_hash
from subscriber_service.outbox.models import OutboxMessage
from subscriber_service.outbox.services import outbox_enqueue, outbox_queue_on_commit
from subscriber_service.subscriptions import tokens
from subscriber_service.subscriptions.consent import CONSENT_VERSION, consent_wording
from subscriber_service.subscriptions.models import (
    ConsentRecord,
    Interest,
    PrivacyRequest,
    Subscriber,
    SuppressedAddress,
)

Status = Subscriber.Status


class LinkNotValid(ApplicationError):
    title = "Link not valid"


class LinkExpired(ApplicationError):
    status_code = 410
    title = "Link expired"


def normalise_email(email: str) -> str:
    """Addresses are compared case-insensitively, as Mailchimp does."""
    return email.strip().lower()


def address_hash(email: str) -> str:
    """A keyed hash of the address: lets us recognise it without keeping it."""
    key = settings.SUBSCRIPTIONS["SUPPRESSION_HASH_KEY"] or settings.SECRET_KEY
    return salted_hmac(
        "subscriber_service.address", normalise_email(email), secret=key, algorithm="sha256"
    ).hexdigest()


def truncate_ip(ip_address: str | None) -> str | None:
    """The network, not the person: /24 for IPv4, /48 for IPv6. None unless settings ask."""
    if not ip_address or not settings.SUBSCRIPTIONS["RECORD_IP_ADDRESS"]:
        return None
    try:
        address = ipaddress.ip_address(ip_address)
    except ValueError:
        return None
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def interests_from_keys(keys: list[str]) -> list[Interest]:
    """The active interests named by ``keys``; an unknown key is a 400 naming it."""
    wanted = list(dict.fromkeys(keys))
    found = {interest.key: interest for interest in Interest.objects.filter(active=True)}
    _check_known_interests(wanted, found)
    return [found[key] for key in wanted]


def _check_known_interests(wanted: list[str], found: Container[str]) -> None:
    unknown = [key for key in wanted if key not in found]
    if unknown:
        raise ApplicationError(
            f"Unknown interest: {', '.join(unknown)}.", extra={"errors": {"interests": unknown}}
        )


def _consent(
    subscriber: Subscriber,
    action: str,
    *,
    source: str = "",
    ip_address: str | None = None,
    language: str | None = None,
    interest_keys: list[str] | None = None,
) -> None:
    language = language or subscriber.language
    if interest_keys is None:
        interest_keys = list(subscriber.interests.values_list("key", flat=True))
    ConsentRecord.objects.create(
        subscriber=subscriber,
        action=action,
        wording=consent_wording(language)
        if action in (ConsentRecord.Action.SIGNUP, ConsentRecord.Action.RESUBSCRIBE)
        else "",
        wording_version=CONSENT_VERSION,
        language=language,
        source=source or subscriber.source,
        interests=sorted(interest_keys),
        ip_address=truncate_ip(ip_address),
    )


def _may_email_again(subscriber: Subscriber, now) -> bool:
    hours = settings.SUBSCRIPTIONS["CONFIRMATION_EMAIL_INTERVAL_HOURS"]
    last = subscriber.confirmation_sent_at
    return last is None or now - last >= timedelta(hours=hours)


def subscription_request(
    *,
    email: str,
    name: str = "",
    language: str,
    interest_keys: list[str],
    source: str = "",
    ip_address: str | None = None,
    consent_language: str | None = None,
) -> None:
    """Record a signup; the caller's answer is the same whatever the address's state.

    New, pending, unsubscribed, cleaned or erased addresses become pending with
    the submitted choices and get a confirmation email; a subscribed address
    keeps its choices (a stranger must not change them) and gets an email with
    a link to its preferences. Either email goes out at most once per address
    per ``CONFIRMATION_EMAIL_INTERVAL_HOURS``, whatever is submitted.
    ``consent_language`` is the language of the consent words the person read
    (a hosted page's), when it differs from the language of their emails.
    """
    email = normalise_email(email)
    now = timezone.now()
    stored = _new_signup_in_one_statement(
        email=email,
        name=name,
        language=language,
        interest_keys=interest_keys,
        source=source,
        ip_address=ip_address,
        consent_language=consent_language,
        now=now,
    )
    if stored:
        return
    _signup_in_transaction(
        email=email,
        name=name,
        language=language,
        interests=interests_from_keys(interest_keys),
        source=source,
        ip_address=ip_address,
        consent_language=consent_language,
        now=now,
    )


def _signup_in_transaction(
    *,
    email: str,
    name: str,
    language: str,
    interests: list[Interest],
    source: str,
    ip_address: str | None,
    consent_language: str | None,
    now,
) -> None:
    """Any signup, in one transaction of about eight statements; needed for known addresses."""
    with transaction.atomic():
        subscriber, created = _lock_or_create(email, language=language)
        send = _may_email_again(subscriber, now)
        if send:
            subscriber.confirmation_sent_at = now
        if subscriber.status == Status.SUBSCRIBED:
            kind = "already_subscribed_email"
            if send:
                subscriber.save(update_fields=["confirmation_sent_at", "updated_at"])
        else:
            kind = "confirmation_email"
            subscriber.status = Status.PENDING
            subscriber.name = name or subscriber.name
            subscriber.language = language
            subscriber.source = source
            subscriber.save()
            if created:
                Subscriber.interests.through.objects.bulk_create(
                    Subscriber.interests.through(subscriber_id=subscriber.pk, interest_id=i.pk)
                    for i in interests
                )
            else:
                subscriber.interests.set(interests)
            _consent(
                subscriber,
                ConsentRecord.Action.SIGNUP,
                source=source,
                ip_address=ip_address,
                language=consent_language,
                interest_keys=[interest.key for interest in interests],
            )
        if send:
            outbox_enqueue(kind=kind, subscriber_id=subscriber.pk)


def _new_signup_in_one_statement(
    *,
    email: str,
    name: str,
    language: str,
    interest_keys: list[str],
    source: str,
    ip_address: str | None,
    consent_language: str | None,
    now,
) -> bool:
    """Store the signup of an address never seen, in one SQL statement; False if it is known.

    The hot path of a campaign day. On PostgreSQL, one ``INSERT ... ON CONFLICT
    (email) DO NOTHING`` with data-modifying ``WITH`` parts writes what
    :func:`_signup_in_transaction` writes for a new address: the pending
    subscriber with the confirmation time, its interests, the consent record
    and the confirmation email's outbox message. One statement is one
    transaction: all of it is stored or none. It reads the chosen interests
    itself and inserts nothing unless every key names an active one; an
    unknown key is a 400, as on the other path. A known address (the insert
    conflicts) stores nothing here and goes through the locked path, whatever
    its state, with the 24-hour rule. Columns and values come from model
    instances, so each row is what the ORM would insert.
    """
    connection = connections[router.db_for_write(Subscriber)]
    if connection.vendor != "postgresql":
        return False
    wanted = list(dict.fromkeys(interest_keys))
    language_shown = consent_language or language
    subscriber = Subscriber(
        email=email,
        name=name,
        language=language,
        status=Status.PENDING,
        source=source,
        confirmation_sent_at=now,
    )
    consent = ConsentRecord(
        action=ConsentRecord.Action.SIGNUP,
        wording=consent_wording(language_shown),
        wording_version=CONSENT_VERSION,
        language=language_shown,
        source=source,
        interests=sorted(wanted),
        ip_address=truncate_ip(ip_address),
        created_at=now,
    )
    message = OutboxMessage(kind="confirmation_email")
    params = [
        wanted,
        *_NEW_SUBSCRIBER.params(subscriber, connection),
        len(wanted),
        *_NEW_CHOICES.params(Subscriber.interests.through(), connection),
        *_NEW_CONSENT.params(consent, connection),
        *_NEW_MESSAGE.params(message, connection),
    ]
    sql = _new_signup_sql(connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found, message_id = cursor.fetchone()
    _check_known_interests(wanted, set(found))
    if message_id is None:
        return False
    outbox_queue_on_commit(message_id, using=connection.alias)
    return True


class _Insert:
    """``INSERT INTO <table> (<every column but the id>) SELECT ...`` of a model's rows.

    The values are what the ORM would save for an instance (defaults,
    ``auto_now`` fields, JSON and UUID adaptation); the columns named in
    ``computed`` take an SQL expression instead.
    """

    def __init__(self, model: type[models.Model], *, computed: dict[str, str] | None = None):
        self.model = model
        self.computed = computed or {}
        self.fields = [field for field in model._meta.concrete_fields if not field.primary_key]

    def sql(self, connection, *, source: str = "", where: str = "") -> str:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in self.fields)
        values = ", ".join(self.computed.get(field.attname, "%s") for field in self.fields)
        statement = f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) SELECT {values}"
        if source:
            statement += f" FROM {source}"
        if where:
            statement += f" WHERE {where}"
        return statement

    def params(self, instance: models.Model, connection) -> list:
        return [
            field.get_db_prep_save(field.pre_save(instance, add=True), connection)
            for field in self.fields
            if field.attname not in self.computed
        ]


_FROM_NEW = {"subscriber_id": "new_subscriber.id"}
_NEW_SUBSCRIBER = _Insert(Subscriber)
_NEW_CHOICES = _Insert(
    Subscriber.interests.through, computed={**_FROM_NEW, "interest_id": "chosen.id"}
)
_NEW_CONSENT = _Insert(ConsentRecord, computed=_FROM_NEW)
_NEW_MESSAGE = _Insert(OutboxMessage, computed=_FROM_NEW)


@functools.cache
def _new_signup_sql(alias: str) -> str:
    """The statement of :func:`_new_signup_in_one_statement`, made once per database."""
    connection = connections[alias]
    interests = connection.ops.quote_name(Interest._meta.db_table)
    return f"""
        WITH chosen AS (
            SELECT id, key FROM {interests} WHERE active AND key = ANY(%s)
        ), new_subscriber AS (
            {_NEW_SUBSCRIBER.sql(connection, where="(SELECT count(*) FROM chosen) = %s")}
            ON CONFLICT (email) DO NOTHING RETURNING id
        ), choices AS (
            {_NEW_CHOICES.sql(connection, source="new_subscriber, chosen")}
        ), consent AS (
            {_NEW_CONSENT.sql(connection, source="new_subscriber")}
        ), message AS (
            {_NEW_MESSAGE.sql(connection, source="new_subscriber")} RETURNING id
        )
        SELECT ARRAY(SELECT key FROM chosen), (SELECT id FROM message)
    """  # noqa: S608 (names from the models' metadata, quoted; values are parameters)


def _lock_or_create(email: str, *, language: str) -> tuple[Subscriber, bool]:
    """The subscriber row for ``email``, locked for this transaction, created if new.

    ``INSERT … ON CONFLICT DO NOTHING`` then ``SELECT … FOR UPDATE``: two
    statements, and two concurrent signups of one address meet on the row lock.
    """
    candidate = Subscriber(email=email, language=language)
    Subscriber.objects.bulk_create([candidate], ignore_conflicts=True)
    subscriber = Subscriber.objects.select_for_update().get(email=email)
    return subscriber, subscriber.public_id == candidate.public_id


def subscriber_by_token(token: str, *, purpose: tokens.Purpose = "manage") -> Subscriber:
    try:
        public_id = tokens.read_token(purpose, token)
    except tokens.ExpiredToken as error:
        raise LinkExpired(str(error)) from error
    except tokens.InvalidToken as error:
        raise LinkNotValid(str(error)) from error
    subscriber = Subscriber.objects.filter(public_id=public_id).first()
    if subscriber is None:
        raise LinkExpired("This link no longer works.")
    return subscriber


def subscription_confirm(*, token: str) -> Subscriber:
    """Confirm a pending signup. Confirming twice, or after unsubscribing, changes nothing."""
    subscriber = subscriber_by_token(token, purpose="confirm")
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status != Status.PENDING:
            return subscriber
        subscriber.status = Status.SUBSCRIBED
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save()
        # Confirming is the address owner's own act: it lifts an earlier erasure's block.
        SuppressedAddress.objects.filter(address_hash=address_hash(subscriber.email)).delete()
        _consent(subscriber, ConsentRecord.Action.CONFIRM)
        outbox_enqueue(kind="mailchimp_sync", subscriber_id=subscriber.pk)
        outbox_enqueue(kind="welcome_email", subscriber_id=subscriber.pk)
    return subscriber


def preferences_update(
    *,
    subscriber: Subscriber,
    name: str | None = None,
    language: str | None = None,
    interest_keys: list[str] | None = None,
) -> Subscriber:
    interests = interests_from_keys(interest_keys) if interest_keys is not None else None
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if name is not None:
            subscriber.name = name
        if language is not None:
            subscriber.language = language
        subscriber.save()
        if interests is not None:
            subscriber.interests.set(interests)
        _consent(subscriber, ConsentRecord.Action.PREFERENCES)
        if subscriber.status in (Status.SUBSCRIBED, Status.UNSUBSCRIBED):
            outbox_enqueue(kind="mailchimp_sync", subscriber_id=subscriber.pk)
    return subscriber


def subscription_unsubscribe(*, subscriber: Subscriber, source: str = "") -> Subscriber:
    """Stop all emails. Doing it twice changes nothing."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == Status.UNSUBSCRIBED:
            return subscriber
        was_known_to_mailchimp = subscriber.status != Status.PENDING
        subscriber.status = Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save()
        _consent(subscriber, ConsentRecord.Action.UNSUBSCRIBE, source=source)
        if was_known_to_mailchimp:
            outbox_enqueue(kind="mailchimp_sync", subscriber_id=subscriber.pk)
    return subscriber


def subscription_resubscribe(*, subscriber: Subscriber, source: str = "") -> Subscriber:
    """Undo an unsubscribe made with this person's own link."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status != Status.UNSUBSCRIBED or subscriber.confirmed_at is None:
            return subscriber
        subscriber.status = Status.SUBSCRIBED
        subscriber.unsubscribed_at = None
        subscriber.save()
        _consent(subscriber, ConsentRecord.Action.RESUBSCRIBE, source=source)
        outbox_enqueue(kind="mailchimp_sync", subscriber_id=subscriber.pk)
    return subscriber


def privacy_request_create(*, email: str, kind: str, language: str) -> None:
    """Email a one-time link to export or erase what we hold; the answer never differs.

    Nothing is emailed for an address we do not hold, and at most one link per
    address per hour.
    """
    email = normalise_email(email)
    digest = address_hash(email)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
        if subscriber is None:
            return
        recent = PrivacyRequest.objects.filter(
            address_hash=digest, created_at__gte=timezone.now() - timedelta(hours=1)
        )
        if recent.exists():
            return
        request = PrivacyRequest.objects.create(
            kind=kind, subscriber=subscriber, address_hash=digest, language=language
        )
        outbox_enqueue(
            kind="privacy_email", subscriber_id=subscriber.pk, payload={"request": str(request.pk)}
        )


def privacy_request_by_token(token: str) -> PrivacyRequest:
    """The open request a privacy link names; a used or expired link is a 410."""
    try:
        request_id = tokens.read_token("privacy", token)
    except tokens.ExpiredToken as error:
        raise LinkExpired(str(error)) from error
    except tokens.InvalidToken as error:
        raise LinkNotValid(str(error)) from error
    request = (
        PrivacyRequest.objects.select_related("subscriber").filter(pk=request_id).first()
        if _is_uuid(request_id)
        else None
    )
    if request is None or request.completed_at is not None or request.subscriber is None:
        raise LinkExpired("This link has already been used.")
    return request


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def privacy_export(*, token: str) -> dict[str, Any]:
    """Everything held about the address, once per link."""
    with transaction.atomic():
        request = privacy_request_by_token(token)
        request = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
        if request.completed_at is not None:
            raise LinkExpired("This link has already been used.")
        data = subscriber_export_data(request.subscriber)
        request.completed_at = timezone.now()
        request.save(update_fields=["completed_at"])
    return data


def privacy_erase(*, token: str) -> None:
    """Erase the address here now, and in Mailchimp for good through the outbox."""
    with transaction.atomic():
        request = privacy_request_by_token(token)
        request = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
        if request.completed_at is not None:
            raise LinkExpired("This link has already been used.")
        request.completed_at = timezone.now()
        request.save(update_fields=["completed_at"])
        subscriber_erase(subscriber=request.subscriber)


def subscriber_erase(*, subscriber: Subscriber) -> None:
    """Delete everything about a subscriber, keep a suppression hash, erase them in Mailchimp."""
    with transaction.atomic():
        SuppressedAddress.objects.get_or_create(
            address_hash=address_hash(subscriber.email),
            defaults={"reason": SuppressedAddress.Reason.ERASED},
        )
        # The Mailchimp member id is needed once more, to erase the member there; the
        # outbox drops it from the row as soon as Mailchimp has done so.
        outbox_enqueue(
            kind="mailchimp_erase", payload={"subscriber_hash": subscriber_hash(subscriber.email)}
        )
        OutboxMessage.objects.filter(subscriber_id=subscriber.pk, status="pending").exclude(
            kind="mailchimp_erase"
        ).update(status="done", last_error="subscriber erased")
        subscriber.delete()


def is_suppressed(email: str) -> bool:
    return SuppressedAddress.objects.filter(address_hash=address_hash(email)).exists()


def subscriber_export_data(subscriber: Subscriber) -> dict[str, Any]:
    """Everything held about one subscriber, as JSON-ready data."""
    return {
        "email": subscriber.email,
        "name": subscriber.name,
        "language": subscriber.language,
        "status": subscriber.status,
        "source": subscriber.source,
        "interests": sorted(subscriber.interests.values_list("key", flat=True)),
        "created_at": subscriber.created_at.isoformat(),
        "confirmed_at": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
        "unsubscribed_at": subscriber.unsubscribed_at.isoformat()
        if subscriber.unsubscribed_at
        else None,
        "consent_records": [
            {
                "action": record.action,
                "wording": record.wording,
                "wording_version": record.wording_version,
                "language": record.language,
                "source": record.source,
                "interests": record.interests,
                "ip_address": record.ip_address,
                "created_at": record.created_at.isoformat(),
            }
            for record in subscriber.consent_records.all()
        ],
        "mailchimp": {
            "status": subscriber.mailchimp_status,
            "synced_at": subscriber.mailchimp_synced_at.isoformat()
            if subscriber.mailchimp_synced_at
            else None,
        },
    }


def pending_purge() -> int:
    """Delete signups never confirmed within ``PENDING_TTL_HOURS``; return how many."""
    cutoff = timezone.now() - timedelta(hours=settings.SUBSCRIPTIONS["PENDING_TTL_HOURS"])
    # Only addresses Mailchimp never had: a pending row that was once confirmed
    # (unsubscribed, then signed up again) keeps its history.
    expired = Subscriber.objects.filter(
        status=Status.PENDING, confirmed_at__isnull=True, updated_at__lt=cutoff
    )
    _, deleted = expired.delete()
    return deleted.get(Subscriber._meta.label, 0)
