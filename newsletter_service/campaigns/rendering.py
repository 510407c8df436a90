"""The one place campaigns call the rendering app (``newsletter_service.rendering``)."""

from __future__ import annotations

from typing import Any

from newsletter_service.campaigns.errors import ContentInvalid
from newsletter_service.campaigns.models import Campaign
from newsletter_service.rendering.services import RenderedEmail, RenderingError, render_campaign

__all__ = ["RenderedEmail", "render", "rendered_of"]


def render(*, snapshot: dict[str, Any]) -> RenderedEmail:
    """Render ``snapshot`` to subject, preview text, HTML, plain text and warnings.

    A snapshot that cannot make an email is a 400 (``ContentInvalid``) saying why.
    """
    try:
        return render_campaign(snapshot=snapshot)
    except RenderingError as error:
        raise ContentInvalid(f"The email cannot be rendered: {error}") from error


def rendered_of(campaign: Campaign) -> RenderedEmail:
    """What a frozen campaign rendered to when it was scheduled or sent."""
    snapshot = campaign.snapshot or {}
    return RenderedEmail(
        subject=snapshot.get("subject", campaign.subject),
        preview_text=snapshot.get("preview_text", campaign.preview_text),
        html=campaign.rendered_html,
        text=campaign.rendered_text,
        warnings=list(campaign.render_warnings),
    )
