"""Authentication of one service by another.

Each service lists the clients allowed to call it in ``SERVICE_CLIENTS``
(``name=token`` pairs from the environment); a caller sends
``Authorization: Bearer <token>``. A missing or unknown token is answered 401;
a known client calling a view that does not list it is answered 403.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from django.conf import settings
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request


@dataclass(frozen=True)
class CallingService:
    """The principal a service-authenticated request runs as."""

    name: str
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_active: bool = True
    is_staff: bool = False

    def __str__(self) -> str:
        return f"service:{self.name}"


def identify_client(token: str) -> CallingService | None:
    match: CallingService | None = None
    for name, expected in settings.SERVICE_CLIENTS.items():
        # Compare with every entry so the time taken does not reveal which matched.
        if hmac.compare_digest(token.encode(), expected.encode()):
            match = CallingService(name=name)
    return match


class ServiceTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[CallingService, str] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, token = header.partition(" ")
        if keyword != self.keyword or not token.strip():
            raise exceptions.AuthenticationFailed("Malformed Authorization header.")
        client = identify_client(token.strip())
        if client is None:
            raise exceptions.AuthenticationFailed("Unknown service credential.")
        return client, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="service"'


class IsCallingService(permissions.BasePermission):
    """Allows service clients only; a view may narrow them with ``allowed_clients``."""

    message = "This client may not call this endpoint."

    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        if not isinstance(user, CallingService):
            if user and user.is_authenticated:
                return False
            raise exceptions.NotAuthenticated("A service credential is required.")
        allowed = getattr(view, "allowed_clients", None)
        return allowed is None or user.name in allowed
