from platform_common.celery import create_celery_app

app = create_celery_app("cms", "cms.settings.dev")
