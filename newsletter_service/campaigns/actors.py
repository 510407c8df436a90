"""Who is acting: the name recorded in transitions, and the owner of idempotency keys."""

from __future__ import annotations

from rest_framework.request import Request

from platform_common.auth import CallingService

ACTING_USER_HEADER = "X-Acting-User"


def client_of(request: Request) -> str:
    """The authenticated client: ``service:<name>`` or ``user:<pk>``."""
    user = request.user
    if isinstance(user, CallingService):
        return f"service:{user.name}"
    return f"user:{user.pk}"


def actor_of(request: Request) -> str:
    """What transitions record as "who".

    A staff user by username; a calling service by name, with the editor it
    acts for when it says so in ``X-Acting-User`` (the CMS's Wagtail admin).
    """
    user = request.user
    if isinstance(user, CallingService):
        acting = request.headers.get(ACTING_USER_HEADER, "").strip()[:100]
        return f"service:{user.name}" + (f" for {acting}" if acting else "")
    return f"user:{user.get_username()}"
