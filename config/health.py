"""
The health check, ``/salud/``: what the reverse proxy and a monitor poll, without signing in.

It answers 200 when the database answers, the media storage can be written and read back,
and the task worker is alive — it finished or started a task recently, or nothing has been
waiting for it — and 503 when any of them fails. The body names each check and says "ok" or
"falla", never why: the reason goes to the log, where only the operators read it.
"""

import datetime
import logging
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Q
from django.http import JsonResponse
from django.tasks import TaskResultStatus, task_backends
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)

# Where the storage probe writes (and at once deletes) its file.
PROBE_FOLDER = "health"


def database_answers() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def storage_writes_and_reads() -> bool:
    """A small file of random bytes written, read back whole, and deleted."""
    payload = secrets.token_bytes(32)
    name = default_storage.save(f"{PROBE_FOLDER}/{secrets.token_hex(16)}.bin", ContentFile(payload))
    try:
        with default_storage.open(name, "rb") as file:
            return file.read() == payload
    finally:
        default_storage.delete(name)


def worker_is_alive() -> bool:
    """
    No task has waited longer than HEALTH_WORKER_MAX_WAIT (a worker would have taken it), or
    a worker finished or started one within that time (a long queue, but it moves). Tasks
    that do not go through the database (the immediate backend) need no worker.
    """
    if not isinstance(task_backends["default"], DatabaseBackend):
        return True
    since = timezone.now() - datetime.timedelta(seconds=settings.HEALTH_WORKER_MAX_WAIT)
    overdue = DBTaskResult.objects.filter(status=TaskResultStatus.READY).filter(
        # Without a delay run_after holds the largest date; with one, the task is due then.
        Q(run_after=get_date_max(), enqueued_at__lt=since) | Q(run_after__lt=since)
    )
    if not overdue.exists():
        return True
    moving = Q(finished_at__gte=since) | Q(started_at__gte=since)
    return DBTaskResult.objects.filter(moving).exists()


CHECKS = {
    "database": database_answers,
    "storage": storage_writes_and_reads,
    "worker": worker_is_alive,
}


def run_checks() -> dict[str, bool]:
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = bool(check())
        except Exception:
            logger.exception("Health check %r failed", name)
            results[name] = False
        if not results[name]:
            logger.error("Health check %r: not healthy", name)
    return results


@require_safe
@never_cache
def health(request):
    results = run_checks()
    healthy = all(results.values())
    return JsonResponse(
        {
            "estado": "ok" if healthy else "falla",
            "comprobaciones": {name: "ok" if ok else "falla" for name, ok in results.items()},
        },
        status=200 if healthy else 503,
        json_dumps_params={"ensure_ascii": False},
    )
