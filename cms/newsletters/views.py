"""The "Send as newsletter" screens of the Wagtail admin.

- ``/admin/newsletters/pages/<page>/``: the page's newsletters (state, when)
  and the form that makes a new one (subject, preview text, audience, language).
- ``.../campaigns/<id>/``: one campaign: the email's preview, a test send,
  schedule or send now, then its state, report and history.
- ``.../campaigns/<id>/unschedule/`` and ``.../cancel/``: a confirmation screen
  (GET), then the change (POST); a change the campaign's state no longer allows
  is a message saying why, on the campaign's screen.
- ``.../campaigns/<id>/preview/``: the email's HTML, fetched by the CMS from the
  newsletter service and served sandboxed for the preview's iframe.

Everything goes through ``NewsletterServiceClient`` with the CMS's credential;
its errors become Wagtail messages, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.pages.utils import get_breadcrumbs_items_for_page
from wagtail.models import Page

from cms.newsletters.clients import (
    Campaign,
    NewsletterServiceClient,
    NewsletterServiceError,
    NewsletterServiceRefused,
    NewsletterServiceUnavailable,
)
from cms.newsletters.forms import (
    CampaignChangeForm,
    CampaignCreateForm,
    ScheduleForm,
    SendNowForm,
    SendTestForm,
)
from cms.newsletters.selectors import (
    newsletter_source,
    page_and_translation_ids,
    page_can_be_sent,
    user_can_send,
)

KIND_LABELS = {
    "single": "Single page",
    "digest": "Monitor digest",
    "invitation": "Event invitation",
    "appeal": "Appeal",
}
# Wagtail's status tag colours: w-status--primary is the "live" green.
STATE_CLASSES = {"sent": "w-status--primary", "failed": "w-status--label"}
# The preview is someone else's HTML: no script, no form, no plugin, only its
# own inline styles and images; sandboxed again by the iframe's attribute.
PREVIEW_CSP = (
    "sandbox; default-src 'none'; img-src http: https: data:; style-src 'unsafe-inline'; "
    "font-src http: https: data:; base-uri 'none'; form-action 'none'"
)


@method_decorator(never_cache, name="dispatch")
class PageNewsletterMixin:
    """A live page of a type that can be sent, and an editor allowed to send it."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.page = get_object_or_404(Page, pk=kwargs["page_id"]).specific

    def dispatch(self, request, *args, **kwargs):
        if not user_can_send(request.user, self.page):
            return permission_denied(request)
        if not page_can_be_sent(self.page):
            messages.error(
                request,
                "Only live Monitor articles and annual reports can be sent as newsletters: "
                "publish the page first.",
            )
            return redirect("wagtailadmin_pages:edit", self.page.pk)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def client(self) -> NewsletterServiceClient:
        return NewsletterServiceClient(acting_user=self.request.user.get_username())

    def page_url(self) -> str:
        return reverse("newsletters:page", args=[self.page.pk])

    def page_breadcrumbs(self) -> list[dict]:
        return [
            *get_breadcrumbs_items_for_page(self.page, self.request.user),
            {"url": self.page_url(), "label": "Newsletters"},
        ]

    def service_error(self, error: NewsletterServiceError) -> None:
        """Tell the editor, once per request, what the newsletter service said."""
        reported = self.__dict__.setdefault("_reported", set())
        if error.message not in reported:
            reported.add(error.message)
            messages.error(self.request, error.message)


class PageNewslettersView(PageNewsletterMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "newsletters/page_newsletters.html"
    header_icon = "mail"

    def get_page_title(self):
        return f"Send as newsletter: {self.page.get_admin_display_title()}"

    def get_breadcrumbs_items(self):
        return self.page_breadcrumbs()

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.new_form()))

    def post(self, request, *args, **kwargs):
        form = self.new_form(data=request.POST)
        if form is not None and form.is_valid():
            data = form.cleaned_data
            try:
                campaign = self.client.campaign_create(
                    kind=self.source.kind,
                    page_id=self.page.pk,
                    subject=data["subject"],
                    preview_text=data["preview_text"],
                    language=data["language"],
                    interests=data["interests"],
                    idempotency_key=data["idempotency_key"],
                )
            except NewsletterServiceError as error:
                self.service_error(error)
            else:
                messages.success(
                    request,
                    f"Draft newsletter “{campaign.subject}” created: check the preview, "
                    "send yourself a test, then send or schedule it.",
                )
                return redirect("newsletters:campaign", self.page.pk, campaign.id)
        return self.render_to_response(self.get_context_data(form=form), status=200)

    @cached_property
    def source(self):
        return newsletter_source(self.page)

    def new_form(self, data=None) -> CampaignCreateForm | None:
        """The form, with the audiences the newsletter service offers; ``None`` if it is down."""
        try:
            audience = self.client.audience_options()
        except NewsletterServiceError as error:
            self.service_error(error)
            return None
        initial = {
            "subject": self.source.subject,
            "preview_text": self.source.preview_text,
            "interests": [key for key in self.source.interests],
            "language": self.source.language,
        }
        return CampaignCreateForm(data=data, initial=initial, audience=audience)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            campaigns = self.client.campaigns_for_pages(page_and_translation_ids(self.page))
        except NewsletterServiceError as error:
            self.service_error(error)
            campaigns = None
        context.update(
            page=self.page,
            kind_label=KIND_LABELS.get(self.source.kind, self.source.kind),
            campaigns=[campaign_row(campaign, self.page) for campaign in campaigns or ()],
            campaigns_unavailable=campaigns is None,
        )
        return context


def campaign_row(campaign: Campaign, page: Page) -> dict:
    return {
        "campaign": campaign,
        "url": reverse("newsletters:campaign", args=[page.pk, campaign.id]),
        "kind_label": KIND_LABELS.get(campaign.kind, campaign.kind),
        "state_class": STATE_CLASSES.get(campaign.state, ""),
        "language_name": dict(settings.LANGUAGES).get(campaign.language, campaign.language),
    }


class CampaignMixin(PageNewsletterMixin):
    """A campaign built from this page (or a translation of it), read from the service."""

    def fetch_campaign(self) -> Campaign:
        """The campaign; Http404 if it is not this page's; the client's errors otherwise."""
        try:
            campaign = self.client.campaign_get(self.kwargs["campaign_id"])
        except NewsletterServiceRefused as error:
            if error.status_code == 404:
                raise Http404("No such newsletter.") from error
            raise
        if not set(campaign.page_ids) & set(page_and_translation_ids(self.page)):
            # The page's permission says nothing about campaigns of other pages.
            raise Http404("This newsletter is not built from this page.")
        return campaign

    def load_campaign(self) -> Campaign | None:
        """The campaign, or ``None`` with a message saying why it cannot be read now."""
        try:
            return self.fetch_campaign()
        except NewsletterServiceError as error:
            self.service_error(error)
            return None


class CampaignView(CampaignMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "newsletters/campaign.html"
    header_icon = "mail"
    actions = {"test": SendTestForm, "schedule": ScheduleForm, "send": SendNowForm}

    def get_page_title(self):
        return f"Newsletter: {self.page.get_admin_display_title()}"

    def get_breadcrumbs_items(self):
        return [
            *self.page_breadcrumbs(),
            {"url": "", "label": f"Newsletter {self.kwargs['campaign_id']}"},
        ]

    def get(self, request, *args, **kwargs):
        campaign = self.load_campaign()
        if campaign is None:
            return redirect(self.page_url())
        return self.render_to_response(self.get_context_data(campaign=campaign))

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        if action not in self.actions:
            messages.error(request, "Unknown action.")
            return redirect(request.path)
        campaign = self.load_campaign()
        if campaign is None:
            return redirect(self.page_url())
        form = self.actions[action](data=request.POST, prefix=action)
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(campaign=campaign, **{f"{action}_form": form})
            )
        try:
            self.act(action, campaign, form.cleaned_data)
        except NewsletterServiceError as error:
            self.service_error(error)
        return redirect(request.path)

    def act(self, action: str, campaign: Campaign, data: dict) -> None:
        key = data["idempotency_key"]
        if action == "test":
            count = self.client.campaign_send_test(
                campaign.id, emails=data["emails"], idempotency_key=key
            )
            messages.success(
                self.request,
                f"Test sent to {count} address{'es' if count != 1 else ''}: "
                f"{', '.join(data['emails'])}.",
            )
        elif action == "schedule":
            updated = self.client.campaign_schedule(
                campaign.id, when=data["scheduled_for"], idempotency_key=key
            )
            when = date_format(localtime(updated.scheduled_for), "DATETIME_FORMAT")
            messages.success(self.request, f"Scheduled: it will be sent at {when}.")
        else:
            self.client.campaign_send_now(campaign.id, idempotency_key=key)
            messages.success(
                self.request,
                "Sending: the newsletter service is handing it to Mailchimp. "
                "Reload this page to see it marked as sent.",
            )

    def get_context_data(self, *, campaign: Campaign, **kwargs):
        context = super().get_context_data(**kwargs)
        for action, form_class in self.actions.items():
            context.setdefault(f"{action}_form", None)
            if context[f"{action}_form"] is None:
                initial = {"emails": self.request.user.email} if action == "test" else {}
                context[f"{action}_form"] = form_class(prefix=action, initial=initial)
        report = transitions = None
        labels = {}
        try:
            transitions = self.client.campaign_transitions(campaign.id)
            if campaign.state == "sent":
                report = self.client.campaign_report(campaign.id)
            ui_language = (get_language() or "en")[:2]
            labels = {
                interest.key: interest.label(ui_language)
                for interest in self.client.audience_options().interests
            }
        except NewsletterServiceError as error:
            self.service_error(error)
        context.update(
            page=self.page,
            row=campaign_row(campaign, self.page),
            campaign=campaign,
            can_test=campaign.state in ("draft", "scheduled"),
            can_send=campaign.is_draft,
            changes=[
                {
                    "change": change,
                    "url": reverse(f"newsletters:{name}", args=[self.page.pk, campaign.id]),
                }
                for name, change in CHANGES.items()
                if campaign.state in change.allowed_from
            ],
            report=report,
            transitions=transitions,
            interest_labels=[labels.get(key, key) for key in campaign.interests],
            preview_url=reverse("newsletters:preview", args=[self.page.pk, campaign.id]),
        )
        return context


@dataclass(frozen=True)
class CampaignChange:
    """A change of plan an editor can make to a campaign, and what the screens say about it."""

    name: str
    allowed_from: tuple[str, ...]
    link: str
    title: str
    explanation: str
    confirm: str
    done: str
    refused: str


CHANGES = {
    change.name: change
    for change in (
        CampaignChange(
            name="unschedule",
            allowed_from=("scheduled",),
            link="Unschedule",
            title="Unschedule this newsletter?",
            explanation=(
                "It will not be sent at the scheduled time. It becomes a draft again: its "
                "content is read from the page anew, so you can check the preview, then "
                "schedule or send it later."
            ),
            confirm="Yes, unschedule it",
            done="Unscheduled: the newsletter is a draft again and will not be sent.",
            refused="This newsletter cannot be unscheduled",
        ),
        CampaignChange(
            name="cancel",
            allowed_from=("draft", "scheduled"),
            link="Cancel this newsletter",
            title="Cancel this newsletter for good?",
            explanation=(
                "A cancelled newsletter is never sent and cannot be scheduled, sent or "
                "restored. To send this page later, make a new newsletter from it."
            ),
            confirm="Yes, cancel it",
            done="Cancelled: this newsletter will never be sent.",
            refused="This newsletter cannot be cancelled",
        ),
    )
}
# Why a change is refused, by the state the campaign is in.
STATE_REASONS = {
    "draft": "it is a draft, not scheduled.",
    "sending": "it is being sent right now.",
    "sent": "it has already been sent.",
    "cancelled": "it was cancelled already.",
    "failed": "its send failed; nothing is scheduled.",
}


class CampaignChangeView(CampaignMixin, WagtailAdminTemplateMixin, TemplateView):
    """Unschedule or cancel: a confirmation screen (GET), then the change (POST).

    The buttons are only offered in states that allow the change, but the state
    can change meanwhile (Mailchimp sent it, another editor cancelled it): the
    newsletter service decides, and a refusal becomes a message saying why.
    """

    template_name = "newsletters/campaign_change.html"
    header_icon = "mail"
    change: CampaignChange

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.change = CHANGES[kwargs["change"]]

    def get_page_title(self):
        return self.change.title

    def campaign_url(self) -> str:
        return reverse("newsletters:campaign", args=[self.page.pk, self.kwargs["campaign_id"]])

    def get_breadcrumbs_items(self):
        return [
            *self.page_breadcrumbs(),
            {"url": self.campaign_url(), "label": f"Newsletter {self.kwargs['campaign_id']}"},
            {"url": "", "label": self.change.link},
        ]

    def get(self, request, *args, **kwargs):
        campaign = self.load_campaign()
        if campaign is None:
            return redirect(self.page_url())
        if campaign.state not in self.change.allowed_from:
            messages.error(request, self.refusal(campaign.state))
            return redirect(self.campaign_url())
        return self.render_to_response(
            self.get_context_data(campaign=campaign, form=CampaignChangeForm())
        )

    def post(self, request, *args, **kwargs):
        campaign = self.load_campaign()
        if campaign is None:
            return redirect(self.page_url())
        form = CampaignChangeForm(data=request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(campaign=campaign, form=form))
        act = getattr(self.client, f"campaign_{self.change.name}")
        try:
            act(
                campaign.id,
                reason=form.cleaned_data["reason"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except NewsletterServiceRefused as error:
            if error.status_code == 409:  # not allowed in the campaign's state (now)
                messages.error(request, self.refusal(error.problem.get("state"), error.message))
            else:
                self.service_error(error)
        except NewsletterServiceError as error:
            self.service_error(error)
        else:
            messages.success(request, self.change.done)
        return redirect(self.campaign_url())

    def refusal(self, state: str | None, detail: str = "") -> str:
        """The editor's sentence for a refused change: why, from the campaign's state.

        A state that allows the change (scheduled, but its send time has passed)
        or one this screen does not know: the newsletter service's own sentence.
        """
        if state in STATE_REASONS and state not in self.change.allowed_from:
            return f"{self.change.refused}: {STATE_REASONS[state]}"
        return detail or f"{self.change.refused} now."

    def get_context_data(self, *, campaign: Campaign, form: CampaignChangeForm, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            page=self.page,
            campaign=campaign,
            row=campaign_row(campaign, self.page),
            change=self.change,
            form=form,
            campaign_url=self.campaign_url(),
        )
        return context


@method_decorator(xframe_options_sameorigin, name="dispatch")
class CampaignPreviewView(CampaignMixin, View):
    """The email's HTML for the preview iframe.

    Fetched here, server-side: the browser never calls the newsletter service.
    """

    def get(self, request, *args, **kwargs):
        try:
            campaign = self.fetch_campaign()
            preview = self.client.campaign_preview(campaign.id)
        except NewsletterServiceError as error:
            # Shown inside the iframe; the same sandbox applies.
            response = HttpResponse(
                f"<!doctype html><title>Preview unavailable</title>"
                f"<p>The preview cannot be shown: {escape(error.message)}</p>",
                status=503 if isinstance(error, NewsletterServiceUnavailable) else 502,
            )
        else:
            response = HttpResponse(preview.html)
        response["Content-Security-Policy"] = PREVIEW_CSP
        response["Referrer-Policy"] = "no-referrer"
        return response
