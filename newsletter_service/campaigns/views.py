"""The browser preview for staff: the email's HTML as a recipient would see it."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from newsletter_service.campaigns import selectors, services
from newsletter_service.campaigns.errors import ContentInvalid, DependencyUnavailable

# Mailchimp fills these per recipient; the preview shows what a recipient would see.
MERGE_TAG_SAMPLES = {
    "*|UNSUB|*": "#unsubscribe",
    "*|UPDATE_PROFILE|*": "#preferences",
    "*|ARCHIVE|*": "#archive",
    "*|FNAME|*": "Alex",
    "*|LIST:ADDRESSLINE|*": "The organisation's postal address",
    "*|LIST:ADDRESS|*": "The organisation's postal address",
}


@staff_member_required
@require_GET
def campaign_browser_preview(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get(campaign_id=campaign_id)
    try:
        rendered = services.campaign_preview(campaign=campaign)
    except (ContentInvalid, DependencyUnavailable) as error:
        return HttpResponse(
            f"This campaign cannot be shown: {error.detail}",
            status=error.status_code,
            content_type="text/plain; charset=utf-8",
        )
    html = rendered.html
    if request.GET.get("merge_tags") != "raw":
        for tag, sample in MERGE_TAG_SAMPLES.items():
            html = html.replace(tag, sample)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    # The email's own HTML only: no script runs, nothing is submitted from it.
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; font-src *; "
        "frame-ancestors 'self'"
    )
    return response
