"""The public JSON API of signups, preferences, unsubscribe and privacy requests.

Views are thin: they validate input, call a service and shape the answer.
Public endpoints need no account; those acting on a subscription take a
signed token from an email link. Answers to signups and privacy requests are
the same whatever the address's state, so nobody can learn whether an address
is subscribed.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from platform_common.auth import IsCallingService
from subscriber_service.abuse.apis import RequestSizeLimitMixin
from subscriber_service.abuse.guard import signup_guard
from subscriber_service.abuse.ratelimits import check_rate_limits, client_ip
from subscriber_service.subscriptions import selectors, services
from subscriber_service.subscriptions.models import PrivacyRequest, Subscriber

SIGNUP_ACCEPTED = (
    "Thank you. If this address can receive our emails, a message is on its way to it: "
    "open the link in it to confirm."
)
PRIVACY_ACCEPTED = (
    "If we hold data about this address, an email with a link is on its way to it. "
    "The link works once, for 24 hours."
)


# Error answers of this API's own rules; the plumbing's (a body that cannot be
# parsed, throttling) are added by platform_common.schema.ProblemAutoSchema.
LINK_NOT_VALID = OpenApiResponse(description="The link was altered or is not one of ours.")
LINK_GONE = OpenApiResponse(description="The link expired, or was used already.")
ABUSE_LIMITS = {
    413: OpenApiResponse(description="The body is over SIGNUP_MAX_REQUEST_BYTES."),
    429: OpenApiResponse(description="Too many signups from this network or for this address."),
    503: OpenApiResponse(description="Abuse limits cannot be counted and failing open is off."),
}


class PublicApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "subscriber_links"


class MessageSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Subscriber.Status.choices)


def _language_choices() -> list[str]:
    return [code for code, _ in settings.LANGUAGES]


class SubscriptionCreateApi(RequestSizeLimitMixin, PublicApi):
    # signup_guard counts signups per network and per address itself.
    throttle_classes: list = []

    @extend_schema_serializer(component_name="SignupInput")
    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        language = serializers.ChoiceField(choices=_language_choices(), default="en")
        interests = serializers.ListField(
            child=serializers.SlugField(max_length=40), min_length=1, max_length=20
        )
        consent = serializers.BooleanField()
        source = serializers.CharField(max_length=100, required=False, allow_blank=True)
        # Abuse checks (see subscriber_service.abuse): proof of work, honeypot, fill time.
        altcha = serializers.CharField(max_length=4000, required=False, allow_blank=True)
        website = serializers.CharField(max_length=200, required=False, allow_blank=True)
        form_started = serializers.CharField(max_length=200, required=False, allow_blank=True)

        def validate_consent(self, value: bool) -> bool:
            if not value:
                raise serializers.ValidationError("Consent is needed to subscribe.")
            return value

    @extend_schema(
        summary="Sign up (double opt-in)",
        request=InputSerializer,
        responses={
            202: MessageSerializer,
            400: OpenApiResponse(description="Invalid field"),
            **ABUSE_LIMITS,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        signup_guard(request, email=data["email"], data=data)
        services.subscription_request(
            email=data["email"],
            name=data["name"],
            language=data["language"],
            interest_keys=data["interests"],
            source=data.get("source") or "api",
            ip_address=client_ip(request),
        )
        return Response({"detail": SIGNUP_ACCEPTED}, status=status.HTTP_202_ACCEPTED)


class SubscriptionConfirmApi(PublicApi):
    @extend_schema(
        summary="Confirm a signup",
        request=TokenSerializer,
        responses={200: StatusSerializer, 400: LINK_NOT_VALID, 410: LINK_GONE},
    )
    def post(self, request: Request) -> Response:
        serializer = TokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subscriber = services.subscription_confirm(token=serializer.validated_data["token"])
        return Response({"status": subscriber.status})


class PreferencesSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    language = serializers.ChoiceField(choices=_language_choices())
    interests = serializers.ListField(child=serializers.SlugField(max_length=40), max_length=20)
    status = serializers.ChoiceField(choices=Subscriber.Status.choices, read_only=True)


class PreferencesApi(PublicApi):
    @extend_schema(
        summary="Read preferences",
        responses={200: PreferencesSerializer, 400: LINK_NOT_VALID, 410: LINK_GONE},
    )
    def get(self, request: Request, token: str) -> Response:
        subscriber = services.subscriber_by_token(token)
        return Response(PreferencesSerializer(selectors.preferences_of(subscriber)).data)

    @extend_schema(
        summary="Change preferences",
        request=PreferencesSerializer,
        responses={200: PreferencesSerializer, 410: LINK_GONE},
    )
    def patch(self, request: Request, token: str) -> Response:
        subscriber = services.subscriber_by_token(token)
        serializer = PreferencesSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        subscriber = services.preferences_update(
            subscriber=subscriber,
            name=data.get("name"),
            language=data.get("language"),
            interest_keys=data.get("interests"),
        )
        return Response(PreferencesSerializer(selectors.preferences_of(subscriber)).data)


def token_from(request: Request) -> str:
    """The ``token`` of a link-based request body, or a 400 naming it."""
    serializer = TokenSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["token"]


class UnsubscribeApi(PublicApi):
    @extend_schema(
        summary="Unsubscribe",
        request=TokenSerializer,
        responses={200: StatusSerializer, 410: LINK_GONE},
    )
    def post(self, request: Request) -> Response:
        subscriber = services.subscriber_by_token(token_from(request))
        subscriber = services.subscription_unsubscribe(subscriber=subscriber, source="api")
        return Response({"status": subscriber.status})


class ResubscribeApi(PublicApi):
    @extend_schema(
        summary="Undo an unsubscribe",
        request=TokenSerializer,
        responses={200: StatusSerializer, 410: LINK_GONE},
    )
    def post(self, request: Request) -> Response:
        subscriber = services.subscriber_by_token(token_from(request))
        subscriber = services.subscription_resubscribe(subscriber=subscriber, source="api")
        return Response({"status": subscriber.status})


class PrivacyRequestApi(PublicApi):
    throttle_scope = "privacy"

    @extend_schema_serializer(component_name="PrivacyRequestInput")
    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        kind = serializers.ChoiceField(choices=PrivacyRequest.Kind.choices)
        language = serializers.ChoiceField(choices=_language_choices(), default="en")

    @extend_schema(
        summary="Ask for an export or an erasure (a link is emailed)",
        request=InputSerializer,
        responses={202: MessageSerializer, 429: ABUSE_LIMITS[429], 503: ABUSE_LIMITS[503]},
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The signup limits per network and per address bound privacy emails too.
        check_rate_limits(request, normalised_email=serializer.validated_data["email"].lower())
        services.privacy_request_create(**serializer.validated_data)
        return Response({"detail": PRIVACY_ACCEPTED}, status=status.HTTP_202_ACCEPTED)


class PrivacyExportApi(PublicApi):
    @extend_schema(
        summary="Export everything held about the address (the link works once)",
        request=TokenSerializer,
        responses={
            200: inline_serializer("PrivacyExport", {"email": serializers.EmailField()}),
            410: LINK_GONE,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = TokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(services.privacy_export(token=serializer.validated_data["token"]))


class PrivacyEraseApi(PublicApi):
    @extend_schema(
        summary="Erase the address here and in Mailchimp (the link works once)",
        request=TokenSerializer,
        responses={204: None, 410: LINK_GONE},
    )
    def post(self, request: Request) -> Response:
        serializer = TokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.privacy_erase(token=serializer.validated_data["token"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class InterestSerializer(serializers.Serializer):
    key = serializers.SlugField()
    labels = serializers.DictField(child=serializers.CharField())


class InterestListApi(PublicApi):
    throttle_classes: list = []

    @extend_schema(
        summary="What supporters can sign up for", responses=InterestSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        return Response(InterestSerializer(selectors.interest_list(), many=True).data)


class AudienceInterestSerializer(InterestSerializer):
    mailchimp_category_id = serializers.CharField()
    mailchimp_interest_id = serializers.CharField()


class AudienceSerializer(serializers.Serializer):
    audience_id = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    interests = AudienceInterestSerializer(many=True)


class AudienceApi(APIView):
    """The interest mapping, read-only, for the newsletter service to target segments."""

    permission_classes = [IsCallingService]
    allowed_clients = ("newsletter_service",)

    @extend_schema(summary="Audience and interest mapping", responses=AudienceSerializer)
    def get(self, request: Request) -> Response:
        return Response(AudienceSerializer(selectors.audience_mapping()).data)


@method_decorator(csrf_exempt, name="dispatch")
class OneClickUnsubscribeView(View):
    """RFC 8058 one-click unsubscribe: a mail client POSTs ``List-Unsubscribe=One-Click``.

    Only POST unsubscribes; a GET (a link scanner, a curious person) is sent to
    the page with a button.
    """

    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        from django.shortcuts import redirect

        return redirect("pages:unsubscribe", token=token)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            subscriber = services.subscriber_by_token(token)
        except services.LinkExpired:
            return HttpResponse(status=status.HTTP_410_GONE)
        except services.LinkNotValid:
            return HttpResponse("This link is not valid.", status=400, content_type="text/plain")
        services.subscription_unsubscribe(subscriber=subscriber, source="one-click")
        return HttpResponse("You are unsubscribed.", content_type="text/plain")
