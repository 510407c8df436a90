from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from subscriber_service.abuse.checks import check_request_size
from subscriber_service.abuse.proof_of_work import challenge_json


class RequestSizeLimitMixin:
    """For signup API views: a body over ``SIGNUP_MAX_REQUEST_BYTES`` gets 413 before parsing.

    ``signup_guard`` checks the size too, but only once the view has read
    ``request.data``, which DRF parses without Django's upload limit.
    """

    def initial(self, request: Request, *args, **kwargs) -> None:
        check_request_size(request)
        super().initial(request, *args, **kwargs)


class ChallengeApi(APIView):
    """A new proof-of-work challenge for a signup form (ALTCHA format)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    # Issuing a challenge stores nothing, but each costs an HMAC: bounded per client.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "subscriber_links"

    @extend_schema_serializer(component_name="ProofOfWorkChallenge")
    class OutputSerializer(serializers.Serializer):
        algorithm = serializers.CharField(help_text="Always SHA-256.")
        challenge = serializers.CharField(help_text="Hex SHA-256 of salt followed by the number.")
        maxnumber = serializers.IntegerField(help_text="The number is at most this.")
        salt = serializers.CharField(help_text="Random hex, then the expiry: ?expires=<unix>&")
        signature = serializers.CharField(help_text="HMAC of the challenge.")

    @extend_schema(
        operation_id="signup_challenge",
        summary="Proof-of-work challenge for a signup",
        description=(
            "Find the number n (0 <= n <= maxnumber) for which SHA-256(salt + n) equals "
            "challenge, then send base64(JSON {algorithm, challenge, number, salt, "
            "signature}) as the `altcha` field of the signup. Each answer is accepted once, "
            "before the expiry written in the salt."
        ),
        tags=["signup"],
        responses={200: OutputSerializer},
    )
    def get(self, request: Request) -> Response:
        data = self.OutputSerializer(challenge_json()).data
        return Response(data, headers={"Cache-Control": "no-store"})
