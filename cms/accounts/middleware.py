"""Keep a signed-in user who still owes a second factor out of the admin.

Install after ``django_otp.middleware.OTPMiddleware`` (which itself comes after
Django's ``AuthenticationMiddleware``).

- In the Wagtail admin (``/admin/``) and the Django admin (``/django-admin/``),
  such a user is sent to verify a token, or to enrol a device when 2FA is
  mandatory; only signing in and out, the 2FA pages themselves and two static
  admin assets stay reachable.
- Everywhere else (the site, the APIs that accept a session), the session
  counts as anonymous until the second factor is given: a password alone never
  acts for the editor.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from . import twofactor

# Views a user who owes a second factor may still reach inside the admin.
ALLOWED_VIEWS = frozenset(
    {
        "accounts_2fa_verify",
        "accounts_2fa_enrol",
        "wagtailadmin_login",
        "wagtailadmin_logout",
        # Loaded by the verification and enrolment pages themselves.
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
        "admin:login",
        "admin:logout",
    }
)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefixes: tuple[str, ...] | None = None

    def admin_prefixes(self) -> tuple[str, ...]:
        if self._admin_prefixes is None:
            self._admin_prefixes = (reverse("wagtailadmin_home"), reverse("admin:index"))
        return self._admin_prefixes

    def __call__(self, request):
        step = twofactor.pending_step(request.user)
        if step is None:
            return self.get_response(request)

        if request.path_info.startswith(self.admin_prefixes()):
            if self.view_name(request.path_info) not in ALLOWED_VIEWS:
                return redirect(twofactor.step_url(step, request.get_full_path()))
            return self.get_response(request)

        anonymous = AnonymousUser()
        request.user = anonymous

        async def auser():
            return anonymous

        request.auser = auser
        return self.get_response(request)

    @staticmethod
    def view_name(path: str) -> str | None:
        try:
            return resolve(path).view_name
        except Resolver404:
            return None
