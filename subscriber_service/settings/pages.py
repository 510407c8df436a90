"""Settings of the hosted pages (``subscriber_service.pages``), from the environment."""

import re

from django.core.exceptions import ImproperlyConfigured

from platform_common.conf import env

# Sites allowed to show the embedded signup form (/embed/signup/) in an iframe, as
# origins: "https://partner.example.org,https://www.example.net". Empty: only this
# service itself may frame it. Every other page refuses to be framed.
SIGNUP_EMBED_ALLOWED_ORIGINS = env.list("SIGNUP_EMBED_ALLOWED_ORIGINS", default=[])

# An origin is a scheme, a host and maybe a port: nothing that could end the
# Content-Security-Policy directive it is written into (";", ",", quotes, spaces).
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")

_invalid = [origin for origin in SIGNUP_EMBED_ALLOWED_ORIGINS if not _ORIGIN.match(origin)]
if _invalid:
    raise ImproperlyConfigured(
        "SIGNUP_EMBED_ALLOWED_ORIGINS takes origins such as https://www.example.org "
        f"(no path, no wildcard); not: {', '.join(_invalid)}"
    )
