"""The receiver of Mailchimp's webhooks.

Mailchimp does not sign webhooks: the receiver's URL carries a secret, and
every event must name our audience. Events arrive form-encoded
(``type=unsubscribe&data[email]=...&data[list_id]=...``). Each is applied to
local state at once, in one short transaction with no outside call, which is
idempotent (applying the same event twice leaves the same state) and well
within Mailchimp's 10-second limit. Mailchimp checks the URL with a GET first.
"""

from __future__ import annotations

import hmac
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from subscriber_service.audience import services

logger = logging.getLogger(__name__)

STATUS_BY_EVENT = {"subscribe": "subscribed", "unsubscribe": "unsubscribed", "cleaned": "cleaned"}


@method_decorator(csrf_exempt, name="dispatch")
class MailchimpWebhookView(View):
    http_method_names = ["get", "post"]

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        expected = settings.MAILCHIMP_SYNC["WEBHOOK_SECRET"]
        given = kwargs.get("secret", "")
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            # The same answer as any unknown URL: nothing to learn by guessing.
            return HttpResponse(status=404)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, secret: str) -> HttpResponse:
        return HttpResponse("ok", content_type="text/plain")

    def post(self, request: HttpRequest, secret: str) -> HttpResponse:
        try:
            request.POST  # noqa: B018 (parsed here, so a body over the limit is named)
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return _problem(413, f"The event is too large: at most {limit} bytes are accepted.")
        kind = request.POST.get("type", "")
        list_id = request.POST.get("data[list_id]", "")
        if list_id != settings.MAILCHIMP["AUDIENCE_ID"]:
            return _problem(400, "The event names another audience (data[list_id]).")
        if kind in STATUS_BY_EVENT:
            email = request.POST.get("data[email]", "")
            if not email:
                return _problem(400, "The event has no data[email].")
            result = services.subscriber_apply_mailchimp_change(
                email=email, status=STATUS_BY_EVENT[kind]
            )
        elif kind == "profile":
            email = request.POST.get("data[email]", "")
            if not email:
                return _problem(400, "The event has no data[email].")
            result = services.subscriber_apply_mailchimp_change(
                email=email, name=request.POST.get("data[merges][FNAME]")
            )
        elif kind == "upemail":
            old, new = (
                request.POST.get("data[old_email]", ""),
                request.POST.get("data[new_email]", ""),
            )
            if not old or not new:
                return _problem(400, "The event needs data[old_email] and data[new_email].")
            result = services.subscriber_change_email(old_email=old, new_email=new)
        elif kind == "campaign":
            result = "ignored"
        else:
            return _problem(400, f"Unknown event type {kind[:40]!r}.")
        logger.info("mailchimp webhook %s: %s", kind, result)
        return JsonResponse({"result": result})


def _problem(status: int, detail: str) -> JsonResponse:
    return JsonResponse(
        {"type": "about:blank", "title": "Bad webhook event", "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
    )
