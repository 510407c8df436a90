import os
import socket

from celery import shared_task
from django.conf import settings
from django.db import connection


@shared_task(acks_late=True)
def ping(nonce: str) -> dict[str, object]:
    """Answer from a worker: proves a queued task reached a worker that can use the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {
        "nonce": nonce,
        "service": settings.SERVICE_NAME,
        "database": connection.vendor,
        "worker_pid": os.getpid(),
        "hostname": socket.gethostname(),
    }
