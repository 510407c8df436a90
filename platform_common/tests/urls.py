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


urlpatterns = [
    *platform_urlpatterns,
    path("cms-only", CmsOnlyApi.as_view()),
    path("echo", EchoApi.as_view()),
    path("throttled", ThrottledApi.as_view()),
]
