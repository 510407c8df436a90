from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from platform_common.auth import IsCallingService, ServiceTokenAuthentication


class WhoAmIApi(APIView):
    """Tells a calling service who it was authenticated as; used to check credentials."""

    authentication_classes = [ServiceTokenAuthentication]
    permission_classes = [IsCallingService]

    @extend_schema(
        responses=inline_serializer(
            "WhoAmI", {"service": serializers.CharField(), "client": serializers.CharField()}
        )
    )
    def get(self, request: Request) -> Response:
        return Response({"service": settings.SERVICE_NAME, "client": request.user.name})
