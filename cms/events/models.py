"""Publish events: an outbox of what changed on the public site, and its webhook deliveries."""

from __future__ import annotations

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class PublishEventKind(models.TextChoices):
    PUBLISHED = "page.published", "Published"
    UNPUBLISHED = "page.unpublished", "Unpublished"
    MOVED = "page.moved", "Moved"
    DELETED = "page.deleted", "Deleted"


class PublishEvent(models.Model):
    """A live page changed. Written in the same transaction as the change (the outbox).

    The page is copied, not referenced: a deleted page's event must outlive it.
    ``payload`` is the exact JSON body sent to webhook endpoints.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=32, choices=PublishEventKind.choices)
    page_id = models.PositiveIntegerField(db_index=True)
    page_type = models.CharField(max_length=100, help_text="app_label.ModelName")
    locale = models.CharField(max_length=16, blank=True)
    title = models.CharField(max_length=255)
    url_path = models.CharField(max_length=2048, help_text="Wagtail's path in the page tree")
    url = models.URLField(max_length=2048, blank=True, help_text="Full public URL")
    translation_key = models.UUIDField(null=True, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    payload = models.JSONField(encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-occurred_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event to one endpoint: sent until delivered, or until it fails for good."""

    event = models.ForeignKey(PublishEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.CharField(max_length=100, help_text="Name in CMS_WEBHOOK_ENDPOINTS")
    url = models.URLField(max_length=2048)
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["endpoint"]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="one_delivery_per_endpoint")
        ]
        indexes = [
            # The sweeper's query: pending deliveries whose time has come.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_due",
            )
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint}: {self.status}"


class ContentGeneration(models.Model):
    """A single row counting changes to published content, and when the last happened.

    The content API's Last-Modified comes from it; the number the cache keys
    use lives in the cache (see ``cms.events.services.content_generation_bump``).
    """

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"generation {self.number} at {self.changed_at:%Y-%m-%d %H:%M:%S}"
