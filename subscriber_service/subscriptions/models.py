"""Subscribers, what they chose, and the record of their consent.

An address is stored lower-cased, once. Everything a person gave us is
deleted on erasure; only a keyed hash stays in :class:`SuppressedAddress`, so
that no sync or import can add the address again.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class Interest(models.Model):
    """Something supporters can sign up for, mapped to a Mailchimp interest (group)."""

    key = models.SlugField(max_length=40, unique=True)
    labels = models.JSONField(
        default=dict, help_text='Label per language code, e.g. {"en": "Events", "fr": "…"}.'
    )
    welcome_messages = models.JSONField(
        default=dict,
        blank=True,
        help_text="Paragraph added to the welcome email per language code.",
    )
    mailchimp_category_id = models.CharField(max_length=40, blank=True)
    mailchimp_interest_id = models.CharField(max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.key

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels.get("en") or self.key


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        SUBSCRIBED = "subscribed", "Subscribed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        CLEANED = "cleaned", "Cleaned (address bounced)"

    # Links in emails carry this, never the primary key.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(max_length=254, unique=True)
    name = models.CharField(max_length=200, blank=True)
    # One of settings.LANGUAGES (checked by the API: the list comes from the environment).
    language = models.CharField(max_length=8, default="en")
    interests = models.ManyToManyField(Interest, blank=True, related_name="subscribers")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(max_length=100, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # When the last confirmation or "already subscribed" email was queued.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    # What Mailchimp last accepted, and why it last refused for good.
    mailchimp_status = models.CharField(max_length=16, blank=True)
    mailchimp_synced_at = models.DateTimeField(null=True, blank=True)
    mailchimp_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["updated_at"]),
        ]

    def __str__(self) -> str:
        # Never the address: this string ends up in logs and admin messages.
        return f"subscriber {self.pk}"


class ConsentRecord(models.Model):
    """What a person agreed to, in which words, when, and how."""

    class Action(models.TextChoices):
        SIGNUP = "signup", "Signed up"
        CONFIRM = "confirm", "Confirmed"
        PREFERENCES = "preferences", "Changed preferences"
        UNSUBSCRIBE = "unsubscribe", "Unsubscribed"
        RESUBSCRIBE = "resubscribe", "Resubscribed"
        IMPORT = "import", "Imported"
        MAILCHIMP = "mailchimp", "Changed in Mailchimp"

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="consent_records"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    wording = models.TextField(blank=True)
    wording_version = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=8, blank=True)
    source = models.CharField(max_length=100, blank=True)
    interests = models.JSONField(default=list, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # When consent was given: now, or for an import the date its provenance states.
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} of subscriber {self.subscriber_id}"


class SuppressedAddress(models.Model):
    """An address that must never be added again, kept only as a keyed hash."""

    class Reason(models.TextChoices):
        ERASED = "erased", "Erased on request"

    address_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "suppressed addresses"

    def __str__(self) -> str:
        return f"suppressed {self.address_hash[:8]}…"


class PrivacyRequest(models.Model):
    """An export or erasure asked for by email; its link works once."""

    class Kind(models.TextChoices):
        EXPORT = "export", "Export"
        ERASURE = "erasure", "Erasure"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address_hash = models.CharField(max_length=64, db_index=True)
    language = models.CharField(max_length=8, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} request {self.pk}"
