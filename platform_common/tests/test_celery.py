from platform_common.celery import PlatformTask, create_celery_app


def test_service_apps_are_named_and_give_tasks_bounded_retries_with_backoff():
    app = create_celery_app("example_service", "platform_common.tests.settings")

    @app.task(autoretry_for=(TimeoutError,))
    def flaky() -> None:
        raise TimeoutError

    assert app.main == "example_service"
    assert isinstance(flaky, PlatformTask)
    assert flaky.max_retries == 8
    assert flaky.retry_backoff == 5
    assert flaky.retry_jitter is True
    assert flaky.acks_late is True  # from CELERY_TASK_ACKS_LATE in the settings
