from platform_common.celery import create_celery_app

app = create_celery_app("subscriber_service", "subscriber_service.settings.dev")
