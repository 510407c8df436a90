"""Settings of campaigns: where content comes from, who receives it, how it is sent.

Every value comes from the environment (see the newsletter section of
``.env.example``) with a default that works for the demo.
"""

from platform_common import conf
from platform_common.conf import env

# The services this one calls, each through its typed client (newsletter_service.content.clients).
CMS = conf.remote_service("cms")
SUBSCRIBER_SERVICE = conf.remote_service("subscriber_service")

# Where the CMS's public site lives, written into the snapshot (links, images in emails).
NEWSLETTER_CMS_PUBLIC_URL = env.str("NEWSLETTER_CMS_PUBLIC_URL", default=CMS["url"])

# Languages campaigns are written in; one campaign per language.
NEWSLETTER_LANGUAGES = env.list("NEWSLETTER_LANGUAGES", default=["en", "fr", "es"])
NEWSLETTER_DEFAULT_LANGUAGE = env.str("NEWSLETTER_DEFAULT_LANGUAGE", default="en")
# A page with no translation in the campaign's language: "skip" leaves it out (a
# campaign with nothing left is refused), "default_language" sends the default language's.
NEWSLETTER_TRANSLATION_FALLBACK = env.str("NEWSLETTER_TRANSLATION_FALLBACK", default="skip")

# Sender of every campaign unless the campaign says otherwise.
NEWSLETTER_FROM_NAME = env.str("NEWSLETTER_FROM_NAME", default="Human Rights Platform")
NEWSLETTER_REPLY_TO = env.str("NEWSLETTER_REPLY_TO", default="newsletter@example.org")

# mailchimp or local (records what would be sent under var/newsletter_service/campaigns/).
NEWSLETTER_SEND_BACKEND = env.str(
    "NEWSLETTER_SEND_BACKEND",
    default="mailchimp" if conf.mailchimp()["BACKEND"] == "mailchimp" else "local",
)
NEWSLETTER_LOCAL_OUTBOX = str(conf.service_var_dir("newsletter_service", "campaigns"))

# Scheduling: Mailchimp sends on quarter-hour marks only; a time in between is
# moved to the next mark (never earlier than asked), a time in the past is refused.
NEWSLETTER_SCHEDULE_MIN_LEAD_SECONDS = env.int("NEWSLETTER_SCHEDULE_MIN_LEAD_SECONDS", default=60)

# The Monitor digest, built by Celery beat per language.
NEWSLETTER_DIGEST_AUTO_SEND = env.bool("NEWSLETTER_DIGEST_AUTO_SEND", default=False)
NEWSLETTER_DIGEST = {
    "LANGUAGES": env.list("NEWSLETTER_DIGEST_LANGUAGES", default=NEWSLETTER_LANGUAGES),
    "THEMES": env.list("NEWSLETTER_DIGEST_THEMES", default=[]),
    "COUNTRIES": env.list("NEWSLETTER_DIGEST_COUNTRIES", default=[]),
    "PROGRAMME": env.str("NEWSLETTER_DIGEST_PROGRAMME", default=""),
    # Interest keys of the subscriber service the digest goes to.
    "INTERESTS": env.list("NEWSLETTER_DIGEST_INTERESTS", default=["monitor"]),
    "MAX_ARTICLES": env.int("NEWSLETTER_DIGEST_MAX_ARTICLES", default=20),
    # How far back the very first digest looks.
    "FIRST_LOOKBACK_DAYS": env.int("NEWSLETTER_DIGEST_FIRST_LOOKBACK_DAYS", default=7),
    "SUBJECT": env.str("NEWSLETTER_DIGEST_SUBJECT", default="Human Rights Monitor: {date}"),
    "BUILD_SECONDS": env.float("NEWSLETTER_DIGEST_BUILD_SECONDS", default=24 * 3600.0),
}

# Reports of sent campaigns are refreshed this often, for this many days after the send.
NEWSLETTER_REPORT_REFRESH_SECONDS = env.float("NEWSLETTER_REPORT_REFRESH_SECONDS", default=3600.0)
NEWSLETTER_REPORT_DAYS = env.int("NEWSLETTER_REPORT_DAYS", default=30)
# How often unfinished sends, schedules and received events are looked at again.
NEWSLETTER_SWEEP_SECONDS = env.float("NEWSLETTER_SWEEP_SECONDS", default=60.0)
# How long a claimed campaign sync is left alone before the sweeper may run it again
# (newsletter_service.sending.services.sync_lease): longer than a sync can take.
NEWSLETTER_SYNC_LEASE_SECONDS = env.float("NEWSLETTER_SYNC_LEASE_SECONDS", default=360.0)

# Signed publish webhooks from the CMS (platform_common.webhooks): the shared
# secret, and the previous one while it is being rotated.
CMS_WEBHOOK_SECRETS = [
    secret
    for secret in (
        env.str("CMS_WEBHOOK_SECRET", default=""),
        env.str("CMS_WEBHOOK_PREVIOUS_SECRET", default=""),
    )
    if secret
]
CMS_WEBHOOK_TOLERANCE_SECONDS = env.int("CMS_WEBHOOK_TOLERANCE_SECONDS", default=300)

# A POST repeated with the same Idempotency-Key within this time gets the first answer.
NEWSLETTER_IDEMPOTENCY_KEY_HOURS = env.int("NEWSLETTER_IDEMPOTENCY_KEY_HOURS", default=24)
