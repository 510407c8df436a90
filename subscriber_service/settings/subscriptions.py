"""Settings of signups, consent, tokens and the Mailchimp audience sync."""

from platform_common.conf import env

# Languages the hosted pages and emails speak: the CMS's languages.
LANGUAGES = [
    (code, name)
    for code, name in (("en", "English"), ("fr", "Français"), ("es", "Español"))
    if code in env.list("SUBSCRIBER_LANGUAGES", default=["en", "fr", "es"])
]

SUBSCRIPTIONS = {
    # Where links in emails point: the public address of this service.
    "PUBLIC_URL": env.str("SUBSCRIBER_SERVICE_PUBLIC_URL", default="http://127.0.0.1:8001"),
    # A pending signup that is not confirmed within this time is purged.
    "PENDING_TTL_HOURS": env.int("SUBSCRIBER_PENDING_TTL_HOURS", default=7 * 24),
    # At most one confirmation (or "already subscribed") email per address per window.
    "CONFIRMATION_EMAIL_INTERVAL_HOURS": env.int(
        "SUBSCRIBER_CONFIRMATION_EMAIL_INTERVAL_HOURS", default=24
    ),
    # How long each kind of signed link stays valid.
    "TOKEN_MAX_AGE": {
        "confirm": env.int("SUBSCRIBER_CONFIRM_TOKEN_MAX_AGE", default=7 * 24 * 3600),
        "manage": env.int("SUBSCRIBER_MANAGE_TOKEN_MAX_AGE", default=365 * 24 * 3600),
        "privacy": env.int("SUBSCRIBER_PRIVACY_TOKEN_MAX_AGE", default=24 * 3600),
    },
    # Keep the signup's IP address (truncated to /24 or /48) in the consent record.
    "RECORD_IP_ADDRESS": env.bool("SUBSCRIBER_RECORD_IP_ADDRESS", default=False),
    # Key of the hashes in the suppression list; changing it forgets every suppression.
    "SUPPRESSION_HASH_KEY": env.str("SUBSCRIBER_SUPPRESSION_HASH_KEY", default=""),
    # Postal address shown in every email, as the law requires.
    "ORGANISATION_NAME": env.str("ORGANISATION_NAME", default="Human Rights Platform"),
    "POSTAL_ADDRESS": env.str("ORGANISATION_POSTAL_ADDRESS", default=""),
}

MAILCHIMP_SYNC = {
    "BATCH_SIZE": env.int("MAILCHIMP_BATCH_SIZE", default=500),
    # A Mailchimp marketing permission (GDPR field) to grant on confirmed members.
    "MARKETING_PERMISSION_ID": env.str("MAILCHIMP_MARKETING_PERMISSION_ID", default=""),
    # The secret part of the webhook URL configured in Mailchimp.
    "WEBHOOK_SECRET": env.str("MAILCHIMP_WEBHOOK_SECRET", default=""),
}
