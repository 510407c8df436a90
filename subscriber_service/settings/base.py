"""Settings of the subscriber service (signups, consent, preferences, Mailchimp audience).

What every service shares comes from ``platform_common.settings``; this file
adds what is the subscriber service's own.
"""

from pathlib import Path

from platform_common.settings import (
    MIDDLEWARE_BEFORE_SESSIONS,
    MIDDLEWARE_FROM_SESSIONS,
    PLATFORM_APPS,
    common_settings,
    spectacular_settings,
)

BASE_DIR = Path(__file__).resolve().parent.parent

globals().update(common_settings("subscriber_service"))

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
