"""The campaign state machine: which transitions are allowed, and the record of each."""

from __future__ import annotations

from newsletter_service.campaigns.errors import IllegalTransition
from newsletter_service.campaigns.models import Campaign, CampaignTransition

State = Campaign.State

ALLOWED: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.SCHEDULED, State.SENDING, State.CANCELLED}),
    State.SCHEDULED: frozenset({State.DRAFT, State.SENT, State.CANCELLED, State.FAILED}),
    State.SENDING: frozenset({State.SENT, State.FAILED}),
    State.SENT: frozenset(),
    State.CANCELLED: frozenset(),
    State.FAILED: frozenset(),
}

# What an editor tried, for the message of a refused transition.
VERBS = {
    State.DRAFT: "unschedule",
    State.SCHEDULED: "schedule",
    State.SENDING: "send",
    State.CANCELLED: "cancel",
    State.SENT: "mark as sent",
    State.FAILED: "mark as failed",
}

SYSTEM = "system"


def transition_check(campaign: Campaign, to: str) -> None:
    """Raise :class:`IllegalTransition` (409) naming the state if ``to`` is not allowed."""
    if to not in ALLOWED[campaign.state]:
        allowed = ", ".join(sorted(VERBS[state] for state in ALLOWED[campaign.state])) or "nothing"
        raise IllegalTransition(
            f"Campaign {campaign.pk} is {campaign.state}: it cannot {VERBS[to]}"
            f" (allowed now: {allowed}).",
            extra={"state": campaign.state},
        )


def transition_record(
    campaign: Campaign, *, to: str, actor: str, reason: str = "", observed: bool = False
) -> CampaignTransition:
    """Move ``campaign`` (locked by the caller) to ``to`` and record who, when and why.

    ``observed`` records what the email provider reports happened (Mailchimp had
    already sent a campaign being unscheduled): true whatever the state machine says.
    The caller saves the campaign in the same transaction.
    """
    if not observed:
        transition_check(campaign, to)
    record = CampaignTransition.objects.create(
        campaign=campaign,
        from_state=campaign.state,
        to_state=to,
        actor=actor[:150],
        reason=reason,
    )
    campaign.state = to
    return record
