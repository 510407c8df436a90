"""The campaign API at ``/api/v1/campaigns/``: thin views over the campaign services.

Callers: staff users (session) and the CMS with its service credential
(``SERVICE_CLIENTS``, client ``cms``). POSTs honour ``Idempotency-Key``.
Errors are RFC 9457 problem details (``platform_common.api``).
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import permissions, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from newsletter_service.campaigns import selectors, services
from newsletter_service.campaigns.actors import actor_of
from newsletter_service.campaigns.errors import ContentInvalid, DependencyUnavailable
from newsletter_service.campaigns.idempotency import HEADER, idempotent
from newsletter_service.campaigns.models import Campaign
from newsletter_service.content.clients.subscribers import (
    SubscriberServiceError,
    SubscriberServiceUnavailable,
)
from platform_common.auth import CallingService

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Repeat a POST with the same key to get the first answer, not a second effect.",
)
PROBLEM = OpenApiResponse(description="Problem details (RFC 9457)")


class IsStaffOrAllowedClient(permissions.BasePermission):
    """Staff users, or a calling service the view lists in ``allowed_clients``."""

    message = "Staff users and the CMS only."

    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        if isinstance(user, CallingService):
            return user.name in getattr(view, "allowed_clients", ())
        return bool(user and user.is_authenticated and user.is_staff)


class CampaignApi(APIView):
    permission_classes = [IsStaffOrAllowedClient]
    allowed_clients = ("cms",)

    def campaign(self, campaign_id: int) -> Campaign:
        return selectors.campaign_get(campaign_id=campaign_id)


def _languages() -> list[str]:
    return list(settings.NEWSLETTER_LANGUAGES)


class DigestFiltersSerializer(serializers.Serializer):
    themes = serializers.ListField(child=serializers.SlugField(), required=False, max_length=20)
    countries = serializers.ListField(
        child=serializers.CharField(max_length=3), required=False, max_length=50
    )
    programme = serializers.SlugField(required=False, allow_blank=True)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(read_only=True)


class DigestFiltersOutputSerializer(DigestFiltersSerializer):
    # Set when the digest is scheduled or sent; other campaigns have no filters at all.
    until = serializers.DateTimeField(required=False)


class CampaignOutputSerializer(serializers.ModelSerializer):
    digest_filters = DigestFiltersOutputSerializer()
    interests = serializers.ListField(child=serializers.CharField())
    page_ids = serializers.ListField(child=serializers.IntegerField())
    render_warnings = serializers.ListField(child=serializers.CharField())
    has_snapshot = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "kind",
            "state",
            "subject",
            "preview_text",
            "from_name",
            "reply_to",
            "language",
            "intro",
            "interests",
            "page_ids",
            "digest_filters",
            "scheduled_for",
            "sent_at",
            "mailchimp_campaign_id",
            "mailchimp_status",
            "has_snapshot",
            "render_warnings",
            "last_error",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_has_snapshot(self, campaign: Campaign) -> bool:
        return campaign.snapshot is not None


class CampaignPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CampaignOutputSerializer(many=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def _filters_for_storage(filters: dict) -> dict:
    if filters.get("since"):
        filters = {**filters, "since": filters["since"].isoformat()}
    return filters


class CampaignListCreateApi(CampaignApi):
    @extend_schema_serializer(component_name="CampaignCreateInput")
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Campaign.Kind.choices)
        subject = serializers.CharField(max_length=150)
        preview_text = serializers.CharField(max_length=150, required=False, allow_blank=True)
        from_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
        reply_to = serializers.EmailField(required=False, allow_blank=True)
        language = serializers.ChoiceField(choices=_languages())
        intro = serializers.CharField(max_length=5000, required=False, allow_blank=True)
        interests = serializers.ListField(
            child=serializers.SlugField(max_length=40), min_length=1, max_length=20
        )
        page_ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1), required=False, max_length=50
        )
        digest_filters = DigestFiltersSerializer(required=False)

        def validate(self, data: dict) -> dict:
            if data["kind"] != Campaign.Kind.DIGEST and not data.get("page_ids"):
                raise serializers.ValidationError(
                    {"page_ids": "A campaign of this kind needs at least one CMS page."}
                )
            return data

    @extend_schema(
        operation_id="campaigns_list",
        summary="List campaigns",
        parameters=[
            OpenApiParameter("state", enum=Campaign.State.values),
            OpenApiParameter("kind", enum=Campaign.Kind.values),
            OpenApiParameter(
                "page_id",
                int,
                many=True,
                description="Only campaigns built from this CMS page (repeat for any of several).",
            ),
            OpenApiParameter("limit", int),
            OpenApiParameter("offset", int),
        ],
        responses={200: CampaignPageSerializer, 400: PROBLEM},
    )
    def get(self, request: Request) -> Response:
        state, kind = request.query_params.get("state"), request.query_params.get("kind")
        if state and state not in Campaign.State.values:
            raise ContentInvalid(f"state: unknown state {state!r}.", extra={"field": "state"})
        if kind and kind not in Campaign.Kind.values:
            raise ContentInvalid(f"kind: unknown kind {kind!r}.", extra={"field": "kind"})
        page_ids = []
        for value in request.query_params.getlist("page_id"):
            if not (value.isascii() and value.isdigit() and len(value) <= 12):
                raise ContentInvalid(
                    f"page_id: {value!r} is not a page id.", extra={"field": "page_id"}
                )
            page_ids.append(int(value))
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(
            selectors.campaign_list(state=state, kind=kind, page_ids=page_ids), request, view=self
        )
        return paginator.get_paginated_response(CampaignOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="campaigns_create",
        summary="Create a draft",
        request=InputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            201: CampaignOutputSerializer,
            400: PROBLEM,
            409: PROBLEM,
            422: PROBLEM,
            503: PROBLEM,
        },
    )
    @idempotent
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["digest_filters"] = _filters_for_storage(dict(data.get("digest_filters") or {}))
        campaign = services.campaign_create(**data, actor=actor_of(request))
        return Response(CampaignOutputSerializer(campaign).data, status=status.HTTP_201_CREATED)


class CampaignDetailApi(CampaignApi):
    @extend_schema_serializer(component_name="CampaignUpdateInput")
    class InputSerializer(serializers.Serializer):
        subject = serializers.CharField(max_length=150, required=False)
        preview_text = serializers.CharField(max_length=150, required=False, allow_blank=True)
        from_name = serializers.CharField(max_length=100, required=False)
        reply_to = serializers.EmailField(required=False)
        language = serializers.ChoiceField(choices=_languages(), required=False)
        intro = serializers.CharField(max_length=5000, required=False, allow_blank=True)
        interests = serializers.ListField(
            child=serializers.SlugField(max_length=40), min_length=1, max_length=20, required=False
        )
        page_ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1), required=False, max_length=50
        )
        digest_filters = DigestFiltersSerializer(required=False)

    @extend_schema(
        operation_id="campaigns_retrieve",
        summary="Read a campaign",
        responses={200: CampaignOutputSerializer, 404: PROBLEM},
    )
    def get(self, request: Request, campaign_id: int) -> Response:
        return Response(CampaignOutputSerializer(self.campaign(campaign_id)).data)

    @extend_schema(
        operation_id="campaigns_update",
        summary="Edit a draft",
        request=InputSerializer,
        responses={200: CampaignOutputSerializer, 400: PROBLEM, 404: PROBLEM, 409: PROBLEM},
    )
    def patch(self, request: Request, campaign_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "digest_filters" in changes:
            changes["digest_filters"] = _filters_for_storage(dict(changes["digest_filters"]))
        campaign = services.campaign_update(
            campaign=self.campaign(campaign_id), actor=actor_of(request), **changes
        )
        return Response(CampaignOutputSerializer(campaign).data)


class PreviewSerializer(serializers.Serializer):
    subject = serializers.CharField()
    preview_text = serializers.CharField(allow_blank=True)
    html = serializers.CharField()
    text = serializers.CharField()
    warnings = serializers.ListField(child=serializers.CharField())


class CampaignPreviewApi(CampaignApi):
    @extend_schema(
        operation_id="campaigns_preview",
        summary="Render the email (live CMS content for a draft, the snapshot otherwise)",
        request=None,
        responses={200: PreviewSerializer, 400: PROBLEM, 404: PROBLEM, 503: PROBLEM},
    )
    def post(self, request: Request, campaign_id: int) -> Response:
        rendered = services.campaign_preview(campaign=self.campaign(campaign_id))
        return Response(
            PreviewSerializer(
                {
                    "subject": rendered.subject,
                    "preview_text": rendered.preview_text,
                    "html": rendered.html,
                    "text": rendered.text,
                    "warnings": list(rendered.warnings),
                }
            ).data
        )


class CampaignTestApi(CampaignApi):
    @extend_schema_serializer(component_name="CampaignTestInput")
    class InputSerializer(serializers.Serializer):
        emails = serializers.ListField(
            child=serializers.EmailField(max_length=254), min_length=1, max_length=10
        )

    @extend_schema_serializer(component_name="CampaignTestOutput")
    class OutputSerializer(serializers.Serializer):
        sent_to = serializers.IntegerField(help_text="How many addresses the test went to.")

    @extend_schema(
        operation_id="campaigns_test",
        summary="Send a test to up to 10 addresses",
        request=InputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            **{code: PROBLEM for code in (400, 404, 409, 422, 502, 503)},
            200: OutputSerializer,
        },
    )
    @idempotent
    def post(self, request: Request, campaign_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = services.campaign_send_test(
            campaign=self.campaign(campaign_id),
            emails=serializer.validated_data["emails"],
            actor=actor_of(request),
        )
        return Response({"sent_to": count})


class CampaignScheduleApi(CampaignApi):
    @extend_schema_serializer(component_name="CampaignScheduleInput")
    class InputSerializer(ReasonSerializer):
        scheduled_for = serializers.DateTimeField(
            help_text="When to send; moved up to the next quarter-hour mark (:00, :15, :30, :45)."
        )

    @extend_schema(
        operation_id="campaigns_schedule",
        summary="Freeze the content and schedule the send",
        request=InputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            **{code: PROBLEM for code in (400, 404, 409, 422, 503)},
            200: CampaignOutputSerializer,
        },
    )
    @idempotent
    def post(self, request: Request, campaign_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        campaign = services.campaign_schedule(
            campaign=self.campaign(campaign_id),
            when=serializer.validated_data["scheduled_for"],
            actor=actor_of(request),
            reason=serializer.validated_data["reason"],
        )
        return Response(CampaignOutputSerializer(campaign).data)


class _ReasonActionApi(CampaignApi):
    service = staticmethod(services.campaign_cancel)

    def post(self, request: Request, campaign_id: int) -> Response:
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        campaign = self.service(
            campaign=self.campaign(campaign_id),
            actor=actor_of(request),
            reason=serializer.validated_data["reason"],
        )
        return Response(CampaignOutputSerializer(campaign).data)


def _action_schema(operation_id: str, summary: str):
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        request=ReasonSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            **{code: PROBLEM for code in (400, 404, 409, 422, 503)},
            200: CampaignOutputSerializer,
        },
    )


class CampaignUnscheduleApi(_ReasonActionApi):
    service = staticmethod(services.campaign_unschedule)

    @_action_schema("campaigns_unschedule", "Unschedule: back to a draft")
    @idempotent
    def post(self, request: Request, campaign_id: int) -> Response:
        return super().post(request, campaign_id)


class CampaignSendApi(_ReasonActionApi):
    service = staticmethod(services.campaign_send_now)

    @_action_schema("campaigns_send", "Freeze the content and send now (exactly once)")
    @idempotent
    def post(self, request: Request, campaign_id: int) -> Response:
        return super().post(request, campaign_id)


class CampaignCancelApi(_ReasonActionApi):
    service = staticmethod(services.campaign_cancel)

    @_action_schema("campaigns_cancel", "Cancel a draft or a scheduled campaign")
    @idempotent
    def post(self, request: Request, campaign_id: int) -> Response:
        return super().post(request, campaign_id)


class CampaignReportApi(CampaignApi):
    @extend_schema_serializer(component_name="CampaignReport")
    class OutputSerializer(serializers.Serializer):
        emails_sent = serializers.IntegerField()
        opens = serializers.IntegerField()
        unique_opens = serializers.IntegerField()
        clicks = serializers.IntegerField()
        unique_clicks = serializers.IntegerField()
        unsubscribes = serializers.IntegerField()
        bounces = serializers.IntegerField()
        fetched_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="campaigns_report",
        summary="Opens, clicks, unsubscribes and bounces of a sent campaign",
        responses={200: OutputSerializer, 404: PROBLEM},
    )
    def get(self, request: Request, campaign_id: int) -> Response:
        report = selectors.campaign_report(campaign=self.campaign(campaign_id))
        if report is None:
            from django.http import Http404

            raise Http404("No report yet: it is fetched after the campaign is sent.")
        return Response(self.OutputSerializer(report).data)


class CampaignTransitionsApi(CampaignApi):
    @extend_schema_serializer(component_name="CampaignTransition")
    class OutputSerializer(serializers.Serializer):
        from_state = serializers.CharField(allow_blank=True)
        to_state = serializers.CharField()
        actor = serializers.CharField()
        reason = serializers.CharField(allow_blank=True)
        created_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="campaigns_transitions",
        summary="Every state change: from, to, who, when and why",
        responses={200: OutputSerializer(many=True), 404: PROBLEM},
    )
    def get(self, request: Request, campaign_id: int) -> Response:
        transitions = selectors.campaign_transitions(campaign=self.campaign(campaign_id))
        return Response(self.OutputSerializer(transitions, many=True).data)


class AudienceApi(CampaignApi):
    """The audiences a campaign can have, for the CMS's "Send as newsletter" screen."""

    @extend_schema_serializer(component_name="AudienceOptions")
    class OutputSerializer(serializers.Serializer):
        class InterestSerializer(serializers.Serializer):
            key = serializers.SlugField()
            labels = serializers.DictField(
                child=serializers.CharField(), help_text="Label per language code."
            )

        languages = serializers.ListField(child=serializers.CharField())
        interests = InterestSerializer(many=True)

    @extend_schema(
        operation_id="audience_options",
        summary="Interests (from the subscriber service) and languages a campaign can target",
        responses={200: OutputSerializer, 503: PROBLEM},
    )
    def get(self, request: Request) -> Response:
        try:
            options = selectors.audience_options()
        except SubscriberServiceUnavailable as error:
            raise DependencyUnavailable(
                f"The subscriber service cannot be reached; try again later. ({error})"
            ) from error
        except SubscriberServiceError as error:
            raise DependencyUnavailable(str(error)) from error
        return Response(self.OutputSerializer(options).data)
