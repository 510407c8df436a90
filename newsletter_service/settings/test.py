from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True

# Tasks run in the test's own thread when their transaction commits; the
# cross-service tests in tests/ run real workers instead.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
NEWSLETTER_SEND_BACKEND = "mailchimp"
CMS_WEBHOOK_SECRETS = ["test-cms-webhook-secret"]
