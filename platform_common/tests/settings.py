"""A minimal Django project to test the shared library on its own."""

from platform_common.settings import (
    MIDDLEWARE_BEFORE_SESSIONS,
    MIDDLEWARE_FROM_SESSIONS,
    PLATFORM_APPS,
    common_settings,
)

globals().update(common_settings("platform_common_tests"))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework",
    *PLATFORM_APPS,
]
MIDDLEWARE = [*MIDDLEWARE_BEFORE_SESSIONS, *MIDDLEWARE_FROM_SESSIONS]
ROOT_URLCONF = "platform_common.tests.urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEMPLATES = [
    {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True},
]
SERVICE_CLIENTS = {"cms": "cms-test-credential", "newsletter_service": "newsletter-test-credential"}
