"""Hosted pages for supporters: signup, confirmation, preferences, unsubscribe, privacy.

Server-rendered and thin: each view validates a form, calls a service of
:mod:`subscriber_service.subscriptions.services` and renders the answer in
the page's language (``/fr/...``, ``/es/...``, English without a prefix).

Rules that hold for every page:

- A GET never changes anything. Mail scanners and link checkers open links,
  so confirming, unsubscribing and privacy actions are POSTs from a button.
- Answers never depend on whether an address is known: a signup always
  leads to the same "check your inbox" page and a privacy request to the
  same "email sent" page; only what is emailed differs.
- Headers of :mod:`subscriber_service.pages.security` on every response.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt

from platform_common.api import ApplicationError
from subscriber_service.abuse.exceptions import AbuseRejected
from subscriber_service.abuse.guard import signup_form_context, signup_guard
from subscriber_service.abuse.ratelimits import check_rate_limits, client_ip
from subscriber_service.pages import security
from subscriber_service.pages.forms import PreferencesForm, PrivacyRequestForm, SignupForm
from subscriber_service.subscriptions import links, selectors, services
from subscriber_service.subscriptions.models import PrivacyRequest, Subscriber

Status = Subscriber.Status

EMBED_FORM_FIELD = "embed_token"


def see_other(url: str) -> HttpResponseRedirect:
    """A redirect after a POST that the browser follows with a GET (303)."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def language_links(request: HttpRequest) -> list[dict[str, Any]]:
    """This page in every language, for the language switcher.

    Of the query string only the chosen interests follow: an address given in
    a link (``?email=``) is not copied into more URLs.
    """
    current = translation.get_language()
    query = QueryDict(mutable=True)
    query.setlist("interests", request.GET.getlist("interests"))
    path = request.path + (f"?{query.urlencode(safe=',')}" if query else "")
    return [
        {"code": code, "name": name, "url": translate_url(path, code), "current": code == current}
        for code, name in settings.LANGUAGES
    ]


class PageView(View):
    """Renders templates with the layout's context and the pages' headers."""

    embeddable = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().dispatch(request, *args, **kwargs)
        return security.apply_page_headers(response, embeddable=self.embeddable)

    def render(
        self, template: str, context: dict[str, Any] | None = None, *, status: int = 200
    ) -> HttpResponse:
        base = {
            "language_links": language_links(self.request),
            "organisation": settings.SUBSCRIPTIONS["ORGANISATION_NAME"],
            "embed": self.embeddable,
        }
        return render(self.request, template, {**base, **(context or {})}, status=status)

    def link_error(self, error: ApplicationError, *, retry: str = "signup") -> HttpResponse:
        """The page for a link that is altered (400) or expired or used (410)."""
        expired = isinstance(error, services.LinkExpired)
        return self.render(
            "pages/link_error.html",
            {
                "title": _("This link has expired") if expired else _("This link is not valid"),
                "message": _(
                    "Links in our emails work for a limited time, and some work only once."
                )
                if expired
                else _(
                    "The link may have been cut or changed when it was copied. "
                    "Try opening it again from the email."
                ),
                "retry": retry,
            },
            status=410 if expired else 400,
        )


def _requested_interests(request: HttpRequest) -> list[str]:
    """Interests chosen by the link: ``?interests=monitor,news`` or repeated parameters."""
    return [
        key.strip()
        for value in request.GET.getlist("interests")
        for key in value.split(",")
        if key.strip()
    ]


class SignupView(PageView):
    """The signup form (GET) and the signup itself (POST), on this service's own page."""

    template_name = "pages/signup.html"
    source = "hosted-form"

    def form(self, data=None) -> SignupForm:
        language = translation.get_language()
        interests = selectors.interest_list()
        offered = {interest.key for interest in interests}
        initial = {
            "language": language,
            "interests": [key for key in _requested_interests(self.request) if key in offered],
            "email": self.request.GET.get("email", "")[:254],
        }
        return SignupForm(data, initial=initial, interests=interests, language=language)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(self.form())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_form(form, status=400)
        data = form.cleaned_data
        try:
            signup_guard(request, email=data["email"], data=request.POST, require_form_timing=True)
            services.subscription_request(
                email=data["email"],
                name=data["name"],
                language=data["language"],
                interest_keys=data["interests"],
                source=self.source,
                ip_address=client_ip(request),
                # The words the person read: the page's language, whatever emails they chose.
                consent_language=translation.get_language(),
            )
        except AbuseRejected as error:
            # Next to its field when it has one (the summary at the top lists it too).
            problem = error.detail
            if error.field in form.fields:
                form.add_error(error.field, error.detail)
                problem = ""
            response = self.render_form(form, problem=problem, status=error.status_code)
            for header, value in error.headers.items():
                response[header] = value
            return response
        except ApplicationError as error:
            return self.render_form(form, problem=error.detail, status=error.status_code)
        return see_other(self.success_url())

    def success_url(self) -> str:
        return reverse("pages:signup-sent")

    def render_form(
        self, form: SignupForm, *, problem: str = "", status: int = 200
    ) -> HttpResponse:
        return self.render(
            self.template_name,
            {
                "form": form,
                "problem": problem,
                "abuse": signup_form_context(self.request),
                "action": self.request.path,
            },
            status=status,
        )


class SignupSentView(PageView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render("pages/signup_sent.html")


@method_decorator([csrf_exempt, xframe_options_exempt], name="dispatch")
class EmbedSignupView(SignupView):
    """The signup form in a minimal layout, for an iframe on the allow-listed sites.

    Framing is allowed by ``Content-Security-Policy: frame-ancestors`` (this
    service and ``SIGNUP_EMBED_ALLOWED_ORIGINS``) instead of
    ``X-Frame-Options: DENY``. The form is exempt from the CSRF cookie check
    and carries a signed form token instead; why is told in
    :func:`subscriber_service.pages.security.embed_form_is_genuine`. After a
    signup the same frame shows "check your inbox" (``?sent=1``).
    """

    template_name = "pages/embed_signup.html"
    source = "embed"
    embeddable = True

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.GET.get("sent"):
            return self.render("pages/embed_sent.html")
        return super().get(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        if not security.embed_form_is_genuine(request, request.POST.get(EMBED_FORM_FIELD)):
            return self.render_form(
                self.form(request.POST),
                problem=_("This form has expired; reload the page and try again."),
                status=403,
            )
        return super().post(request)

    def success_url(self) -> str:
        return reverse("pages:embed-signup") + "?sent=1"

    def render(self, template, context=None, *, status=200) -> HttpResponse:
        context = {**(context or {}), "embed_token": security.issue_embed_form_token()}
        return super().render(template, context, status=status)


class ConfirmView(PageView):
    """GET shows one button; only its POST confirms (mail scanners open links)."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            subscriber = services.subscriber_by_token(token, purpose="confirm")
        except (services.LinkNotValid, services.LinkExpired) as error:
            return self.link_error(error)
        if subscriber.status == Status.SUBSCRIBED:
            return self.subscribed(subscriber)
        return self.render("pages/confirm.html")

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            subscriber = services.subscription_confirm(token=token)
        except (services.LinkNotValid, services.LinkExpired) as error:
            return self.link_error(error)
        if subscriber.status != Status.SUBSCRIBED:
            # Unsubscribed (or cleaned) since the link was sent: confirming changes nothing.
            return self.render(
                "pages/link_error.html",
                {
                    "title": _("This subscription was cancelled"),
                    "message": _(
                        "This address was unsubscribed after the link was sent, so there is "
                        "nothing to confirm."
                    ),
                    "retry": "signup",
                },
                status=410,
            )
        return self.subscribed(subscriber)

    def subscribed(self, subscriber: Subscriber) -> HttpResponse:
        preferences = reverse("pages:preferences", kwargs={"token": links.manage_token(subscriber)})
        return self.render("pages/confirmed.html", {"preferences_url": preferences})


class PreferencesView(PageView):
    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            subscriber = services.subscriber_by_token(token)
        except (services.LinkNotValid, services.LinkExpired) as error:
            return self.link_error(error)
        preferences = selectors.preferences_of(subscriber)
        form = self.form(
            initial={key: preferences[key] for key in ("name", "language", "interests")}
        )
        return self.render_form(form, subscriber, token)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            subscriber = services.subscriber_by_token(token)
        except (services.LinkNotValid, services.LinkExpired) as error:
            return self.link_error(error)
        form = self.form(data=request.POST)
        if not form.is_valid():
            return self.render_form(form, subscriber, token, status=400)
        data = form.cleaned_data
        try:
            services.preferences_update(
                subscriber=subscriber,
                name=data["name"],
                language=data["language"],
                interest_keys=data["interests"],
            )
        except ApplicationError as error:
            return self.render_form(form, subscriber, token, problem=error.detail, status=400)
        # The page follows the language just chosen for the emails.
        with translation.override(data["language"]):
            messages.success(request, _("Your preferences are saved."))
            url = reverse("pages:preferences", kwargs={"token": token})
        return see_other(url)

    def form(self, **kwargs: Any) -> PreferencesForm:
        language = translation.get_language()
        return PreferencesForm(interests=selectors.interest_list(), language=language, **kwargs)

    def render_form(
        self,
        form: PreferencesForm,
        subscriber: Subscriber,
        token: str,
        *,
        problem: str = "",
        status: int = 200,
    ) -> HttpResponse:
        return self.render(
            "pages/preferences.html",
            {
                "form": form,
                "subscriber": subscriber,
                "token": token,
                "problem": problem,
                "unsubscribed": subscriber.status == Status.UNSUBSCRIBED,
            },
            status=status,
        )


class UnsubscribeView(PageView):
    """GET shows one button; its POST unsubscribes and offers to undo."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            subscriber = services.subscriber_by_token(token)
        except (services.LinkNotValid, services.LinkExpired) as error:
            return self.link_error(error)
        if subscriber.status == Status.UNSUBSCRIBED:
            return self.render("pages/unsubscribed.html", {"token": token})
        return self.render("pages/unsubscribe.html", {"token": token})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            subscriber = services.subscriber_by_token(token)
        except (services.LinkNotValid, services.LinkExpired) as error:
            return self.link_error(error)
        services.subscription_unsubscribe(subscriber=subscriber, source="hosted-page")
        return self.render("pages/unsubscribed.html", {"token": token})


class UnsubscribeUndoView(PageView):
    """POST resubscribes an address unsubscribed with its own link."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return HttpResponseRedirect(reverse("pages:unsubscribe", kwargs={"token": token}))

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            subscriber = services.subscriber_by_token(token)
        except (services.LinkNotValid, services.LinkExpired) as error:
            return self.link_error(error)
        subscriber = services.subscription_resubscribe(subscriber=subscriber, source="hosted-page")
        if subscriber.status != Status.SUBSCRIBED:
            # Never confirmed: a resubscription needs a new signup and its confirmation.
            return self.render(
                "pages/link_error.html",
                {
                    "title": _("Please sign up again"),
                    "message": _(
                        "This address never confirmed its subscription, so it cannot be "
                        "restored. Sign up again and confirm from the email we send."
                    ),
                    "retry": "signup",
                },
                status=409,
            )
        preferences = reverse("pages:preferences", kwargs={"token": token})
        return self.render("pages/resubscribed.html", {"preferences_url": preferences})


class PrivacyRequestView(PageView):
    """Ask for an export or an erasure; the answer is the same for every address."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render("pages/privacy.html", {"form": PrivacyRequestForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PrivacyRequestForm(request.POST)
        if not form.is_valid():
            return self.render("pages/privacy.html", {"form": form}, status=400)
        try:
            # The signup limits per network and per address bound privacy emails too.
            check_rate_limits(request, normalised_email=form.cleaned_data["email"].lower())
        except AbuseRejected as error:
            form.add_error(None, error.detail)
            response = self.render("pages/privacy.html", {"form": form}, status=429)
            if error.retry_after:
                response["Retry-After"] = str(error.retry_after)
            return response
        services.privacy_request_create(
            email=form.cleaned_data["email"],
            kind=form.cleaned_data["kind"],
            language=translation.get_language(),
        )
        return self.render("pages/privacy_sent.html")


class PrivacyConfirmView(PageView):
    """The link from a privacy email: a Download or an Erase button, working once."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            privacy_request = services.privacy_request_by_token(token)
        except (services.LinkNotValid, services.LinkExpired) as error:
            return self.link_error(error, retry="privacy")
        return self.render("pages/privacy_confirm.html", {"kind": privacy_request.kind})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            kind = services.privacy_request_by_token(token).kind
            if kind == PrivacyRequest.Kind.EXPORT:
                data = services.privacy_export(token=token)
            else:
                services.privacy_erase(token=token)
        except (services.LinkNotValid, services.LinkExpired) as error:
            return self.link_error(error, retry="privacy")
        if kind == PrivacyRequest.Kind.EXPORT:
            response = HttpResponse(
                json.dumps(data, indent=2, ensure_ascii=False),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = 'attachment; filename="my-data.json"'
            return response
        return self.render("pages/privacy_erased.html")
