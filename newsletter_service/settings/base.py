"""Settings of the newsletter service (campaigns from CMS content, rendering, sending).

What every service shares comes from ``platform_common.settings``; this file
adds what is the newsletter service's own.
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

globals().update(common_settings("newsletter_service"))

from .campaigns import *  # noqa: E402, F403
from .rendering import *  # noqa: E402, F403

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
    "newsletter_service.content",
    "newsletter_service.campaigns",
    "newsletter_service.sending",
    "newsletter_service.webhooks",
    "newsletter_service.rendering",
]

MIDDLEWARE = [*MIDDLEWARE_BEFORE_SESSIONS, *MIDDLEWARE_FROM_SESSIONS]

ROOT_URLCONF = "newsletter_service.urls"
WSGI_APPLICATION = "newsletter_service.wsgi.application"

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
    "Newsletter service API",
    "Campaigns built from CMS content: preview, test sends, schedules and reports.",
)

CELERY_BEAT_SCHEDULE = {
    "campaigns-sweep": {
        "task": "newsletter_service.sending.sweep",
        "schedule": NEWSLETTER_SWEEP_SECONDS,  # noqa: F405
    },
    "cms-events-sweep": {
        "task": "newsletter_service.webhooks.sweep",
        "schedule": NEWSLETTER_SWEEP_SECONDS,  # noqa: F405
    },
    "digest-build": {
        "task": "newsletter_service.campaigns.digest_build_all",
        "schedule": NEWSLETTER_DIGEST["BUILD_SECONDS"],  # noqa: F405
    },
    "reports-refresh": {
        "task": "newsletter_service.sending.reports_refresh",
        "schedule": NEWSLETTER_REPORT_REFRESH_SECONDS,  # noqa: F405
    },
    "idempotency-keys-purge": {
        "task": "newsletter_service.campaigns.idempotency_keys_purge",
        "schedule": env.float("NEWSLETTER_IDEMPOTENCY_PURGE_SECONDS", default=3600.0),
    },
}
