"""Signup abuse protection (``subscriber_service.abuse``), from the environment.

Imported by ``base.py``. The defaults suit production; ``test.py`` lowers the
proof-of-work cost. See ``.env.example`` for what each variable means.
"""

from platform_common import conf

env = conf.env

# Rate limits, counted in the default cache (Redis in production): "<count>/<period>",
# the period being s, m, h or d, optionally with a multiplier ("20/h", "100/6h").
# An empty value turns that limit off.
SIGNUP_RATE_PER_IP = env.str("SIGNUP_RATE_PER_IP", default="20/h")
SIGNUP_RATE_PER_ADDRESS = env.str("SIGNUP_RATE_PER_ADDRESS", default="5/h")
# IPv6 clients are counted per network of this prefix length (one host usually has a /64).
SIGNUP_IPV6_PREFIX_LENGTH = env.int("SIGNUP_IPV6_PREFIX_LENGTH", default=64)
# When the cache cannot be reached, let signups through (logged) rather than refuse them all.
SIGNUP_ABUSE_FAIL_OPEN = env.bool("SIGNUP_ABUSE_FAIL_OPEN", default=True)
# django-ratelimit's core functions read these two.
RATELIMIT_USE_CACHE = "default"
RATELIMIT_CACHE_PREFIX = "signup-rl:"

# The client address is read as DRF's throttles read it: NUM_PROXIES (REST_FRAMEWORK,
# in base.py) says how many reverse proxies stand in front of the service.

# Self-hosted ALTCHA proof of work. Without ALTCHA_HMAC_KEY, a key derived from
# SECRET_KEY signs the challenges.
ALTCHA_HMAC_KEY = env.str("ALTCHA_HMAC_KEY", default="")
# Upper bound of the secret number: a browser tries half of it on average.
ALTCHA_MAX_NUMBER = env.int("ALTCHA_MAX_NUMBER", default=100_000)
ALTCHA_EXPIRY_SECONDS = env.int("ALTCHA_EXPIRY_SECONDS", default=300)
# Off only to let every client sign up without solving a challenge (not recommended).
SIGNUP_PROOF_OF_WORK_REQUIRED = env.bool("SIGNUP_PROOF_OF_WORK_REQUIRED", default=True)

# Hosted and embedded forms: the hidden field people leave empty, and how long
# filling the form must take at least and may take at most.
SIGNUP_HONEYPOT_FIELD = env.str("SIGNUP_HONEYPOT_FIELD", default="website")
SIGNUP_MIN_FILL_SECONDS = env.float("SIGNUP_MIN_FILL_SECONDS", default=3.0)
SIGNUP_FORM_MAX_AGE_SECONDS = env.int("SIGNUP_FORM_MAX_AGE_SECONDS", default=24 * 60 * 60)

# Address checks: domains refused besides the bundled list of disposable providers
# (comma-separated; subdomains are refused too), another list file instead of the
# bundled one, and an optional DNS lookup (MX, else A/AAAA) of the domain.
SIGNUP_BLOCKED_DOMAINS = env.list("SIGNUP_BLOCKED_DOMAINS", default=[])
SIGNUP_DISPOSABLE_DOMAINS_FILE = env.str("SIGNUP_DISPOSABLE_DOMAINS_FILE", default="")
SIGNUP_CHECK_DNS = env.bool("SIGNUP_CHECK_DNS", default=False)
SIGNUP_DNS_TIMEOUT = env.float("SIGNUP_DNS_TIMEOUT", default=2.0)
# Name servers for that lookup (default: the system's).
SIGNUP_DNS_NAMESERVERS = env.list("SIGNUP_DNS_NAMESERVERS", default=[])
SIGNUP_DNS_PORT = env.int("SIGNUP_DNS_PORT", default=53)

# Largest signup request body, in bytes, answered with 413 (DATA_UPLOAD_MAX_MEMORY_SIZE,
# in base.py, bounds every form-encoded body).
SIGNUP_MAX_REQUEST_BYTES = env.int("SIGNUP_MAX_REQUEST_BYTES", default=16 * 1024)
