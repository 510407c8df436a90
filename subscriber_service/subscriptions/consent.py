"""The words people agree to when they sign up, versioned.

The exact wording shown, in the language shown, is copied into every
consent record. Change the text: change the version.
"""

from django.utils import translation
from django.utils.translation import gettext

CONSENT_VERSION = "2026-11-1"


def consent_wording(language: str) -> str:
    with translation.override(language):
        return gettext(
            "I agree to receive emails about the topics I selected. I can unsubscribe "
            "at any time with the link in every email. My address is used only for "
            "these emails and is never shared."
        )
