"""Django settings that are the same in every service.

A service's ``settings/base.py`` calls :func:`common_settings` and then
declares what is its own: apps, middleware, URLs, templates.
"""

from __future__ import annotations

from typing import Any

from django_guid.integrations import CeleryIntegration

from platform_common import conf
from platform_common.celery import celery_settings
from platform_common.logs import logging_config

MIDDLEWARE_BEFORE_SESSIONS = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django_guid.middleware.guid_middleware",
    "corsheaders.middleware.CorsMiddleware",
    "platform_common.middleware.DatabaseUnavailableMiddleware",
]
MIDDLEWARE_FROM_SESSIONS = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
PLATFORM_APPS = [
    "platform_common",
    "corsheaders",
    "django_guid",
]


def common_settings(service: str) -> dict[str, Any]:
    env = conf.env
    return {
        "SERVICE_NAME": service,
        "SECRET_KEY": conf.secret_key(service, required=False),
        "DEBUG": False,
        "ALLOWED_HOSTS": env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"]),
        "DATABASES": {"default": conf.database(service)},
        "CACHES": {"default": conf.cache(service)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "AUTH_PASSWORD_VALIDATORS": [
            {"NAME": f"django.contrib.auth.password_validation.{name}"}
            for name in (
                "UserAttributeSimilarityValidator",
                "MinimumLengthValidator",
                "CommonPasswordValidator",
                "NumericPasswordValidator",
            )
        ],
        "LANGUAGE_CODE": "en",
        "TIME_ZONE": "UTC",
        "USE_I18N": True,
        "USE_TZ": True,
        "STATIC_URL": "/static/",
        "STATIC_ROOT": conf.static_root(service),
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        "SERVICE_CLIENTS": conf.service_clients(),
        "CORS_ALLOWED_ORIGINS": env.list("CORS_ALLOWED_ORIGINS", default=[]),
        "REST_FRAMEWORK": {
            "DEFAULT_AUTHENTICATION_CLASSES": [
                "platform_common.auth.ServiceTokenAuthentication",
                "rest_framework.authentication.SessionAuthentication",
            ],
            "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
            "DEFAULT_SCHEMA_CLASS": "platform_common.schema.ProblemAutoSchema",
            "EXCEPTION_HANDLER": "platform_common.api.problem_exception_handler",
            "DEFAULT_PARSER_CLASSES": [
                "platform_common.api.JSONParser",
                "rest_framework.parsers.FormParser",
                "rest_framework.parsers.MultiPartParser",
            ],
            "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
            "PAGE_SIZE": 20,
        },
        "DJANGO_GUID": {
            "GUID_HEADER_NAME": "X-Request-ID",
            "VALIDATE_GUID": False,
            "RETURN_HEADER": True,
            "EXPOSE_HEADER": True,
            "INTEGRATIONS": [CeleryIntegration(use_django_logging=True, log_parent=True)],
        },
        "LOGGING": logging_config(
            service,
            json=env.bool("LOG_JSON", default=False),
            level=env.str("LOG_LEVEL", default="INFO"),
        ),
        "MAILCHIMP": conf.mailchimp(),
        **conf.email(),
        **celery_settings(service),
    }


def spectacular_settings(title: str, description: str) -> dict[str, Any]:
    return {
        "TITLE": title,
        "DESCRIPTION": description,
        "VERSION": "1.0.0",
        "SERVE_INCLUDE_SCHEMA": False,
        # Self-hosted Swagger UI: no third-party scripts.
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
        "OAS_VERSION": "3.1.0",
    }
