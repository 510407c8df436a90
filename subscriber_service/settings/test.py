from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True

# Signup abuse protection: a cheap proof of work (about a thousand hashes), and
# limits no ordinary test reaches; subscriber_service/abuse/tests set their own.
ALTCHA_MAX_NUMBER = 1_000
SIGNUP_RATE_PER_IP = "1000/m"
SIGNUP_RATE_PER_ADDRESS = "1000/m"

# Outbox tasks run in the test's own thread when their transaction commits;
# the cross-service tests in tests/ run real workers instead.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
SUBSCRIPTIONS = {**SUBSCRIPTIONS, "PUBLIC_URL": "http://testserver"}  # noqa: F405
MAILCHIMP = {**MAILCHIMP, "AUDIENCE_ID": "test-audience"}  # noqa: F405
MAILCHIMP_SYNC = {**MAILCHIMP_SYNC, "WEBHOOK_SECRET": "test-webhook-secret"}  # noqa: F405
