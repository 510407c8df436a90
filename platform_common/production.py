"""Hardening that every service's production settings apply.

A service's ``settings/production.py`` imports its base settings, then
``globals().update(production_settings(SERVICE))``. ``manage.py check
--deploy --fail-level WARNING`` passes with these settings.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from platform_common.conf import env
from platform_common.logs import logging_config

REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL")


def production_settings(service: str) -> dict[str, Any]:
    missing = [name for name in REQUIRED if not env.str(name, default="").strip()]
    if missing:
        raise ImproperlyConfigured(
            f"Production settings need {', '.join(missing)} in the environment; "
            "they never fall back to the development defaults."
        )
    secret = env.str("SECRET_KEY")
    if len(secret) < 50 or len(set(secret)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters.")
    return {
        "DEBUG": False,
        "SECRET_KEY": secret,
        "ALLOWED_HOSTS": env.list("ALLOWED_HOSTS"),
        "CSRF_TRUSTED_ORIGINS": env.list("CSRF_TRUSTED_ORIGINS", default=[]),
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        # TLS may end at a proxy that redirects by itself: the deployment may
        # turn the app's own redirect off. Probes call /healthz over plain HTTP.
        "SECURE_SSL_REDIRECT": env.bool("SECURE_SSL_REDIRECT", default=True),
        "SECURE_REDIRECT_EXEMPT": [r"^healthz$", r"^readyz$"],
        "SECURE_HSTS_SECONDS": env.int("SECURE_HSTS_SECONDS", default=31_536_000),
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": env.bool("SECURE_HSTS_PRELOAD", default=True),
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "X_FRAME_OPTIONS": "DENY",
        # Hashed, compressed files made by collectstatic (run when the image is built).
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
        "LOGGING": logging_config(
            service, json=env.bool("LOG_JSON", default=True), level=env.str("LOG_LEVEL", "INFO")
        ),
    }
