"""Publish events received from the CMS: stored first, handled by a task."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class CmsEvent(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        IGNORED = "ignored", "Ignored"
        FAILED = "failed", "Failed"

    # The sender's Webhook-Id: a redelivered event keeps it, so it is stored once.
    webhook_id = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=40)
    page_id = models.PositiveIntegerField(null=True, blank=True)
    page_type = models.CharField(max_length=100, blank=True)
    locale = models.CharField(max_length=16, blank=True)
    payload = models.JSONField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    result = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.kind} of page {self.page_id} ({self.status})"
