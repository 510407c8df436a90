"""``POST /api/v1/cms-events/``: the CMS's signed publish webhooks.

Authenticated by signature, not by a service token: HMAC-SHA256 of
``timestamp.body`` with ``CMS_WEBHOOK_SECRET`` (``platform_common.webhooks``),
a timestamp within ``CMS_WEBHOOK_TOLERANCE_SECONDS`` of now (a captured request
cannot be replayed later), and one handling per ``Webhook-Id`` (a replay within
the window, or the sender's own redelivery, is acknowledged and not handled again).
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from newsletter_service.webhooks import services
from platform_common.api import ApplicationError
from platform_common.webhooks import WebhookVerificationError, verify

logger = logging.getLogger(__name__)

# A publish event is a few kilobytes; refuse anything far larger before reading it.
MAX_BODY_BYTES = 256 * 1024


class WebhookRefused(ApplicationError):
    status_code = 401
    title = "Webhook refused"


class WebhookTooLarge(ApplicationError):
    status_code = 413
    title = "Webhook too large"


class WebhooksNotConfigured(ApplicationError):
    status_code = 503
    title = "Webhooks not configured"


class CmsEventReceiveApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="cms_events_receive",
        summary="Receive a signed CMS publish event",
        request=inline_serializer(
            "CmsEvent",
            {
                "id": serializers.CharField(),
                "kind": serializers.CharField(),
                "page": serializers.DictField(),
            },
        ),
        responses={
            202: inline_serializer("CmsEventReceived", {"status": serializers.CharField()}),
            200: OpenApiResponse(description="Already received: acknowledged, not handled again"),
            401: OpenApiResponse(description="Bad or missing signature, or an old timestamp"),
            413: OpenApiResponse(description="A body over 256 KiB"),
            503: OpenApiResponse(description="No secret configured: events cannot be verified"),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        secrets = settings.CMS_WEBHOOK_SECRETS
        if not secrets:
            raise WebhooksNotConfigured("CMS_WEBHOOK_SECRET is not set: events cannot be verified.")
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
            raise WebhookTooLarge(f"The event is too large: at most {MAX_BODY_BYTES} bytes.")
        body = request.body
        try:
            webhook_id = verify(
                body=body,
                headers=request.headers,
                secrets=secrets,
                tolerance=settings.CMS_WEBHOOK_TOLERANCE_SECONDS,
            )
        except WebhookVerificationError as error:
            logger.warning("cms webhook refused: %s", error)
            raise WebhookRefused(str(error)) from error
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            # RecursionError: nested deeper than Python decodes (a 500 before).
            raise ApplicationError("The event is not JSON.") from None
        if not isinstance(payload, dict):
            raise ApplicationError("The event is not a JSON object.")
        _event, created = services.cms_event_receive(webhook_id=webhook_id, payload=payload)
        if not created:
            return Response({"status": "duplicate"}, status=status.HTTP_200_OK)
        return Response({"status": "accepted"}, status=status.HTTP_202_ACCEPTED)
