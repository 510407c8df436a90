from platform_common.celery import create_celery_app

app = create_celery_app("newsletter_service", "newsletter_service.settings.dev")
