"""Settings of the CMS (Wagtail: content model, editors, content API).

What every service shares comes from ``platform_common.settings``; this file
adds what is the CMS's own.
"""

from pathlib import Path

from platform_common import conf, webhooks
from platform_common.settings import (
    MIDDLEWARE_BEFORE_SESSIONS,
    MIDDLEWARE_FROM_SESSIONS,
    PLATFORM_APPS,
    common_settings,
    spectacular_settings,
)

BASE_DIR = Path(__file__).resolve().parent.parent

globals().update(common_settings("cms"))

INSTALLED_APPS = [
    "cms.home",
    "cms.core",
    "cms.images",
    "cms.taxonomy",
    "cms.monitor",
    "cms.reports",
    "cms.programmes",
    "cms.stories",
    "cms.resources",
    "cms.api",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.api.v2",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    *PLATFORM_APPS,
]

MIDDLEWARE = [
    *MIDDLEWARE_BEFORE_SESSIONS,
    *MIDDLEWARE_FROM_SESSIONS,
    # After AuthenticationMiddleware: has the session given a second factor
    # (django-otp), then keep those who owe one out of the admin (cms.accounts).
    "django_otp.middleware.OTPMiddleware",
    "cms.accounts.middleware.TwoFactorMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: shows the lockout page after too many failures.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in of a locked-out username + address (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "wagtail.contrib.settings.context_processors.settings",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

MEDIA_ROOT = conf.env.str("MEDIA_ROOT", default=str(conf.var_dir() / "cms" / "media"))
MEDIA_URL = "/media/"
# Files of images in a collection with a privacy restriction (defenders' faces
# that must not be shown): never under MEDIA_ROOT, never served by the web
# server; editors reach them through a permission-checked admin view
# (cms.images.storage). Keep it out of MEDIA_ROOT and out of any web root.
# Left empty (as in .env.example), it is the default: never the working directory.
CMS_PRIVATE_MEDIA_ROOT = conf.env.str("CMS_PRIVATE_MEDIA_ROOT", default="") or str(
    conf.var_dir() / "cms" / "private-media"
)

# Complex page models can exceed Django's default of 1,000 form fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Languages: editors translate pages and taxonomies with wagtail-localize.
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    (code, name)
    for code, name in [("en", "English"), ("fr", "French"), ("es", "Spanish")]
    if code in conf.env.list("CMS_LANGUAGES", default=["en", "fr", "es"])
]
WAGTAIL_I18N_ENABLED = True
LOCALE_PATHS = [BASE_DIR / "locale"]

WAGTAILIMAGES_IMAGE_MODEL = "images.CustomImage"
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.images.forms.SafeImageForm"
WAGTAILIMAGES_RENDITION_STORAGE = "cms.images.storage.image_storage"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024

# Where the signup block sends supporters (the subscriber service's public address).
SUBSCRIBER_SERVICE_PUBLIC_URL = conf.env.str(
    "SUBSCRIBER_SERVICE_PUBLIC_URL", default="http://127.0.0.1:8001"
)

# External sites (CORS_ALLOWED_ORIGINS) may read the content API from a
# browser; nothing else of the CMS answers cross-origin requests.
CORS_URLS_REGEX = r"^/api/v[23]/"
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False

# Content API: up to 100 items a page.
WAGTAILAPI_LIMIT_MAX = 100
WAGTAILAPI_BASE_URL = conf.env.str("WAGTAILAPI_BASE_URL", default="http://127.0.0.1:8000")
# Its OpenAPI schema at /api/v2/schema/ and Swagger UI at /api/v2/docs/: the
# content API alone (cms.api.schema_urls), with components made from the page
# models and their blocks (cms.api.schema).
INSTALLED_APPS += ["drf_spectacular", "drf_spectacular_sidecar"]
# API v3 (Wagtail 8's preview, read-only here: cms.api.v3) at /api/v3/, its OpenAPI
# document at /api/v3/openapi.json; "ninja" serves its Swagger UI's files itself.
INSTALLED_APPS += ["ninja"]
SPECTACULAR_SETTINGS = {
    **spectacular_settings(
        "Content API",
        "Published pages, images and documents of the CMS, for external sites. "
        "A guide with examples: docs/content_api.md.",
    ),
    "SERVE_URLCONF": "cms.api.schema_urls",
    # The deploy check would build a schema of every URL, Wagtail's own admin
    # API included, which is not ours to describe; cms/api/tests/test_schema.py
    # validates the content API's schema (--validate --fail-on-warn) instead.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cms.api.schema.add_components",
    ],
}

# RSS and Atom feeds of the Monitor: how many of the latest articles they list.
MONITOR_FEED_LIMIT = conf.env.int("CMS_MONITOR_FEED_LIMIT", default=20)

# Headless preview (wagtail-headless-preview): Wagtail's preview shows the draft
# as rendered by an external front end, which fetches it from
# /api/v2/page_preview/ with a signed token valid CMS_PREVIEW_TOKEN_SECONDS.
# HEADLESS_PREVIEW_CLIENT_URLS: "default=https://front.example.org/preview/"
# plus "cms-hostname=URL" pairs per site; unset, Wagtail's own preview is used.
INSTALLED_APPS += ["wagtail_headless_preview"]
WAGTAIL_HEADLESS_PREVIEW = {
    "CLIENT_URLS": conf.env.dict("HEADLESS_PREVIEW_CLIENT_URLS", default={}),
    "REDIRECT_ON_PREVIEW": True,
}
CMS_PREVIEW_TOKEN_SECONDS = conf.env.int("CMS_PREVIEW_TOKEN_SECONDS", default=300)

WAGTAIL_SITE_NAME = conf.env.str("WAGTAIL_SITE_NAME", default="Human rights platform")
WAGTAILADMIN_BASE_URL = conf.env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "epub", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024

# --- Editors' accounts: two-factor authentication and login limits (cms.accounts) ---
# How editors enrol, unlock and reset: docs/cms.md.
INSTALLED_APPS += [
    "cms.accounts",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
]

# TOTP two-factor authentication (django-otp): an editor with a device always
# gives a code after the password; when required, an editor without one must
# enrol before using the admin. Off by default here, on in production.py.
WAGTAIL_2FA_REQUIRED = conf.env.bool("CMS_2FA_REQUIRED", default=False)
# The name authenticator apps show for the account: where an editor's phone may
# be inspected, a discreet one (CMS_2FA_ISSUER) does not name the organisation.
OTP_TOTP_ISSUER = conf.env.str("CMS_2FA_ISSUER", default=WAGTAIL_SITE_NAME)
# The Django admin lists devices (to delete a lost one) without showing their secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Login attempt limits (django-axes): failures are counted in the default
# cache (Redis in production) per username + client address; that pair is
# locked out for a while once it reaches the limit.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CACHE = "default"
AXES_FAILURE_LIMIT = conf.env.int("CMS_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = conf.env.int("CMS_LOGIN_LOCKOUT_MINUTES", default=30) / 60  # float: hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cms.accounts.lockouts.lockout_response"
# The cache handler keeps no rows: axes' admin pages would only ever be empty.
AXES_ENABLE_ADMIN = False

# The client address that lockouts count by (django-ipware, through axes).
# X-Forwarded-For is written by whoever sends the request: it is read only
# when CMS_TRUSTED_PROXY_COUNT says how many reverse proxies, each appending
# the address it received the request from (nginx: $proxy_add_x_forwarded_for),
# stand in front of the CMS, which must then be reachable through them only.
# The client is the entry the outermost of them appended, counted from the
# right, so addresses a client puts in the header itself are ignored.
CMS_TRUSTED_PROXY_COUNT = conf.env.int("CMS_TRUSTED_PROXY_COUNT", default=0)
if CMS_TRUSTED_PROXY_COUNT > 0:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    AXES_IPWARE_PROXY_ORDER = "left-most"
    AXES_IPWARE_PROXY_COUNT = CMS_TRUSTED_PROXY_COUNT - 1
    # Not strict: a header with extra entries a client added still gives the
    # address our proxies appended, instead of falling back to the proxy's own.
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Without REDIS_URL (development, tests) the default cache is a file cache,
# which axes warns about (axes.W001: not shared between machines, increments
# not atomic). Production requires Redis, where the warning stays active.
if globals()["CACHES"]["default"]["BACKEND"].endswith(".FileBasedCache"):
    SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "axes.W001"]

# --- Publish events, webhooks and content API caching (cms.events) ---
# What each setting means: docs/cms.md, "Publish events and caching".
INSTALLED_APPS += ["cms.events"]
# Admin changes run in one transaction with the publish events they record.
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"),
    "cms.events.middleware.AdminTransactionMiddleware",
)
CMS_WEBHOOK_ENDPOINTS = webhooks.parse_endpoints(conf.env.dict("CMS_WEBHOOK_ENDPOINTS", default={}))
CMS_WEBHOOK_TIMEOUT = conf.env.float("CMS_WEBHOOK_TIMEOUT", default=10.0)
CMS_WEBHOOK_MAX_ATTEMPTS = conf.env.int("CMS_WEBHOOK_MAX_ATTEMPTS", default=12)
CELERY_BEAT_SCHEDULE = {
    "cms-sweep-webhook-deliveries": {
        "task": "cms.events.tasks.sweep_webhook_deliveries",
        "schedule": 60.0,
    },
}
# Content API responses: how long clients and proxies may keep them, and the server cache.
CMS_API_CACHE_MAX_AGE = conf.env.int("CMS_API_CACHE_MAX_AGE", default=60)
CMS_API_CACHE_STALE_WHILE_REVALIDATE = conf.env.int(
    "CMS_API_CACHE_STALE_WHILE_REVALIDATE", default=300
)
CMS_API_CACHE_TIMEOUT = conf.env.int("CMS_API_CACHE_TIMEOUT", default=600)
# A CDN or proxy cache purged by publish events (Wagtail's frontend cache backends).
WAGTAILFRONTENDCACHE = {}
if frontend_cache_url := conf.env.str("CMS_FRONTEND_CACHE_URL", default=""):
    WAGTAILFRONTENDCACHE["default"] = {
        "BACKEND": "cms.events.frontend_cache.PurgeHTTPBackend",
        "LOCATION": frontend_cache_url,
        "TIMEOUT": conf.env.float("CMS_FRONTEND_CACHE_TIMEOUT", default=5.0),
    }
CMS_FRONTEND_CACHE_PURGE_PREFIX = conf.env.bool("CMS_FRONTEND_CACHE_PURGE_PREFIX", default=False)

# --- "Send as newsletter" from the Wagtail admin (cms.newsletters) ---
# The newsletter service's API, called with the CMS's own credential
# (NEWSLETTER_SERVICE_URL, NEWSLETTER_SERVICE_TOKEN, NEWSLETTER_SERVICE_TIMEOUT
# for reads); building, testing and sending an email may take longer, but
# must end before gunicorn's worker timeout (30 s, deploy/gunicorn.conf.py).
INSTALLED_APPS += ["cms.newsletters"]
NEWSLETTER_SERVICE = {
    **conf.remote_service("newsletter_service"),
    "send_timeout": conf.env.float("NEWSLETTER_SERVICE_SEND_TIMEOUT", default=20.0),
}
