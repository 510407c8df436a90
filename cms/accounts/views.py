"""Two-factor pages of the Wagtail admin: verify a code, enrol a device, list devices."""

from __future__ import annotations

import logging
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import twofactor
from .forms import EnrolForm, VerifyForm

ENROL_SESSION_KEY = "accounts_2fa_enrol_device"

logger = logging.getLogger(__name__)


def qr_code_svg(data: str) -> str:
    """An inline SVG QR code (drawn here: no image request, no third-party script)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    # The SVG holds nothing but paths computed from ``data``.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


def grouped(secret: str) -> str:
    """``ABCD EFGH …``: easier to type into an app that cannot scan."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@method_decorator([never_cache, sensitive_post_parameters("otp_token")], name="dispatch")
class SignedInView(View):
    """Base for views that need a signed-in user (a password, not yet a second factor)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
        return super().dispatch(request, *args, **kwargs)


class VerifyView(SignedInView):
    template_name = "accounts/verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            step = twofactor.pending_step(request.user)
            if step is None:
                return redirect(twofactor.safe_next_url(request))
            if step == twofactor.ENROL:
                return redirect(twofactor.step_url(step, twofactor.safe_next_url(request)))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.respond(VerifyForm(request.user))

    def post(self, request):
        form = VerifyForm(request.user, data=request.POST)
        if not form.is_valid():
            return self.respond(form)
        otp_login(request, form.device)
        # A new session key once the second factor is given.
        request.session.cycle_key()
        return redirect(twofactor.safe_next_url(request))

    def respond(self, form):
        context = {
            "form": form,
            "next": twofactor.safe_next_url(self.request),
            "redirect_field_name": REDIRECT_FIELD_NAME,
        }
        return render(self.request, self.template_name, context)


class EnrolView(SignedInView):
    """Add a TOTP device: scan the QR code, then confirm with a first code.

    Each visit makes a new unconfirmed device (django-otp generates its secret);
    only a correct code from it confirms it. A user who already has a device must
    have verified a code from it first: a password alone cannot add a device.
    """

    template_name = "accounts/enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and twofactor.pending_step(request.user) == (
            twofactor.VERIFY
        ):
            return redirect(twofactor.step_url(twofactor.VERIFY, request.get_full_path()))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        with transaction.atomic():
            TOTPDevice.objects.devices_for_user(request.user, confirmed=False).delete()
            device = TOTPDevice.objects.create(
                user=request.user, name=_("Authenticator app"), confirmed=False
            )
        request.session[ENROL_SESSION_KEY] = device.pk
        return self.respond(EnrolForm(device), device)

    def post(self, request):
        device = (
            TOTPDevice.objects.devices_for_user(request.user, confirmed=False)
            .filter(pk=request.session.get(ENROL_SESSION_KEY))
            .first()
        )
        if device is None:
            messages.error(request, _("This QR code has expired: scan the new one."))
            return redirect(request.get_full_path())
        form = EnrolForm(device, data=request.POST)
        if not form.is_valid():
            return self.respond(form, device)
        with transaction.atomic():
            device.name = form.cleaned_data["name"]
            device.confirmed = True
            device.save(update_fields=["name", "confirmed"])
            TOTPDevice.objects.devices_for_user(request.user, confirmed=False).delete()
        del request.session[ENROL_SESSION_KEY]
        logger.info("2FA device %s enrolled by user %s", device.pk, request.user.pk)
        otp_login(request, device)
        request.session.cycle_key()
        messages.success(
            request,
            _("Two-factor authentication is on: you will enter a code from “%(name)s” at sign-in.")
            % {"name": device.name},
        )
        return redirect(twofactor.safe_next_url(request))

    def respond(self, form, device):
        context = {
            "form": form,
            "qr_code": qr_code_svg(device.config_url),
            "secret": grouped(b32encode(device.bin_key).decode()),
            "next": twofactor.safe_next_url(self.request),
            "redirect_field_name": REDIRECT_FIELD_NAME,
            "has_device": user_has_device(self.request.user, confirmed=True),
        }
        return render(self.request, self.template_name, context)


class DevicesView(SignedInView):
    """The signed-in editor's own devices (reached from "Account"; the middleware
    has already asked for a code if they have a device)."""

    template_name = "accounts/devices.html"

    def get(self, request):
        context = {"devices": list(devices_for_user(request.user, confirmed=True))}
        return render(request, self.template_name, context)


class DeviceDeleteView(SignedInView):
    def post(self, request, pk):
        device = get_object_or_404(
            TOTPDevice.objects.devices_for_user(request.user, confirmed=True), pk=pk
        )
        device.delete()
        logger.info("2FA device %s removed by user %s", pk, request.user.pk)
        messages.success(request, _("Device “%(name)s” removed.") % {"name": device.name})
        return redirect("accounts_2fa_devices")
