"""Settings of the email rendering (``newsletter_service.rendering``)."""

from pathlib import Path

from platform_common.conf import env

# The UI strings of the emails (Read more, Unsubscribe...) in French and Spanish.
LOCALE_PATHS = [Path(__file__).resolve().parent.parent / "locale"]

NEWSLETTER_RENDERING = {
    # Mailchimp merge tags, written verbatim into every email. Our own preference
    # centre can replace Mailchimp's by naming its merge tag here.
    "UNSUBSCRIBE_TAG": "*|UNSUB|*",
    "PREFERENCES_TAG": "*|UPDATE_PROFILE|*",
    # "View this email in your browser"; empty to leave the link out.
    "ARCHIVE_TAG": "*|ARCHIVE|*",
    # The audience's description ("You receive this email because..."); empty to leave it out.
    "LIST_DESCRIPTION_TAG": "",
    # Who sends, and the physical postal address the law requires in every email:
    # the same variables as the subscriber service's emails.
    "ORGANISATION_NAME": env.str("ORGANISATION_NAME", default="Human Rights Platform"),
    "ORGANISATION_POSTAL_ADDRESS": env.str("ORGANISATION_POSTAL_ADDRESS", default=""),
    # Width of the email's column, and so of its images, in CSS pixels.
    "CONTENT_WIDTH": 600,
    "BRAND_COLOUR": "#1d4f91",
    # Query parameters added to links to the CMS's sites (e.g.
    # {"utm_source": "newsletter", "utm_medium": "email"}); none by default.
    "UTM_PARAMETERS": {},
    # What the in-browser preview shows in place of each merge tag.
    "PREVIEW_MERGE_VALUES": {
        "*|UNSUB|*": "#unsubscribe",
        "*|UPDATE_PROFILE|*": "#preferences",
        "*|ARCHIVE|*": "#archive",
        "*|LIST:DESCRIPTION|*": "You subscribed on our website.",
        "*|FNAME|*": "Alex",
        "*|LNAME|*": "Doe",
        "*|EMAIL|*": "alex@example.org",
    },
}
