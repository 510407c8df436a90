"""Side effects that must survive a crash, written in the same transaction as the change.

A row is created by the service that changes local state; a Celery task
queued on commit carries it out (an email, a Mailchimp call); a periodic
sweeper queues again whatever is due and not done, so a lost task, a dead
worker or a restarted broker delays a message but never loses it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        FAILED = "failed", "Failed for good"

    kind = models.CharField(max_length=40)
    # Subscriber primary key, not a foreign key: the message outlives an erasure.
    subscriber_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    # When the sweeper last queued it: a task still waiting in a long queue is
    # not queued again before SWEEP_REQUEUE_AFTER has passed.
    swept_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"
