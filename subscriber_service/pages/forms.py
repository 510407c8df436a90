"""The forms of the hosted pages: what people type, checked before any service is called.

Templates render the inputs by hand (``pages/includes/``) so that every error
sits next to its field and is tied to it with ``aria-describedby``; the forms
only validate and carry the choices in the page's language.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from subscriber_service.subscriptions.consent import consent_wording
from subscriber_service.subscriptions.models import Interest, PrivacyRequest


def language_choices() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


class InterestsMixin:
    """Interest checkboxes labelled in the page's language."""

    def set_interest_choices(self, interests: Iterable[Interest], language: str) -> None:
        self.fields["interests"].choices = [
            (interest.key, interest.label(language)) for interest in interests
        ]


class SignupForm(InterestsMixin, forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.org."),
        },
    )
    name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language of the emails"), choices=language_choices)
    interests = forms.MultipleChoiceField(
        label=_("Topics"),
        error_messages={
            "required": _("Choose at least one topic."),
            "invalid_choice": _("This topic is no longer offered; choose another."),
        },
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Tick this box to subscribe: we need your consent.")}
    )

    def __init__(self, *args, interests: Iterable[Interest], language: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_interest_choices(interests, language)
        # The exact words the person agrees to, as the consent record keeps them.
        self.fields["consent"].label = consent_wording(language)


class PreferencesForm(InterestsMixin, forms.Form):
    name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language of the emails"), choices=language_choices)
    interests = forms.MultipleChoiceField(
        label=_("Topics"),
        error_messages={
            "required": _("Choose at least one topic. To stop all emails, unsubscribe instead."),
            "invalid_choice": _("This topic is no longer offered; choose another."),
        },
    )

    def __init__(self, *args, interests: Iterable[Interest], language: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_interest_choices(interests, language)


class PrivacyRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.org."),
        },
    )
    kind = forms.ChoiceField(
        label=_("What would you like us to do?"),
        choices=[
            (PrivacyRequest.Kind.EXPORT, _("Send me a copy of the data you hold about me")),
            (PrivacyRequest.Kind.ERASURE, _("Erase the data you hold about me")),
        ],
        error_messages={"required": _("Choose what you would like us to do.")},
    )
