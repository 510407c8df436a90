"""Settings of the subscriber service (signups, consent, preferences, Mailchimp audience).

What every service shares comes from ``platform_common.settings``; this file
adds what is the subscriber service's own.
"""

from pathlib import Path

from platform_common.conf import env
from platform_common.settings import (
    MIDDLEWARE_BEFORE_SESSIONS,
    MIDDLEWARE_FROM_SESSIONS,
    PLATFORM_APPS,
    common_settings,
    spectacular_settings,
)

BASE_DIR = Path(__file__).resolve().parent.parent

globals().update(common_settings("subscriber_service"))

from .abuse import *  # noqa: E402, F403
from .pages import *  # noqa: E402, F403
from .subscriptions import *  # noqa: E402, F403

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    *PLATFORM_APPS,
    "subscriber_service.subscriptions",
    "subscriber_service.outbox",
    "subscriber_service.audience",
    "subscriber_service.abuse",
    "subscriber_service.pages",
]

MIDDLEWARE = [*MIDDLEWARE_BEFORE_SESSIONS, *MIDDLEWARE_FROM_SESSIONS]

ROOT_URLCONF = "subscriber_service.urls"
WSGI_APPLICATION = "subscriber_service.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

SPECTACULAR_SETTINGS = spectacular_settings(
    "Subscriber service API",
    "Signups with double opt-in, preferences, unsubscribe and privacy requests.",
)

LOCALE_PATHS = [BASE_DIR / "locale"]

# Bodies of public endpoints are small: refuse the rest before parsing them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024

# Sites listed in CORS_ALLOWED_ORIGINS may call the public API (/api/v1/) from a
# browser, without credentials; hosted pages, the admin and internal endpoints never
# answer cross-origin requests.
CORS_URLS_REGEX = r"^/api/v1/"
CORS_ALLOW_CREDENTIALS = False

REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        "subscriber_links": env.str("SUBSCRIBER_LINK_RATE", default="60/min"),
        "privacy": env.str("PRIVACY_REQUEST_RATE", default="10/hour"),
    },
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}

# How long a claimed outbox message is left alone before the sweeper may try it again
# (subscriber_service.outbox.services.lease): longer than any handler can run.
OUTBOX_LEASE_SECONDS = env.float("OUTBOX_LEASE_SECONDS", default=180.0)

CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "subscriber_service.outbox.sweep",
        "schedule": env.float("OUTBOX_SWEEP_SECONDS", default=30.0),
    },
    "pending-purge": {"task": "subscriber_service.subscriptions.purge_pending", "schedule": 3600.0},
    "audience-reconcile": {
        "task": "subscriber_service.audience.reconcile",
        "schedule": env.float("MAILCHIMP_RECONCILE_SECONDS", default=3600.0),
    },
}
