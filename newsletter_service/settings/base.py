"""Settings of the newsletter service (campaigns from CMS content, rendering, sending).

What every service shares comes from ``platform_common.settings``; this file
adds what is the newsletter service's own.
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

globals().update(common_settings("newsletter_service"))

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
