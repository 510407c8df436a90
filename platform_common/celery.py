"""One way to build each service's Celery app.

Each service has its own named app and its own queue. With ``REDIS_URL`` set
the broker is Redis; otherwise a filesystem broker under ``var/`` gives a real
queue, consumed by a real worker process, with no server to run.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery, Task

from platform_common import conf


def celery_settings(service: str) -> dict[str, Any]:
    """``CELERY_*`` Django settings for one service (read with namespace ``CELERY``)."""
    settings: dict[str, Any] = {
        "CELERY_TASK_DEFAULT_QUEUE": service,
        "CELERY_TASK_ROUTES": {f"{service}.*": {"queue": service}},
        # A task is acknowledged only once it has finished, and handed back to
        # the queue if its worker dies: tasks must therefore be idempotent.
        "CELERY_TASK_ACKS_LATE": True,
        "CELERY_TASK_REJECT_ON_WORKER_LOST": True,
        "CELERY_WORKER_PREFETCH_MULTIPLIER": 1,
        "CELERY_TASK_SOFT_TIME_LIMIT": conf.env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240),
        "CELERY_TASK_TIME_LIMIT": conf.env.int("CELERY_TASK_TIME_LIMIT", default=300),
        "CELERY_TASK_SERIALIZER": "json",
        "CELERY_RESULT_SERIALIZER": "json",
        "CELERY_ACCEPT_CONTENT": ["json"],
        "CELERY_RESULT_EXPIRES": 24 * 3600,
        "CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP": True,
        "CELERY_WORKER_HIJACK_ROOT_LOGGER": False,
        "CELERY_BEAT_SCHEDULE_FILENAME": str(conf.service_var_dir(service) / "celerybeat-schedule"),
    }
    if url := conf.redis_url():
        settings.update(
            {
                "CELERY_BROKER_URL": url,
                "CELERY_RESULT_BACKEND": url,
                # Longer than the longest task, so a slow task is not redelivered.
                "CELERY_BROKER_TRANSPORT_OPTIONS": {
                    "visibility_timeout": 3600,
                    "socket_connect_timeout": 2,
                },
                "CELERY_REDIS_SOCKET_CONNECT_TIMEOUT": 2,
            }
        )
    else:
        queue_dir = conf.service_var_dir(service, "broker")
        settings.update(
            {
                "CELERY_BROKER_URL": "filesystem://",
                "CELERY_BROKER_TRANSPORT_OPTIONS": {
                    "data_folder_in": str(queue_dir),
                    "data_folder_out": str(queue_dir),
                    "control_folder": str(conf.service_var_dir(service, "broker-control")),
                    "store_processed": False,
                },
                "CELERY_RESULT_BACKEND": f"file://{conf.service_var_dir(service, 'results')}",
            }
        )
    return settings


class PlatformTask(Task):
    """Retry defaults for every task of the platform.

    A task retries only the errors it lists in ``autoretry_for`` (those that
    can clear: timeouts, 429, 5xx), with exponential backoff and jitter, a
    bounded number of times. Nothing is retried by default.
    """

    retry_backoff = 5
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 8


def create_celery_app(service: str, settings_module: str) -> Celery:
    """The Celery app of ``service``, configured from its Django settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    app = Celery(service, task_cls=PlatformTask)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.autodiscover_tasks()
    return app


def broker_connection_check(app: Celery, *, timeout: float = 2.0) -> None:
    """Raise if the broker cannot be reached within ``timeout`` seconds."""
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
        if str(app.conf.broker_url).startswith("filesystem"):
            folder = app.conf.broker_transport_options["data_folder_out"]
            if not os.access(folder, os.W_OK):
                raise OSError(f"broker folder is not writable: {folder}")
