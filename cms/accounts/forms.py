from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.models import VerifyNotAllowed


def token_field() -> forms.CharField:
    return forms.CharField(
        label=_("Authentication code"),
        max_length=8,
        help_text=_("The 6-digit code that your authenticator app shows now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class VerifyForm(OTPAuthenticationFormMixin, forms.Form):
    """A code from one of the user's confirmed devices.

    django-otp verifies the code against one chosen device (with its
    throttling: each wrong code makes the next try wait longer). An editor with
    a single device is not asked to choose it.
    """

    otp_device = forms.ChoiceField(label=_("Device"), choices=[], required=False)
    otp_token = token_field()

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Only confirmed devices can be chosen: the field refuses any other value.
        choices = [(d.persistent_id, d.name) for d in devices_for_user(user, confirmed=True)]
        self.fields["otp_device"].choices = choices
        if len(choices) == 1:
            self.fields["otp_device"].widget = forms.HiddenInput()
            self.fields["otp_device"].initial = choices[0][0]

    def clean_otp_device(self):
        chosen = self.cleaned_data.get("otp_device")
        choices = self.fields["otp_device"].choices
        if not chosen and len(choices) == 1:
            return choices[0][0]
        return chosen

    def clean(self):
        super().clean()
        self.clean_otp(self.user)
        return self.cleaned_data

    @property
    def device(self):
        """The device that accepted the code (after a successful ``is_valid()``)."""
        return self.user.otp_device


class EnrolForm(forms.Form):
    """Confirms a new, still unconfirmed TOTP device with a first code from it."""

    name = forms.CharField(
        label=_("Device name"),
        max_length=64,
        initial=_("Authenticator app"),
        help_text=_("To tell your devices apart, e.g. “work phone”."),
    )
    otp_token = token_field()

    def __init__(self, device, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean(self):
        cleaned_data = super().clean()
        token = cleaned_data.get("otp_token")
        if token is None:
            return cleaned_data
        with transaction.atomic():
            allowed, extra = self.device.verify_is_allowed()
            if not allowed:
                if extra and extra.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
                    raise forms.ValidationError(
                        _("Too many wrong codes: wait a little, then try again."),
                        code="throttled",
                    )
                raise forms.ValidationError(_("Verification is disabled for now."))
            if not self.device.verify_token(token):
                raise forms.ValidationError(
                    _("This code is not the one your app shows now. Check the code and try again."),
                    code="invalid_token",
                )
        return cleaned_data
