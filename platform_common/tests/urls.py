from django.db import IntegrityError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from platform_common.api import ApplicationError
from platform_common.apis import WhoAmIApi
from platform_common.urls import platform_urlpatterns


class CmsOnlyApi(WhoAmIApi):
    allowed_clients = ("cms",)


class EchoApi(APIView):
    authentication_classes = []
    permission_classes = []

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()

    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["email"].endswith("@blocked.example"):
            raise ApplicationError("This address cannot be used.", extra={"field": "email"})
        return Response(serializer.validated_data)


class ThrottledApi(APIView):
    authentication_classes = []
    permission_classes = []

    def get(self, request: Request) -> Response:
        raise exceptions.Throttled(wait=42)


class DatabaseErrorApi(APIView):
    """Raises what the database driver raised (``?error=integrity`` for a bug, else an outage)."""

    authentication_classes = []
    permission_classes = []

    def get(self, request: Request) -> Response:
        if request.query_params.get("error") == "integrity":
            raise IntegrityError("duplicate key value violates unique constraint")
        raise OperationalError('connection to server at "10.0.0.5", port 5432 failed')


def database_error_page(request: HttpRequest) -> HttpResponse:
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [
    *platform_urlpatterns,
    path("database-error", DatabaseErrorApi.as_view()),
    path("database-error-page", database_error_page),
    path("cms-only", CmsOnlyApi.as_view()),
    path("echo", EchoApi.as_view()),
    path("throttled", ThrottledApi.as_view()),
]
