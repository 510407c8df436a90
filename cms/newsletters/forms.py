"""The forms of the "Send as newsletter" screens.

Each carries an ``idempotency_key`` made when the form is shown: a second
click, or a resubmitted page, repeats the key, and the newsletter service
answers it with the first result instead of acting twice.
"""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import get_language
from wagtail.admin.widgets import AdminDateTimeInput

from cms.newsletters.clients import AudienceOptions
from cms.newsletters.selectors import PREVIEW_TEXT_MAX, SUBJECT_MAX

MAX_TEST_ADDRESSES = 10
# The newsletter service's limit for the reason of a transition.
REASON_MAX = 500


def _new_key() -> str:
    return uuid.uuid4().hex


class IdempotentForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, initial=_new_key, max_length=64)


class CampaignCreateForm(IdempotentForm):
    subject = forms.CharField(max_length=SUBJECT_MAX)
    preview_text = forms.CharField(
        max_length=PREVIEW_TEXT_MAX,
        required=False,
        help_text="Shown after the subject in most inboxes.",
    )
    interests = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label="Audience",
        help_text="Subscribers who chose any of these interests…",
    )
    language = forms.ChoiceField(help_text="…and who read in this language.")

    def __init__(self, *args, audience: AudienceOptions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        ui_language = (get_language() or "en")[:2]
        self.fields["interests"].choices = [
            (interest.key, interest.label(ui_language)) for interest in audience.interests
        ]
        names = dict(settings.LANGUAGES)
        self.fields["language"].choices = [
            (code, names.get(code, code)) for code in audience.languages
        ]


def _addresses(value: str) -> list[str]:
    return [part for part in value.replace(",", "\n").replace(";", "\n").split() if part]


class SendTestForm(IdempotentForm):
    emails = forms.CharField(
        label="Send a test to",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f"Up to {MAX_TEST_ADDRESSES} addresses, separated by commas or new lines.",
    )

    def clean_emails(self) -> list[str]:
        addresses = list(dict.fromkeys(_addresses(self.cleaned_data["emails"])))
        if not addresses:
            raise ValidationError("Give at least one address.")
        if len(addresses) > MAX_TEST_ADDRESSES:
            raise ValidationError(f"At most {MAX_TEST_ADDRESSES} addresses.")
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(f"“{address}” is not an email address.") from None
        return addresses


class ScheduleForm(IdempotentForm):
    scheduled_for = forms.DateTimeField(
        label="Send at",
        widget=AdminDateTimeInput,
        help_text="Moved to the next quarter hour (:00, :15, :30, :45) if in between.",
    )


class SendNowForm(IdempotentForm):
    confirm = forms.BooleanField(
        label="Send it to the whole audience now",
        help_text="This cannot be undone: check the preview and the test email first.",
    )


class CampaignChangeForm(IdempotentForm):
    """Unschedule or cancel, on the confirmation screen; the reason goes into the history."""

    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional. Recorded in the newsletter's history.",
    )
