"""Campaigns, their recorded transitions, reports, and the idempotency keys of the API."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


def new_send_key() -> str:
    return uuid.uuid4().hex


class Campaign(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "Single page"
        DIGEST = "digest", "Monitor digest"
        INVITATION = "invitation", "Event invitation"
        APPEAL = "appeal", "Appeal"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    subject = models.CharField(max_length=150)
    preview_text = models.CharField(max_length=150, blank=True)
    from_name = models.CharField(max_length=100)
    reply_to = models.EmailField()
    language = models.CharField(max_length=8)
    intro = models.TextField(blank=True)
    # Audience: subscriber-service interest keys (anyone with one of them), in ``language``.
    interests = models.JSONField(default=list)
    # Source: the CMS pages (for a digest, the articles chosen when it was built)...
    page_ids = models.JSONField(default=list)
    # ...and, for a digest, how they were chosen: themes, countries, programme, since, until.
    digest_filters = models.JSONField(default=dict, blank=True)

    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    # Names this campaign at Mailchimp (in its title), so a campaign created there
    # by a worker that died before recording its id is found again, not made twice.
    send_key = models.CharField(max_length=64, unique=True, default=new_send_key, editable=False)
    mailchimp_campaign_id = models.CharField(max_length=64, blank=True)
    # What Mailchimp said last: save, schedule, sending, sent ("" before asking).
    mailchimp_status = models.CharField(max_length=16, blank=True)

    # Frozen when the campaign is scheduled or sent: the content and what it rendered to.
    snapshot = models.JSONField(null=True, blank=True)
    rendered_html = models.TextField(blank=True)
    rendered_text = models.TextField(blank=True)
    render_warnings = models.JSONField(default=list, blank=True)

    # Work with Mailchimp still to do (a send, a schedule, an unschedule), and who holds it.
    sync_due = models.BooleanField(default=False)
    # Bumped whenever sync_due is set, so a sync finishing late never clears newer work.
    sync_generation = models.PositiveIntegerField(default=0)
    sync_lease_until = models.DateTimeField(null=True, blank=True)
    sync_attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Beat, CMS events and editors all refresh "the next digest": there is one.
            models.UniqueConstraint(
                fields=["language"],
                condition=models.Q(kind="digest", state="draft"),
                name="one_draft_digest_per_language",
            )
        ]
        indexes = [
            models.Index(fields=["state", "kind"]),
            models.Index(
                fields=["sync_lease_until"], condition=models.Q(sync_due=True), name="campaign_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language}): {self.subject}"

    @property
    def is_frozen(self) -> bool:
        return self.snapshot is not None and self.state != self.State.DRAFT


class CampaignTransition(models.Model):
    """One change of a campaign's state: from, to, who, when and why."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    actor = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state or '-'} → {self.to_state} by {self.actor}"


class CampaignReport(models.Model):
    """The latest figures Mailchimp gave for a sent campaign."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="report")
    emails_sent = models.PositiveIntegerField(default=0)
    opens = models.PositiveIntegerField(default=0)
    unique_opens = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)
    unique_clicks = models.PositiveIntegerField(default=0)
    unsubscribes = models.PositiveIntegerField(default=0)
    bounces = models.PositiveIntegerField(default=0)
    fetched_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"report of {self.campaign_id} at {self.fetched_at:%Y-%m-%d %H:%M}"


class IdempotencyKey(models.Model):
    """A POST made with an ``Idempotency-Key`` header, and the answer it got.

    While ``status_code`` is null the first request is still running: a
    concurrent duplicate gets a 409. Once set, a repeat gets the same answer.
    """

    client = models.CharField(max_length=150)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="one_idempotency_key_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.key}"
