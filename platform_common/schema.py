"""drf-spectacular extensions: how service credentials are sent, and the error answers."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import AllowAny

from platform_common.api import PROBLEM_MEDIA_TYPE, ProblemSerializer


class ServiceTokenScheme(OpenApiAuthenticationExtension):
    target_class = "platform_common.auth.ServiceTokenAuthentication"
    name = "serviceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A credential issued to one calling service (SERVICE_CLIENTS).",
        }


class ProblemAutoSchema(AutoSchema):
    """Every operation lists the error answers it can give, as problem details.

    A view declares the errors of its own rules (``404``, ``409``, ``410``...);
    the ones the plumbing gives to any view are added here, so that no
    operation answers a code its schema does not show: ``400``, ``413`` and
    ``415`` for a body that cannot be read, ``401`` and ``403`` where a
    credential is needed, ``429`` where a throttle applies. Every 4xx and 5xx
    answer is ``application/problem+json`` (``platform_common.api``).
    """

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, description in self._plumbing_errors().items():
            responses.setdefault(str(code), {"description": description})
        for code, response in responses.items():
            if code[0] in "45" and "content" not in response:
                problem = self._get_response_for_code(
                    ProblemSerializer, code, [PROBLEM_MEDIA_TYPE], direction
                )
                response["content"] = problem["content"]
        return dict(sorted(responses.items()))

    def _plumbing_errors(self) -> dict[int, str]:
        errors = {}
        if self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None:
            errors[HTTPStatus.BAD_REQUEST] = "Invalid input: the problem names the field."
            errors[HTTPStatus.REQUEST_ENTITY_TOO_LARGE] = "A body over the service's size limit."
            errors[HTTPStatus.UNSUPPORTED_MEDIA_TYPE] = "A body of a media type not listed here."
        if not all(isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            errors[HTTPStatus.UNAUTHORIZED] = "No credential, or one this service does not know."
            errors[HTTPStatus.FORBIDDEN] = "A credential this operation does not accept."
        if self.view.get_throttles():
            errors[HTTPStatus.TOO_MANY_REQUESTS] = "Too many requests: see Retry-After."
        return errors
