"""
Nothing lost: background work that a dead worker left undone is found and queued again.

The sweep (``recover_background_work``) runs when a worker starts (``manage.py
run_worker``), every few minutes in each running worker, and on demand with
``manage.py recover_tasks`` (for a cron job where workers run as plain ``db_worker``):

1. a task left RUNNING by a worker that stopped beating (``WorkerHeartbeat``) — or, for
   a worker that never beat, running for longer than ``TASKS_STALE_AFTER`` — is marked
   failed ("el proceso se detuvo"), so the task list tells the truth;
2. every approved acta and presented informe without its archived PDF/A gets an archive
   task, unless one is already queued or running;
3. every informe print still queued or running without a live task is queued again.

Archiving and printing are idempotent and coalesced (``reports.coalesce``), so a task
queued twice does the work once.
"""

import dataclasses
import datetime
import logging

from django.conf import settings
from django.utils import timezone

from .coalesce import one_at_a_time
from .models import Acta, Informe, InformeRender, WorkerHeartbeat

logger = logging.getLogger(__name__)

ARCHIVE_ACTA = "reports.tasks.archive_acta_task"
ARCHIVE_INFORME = "reports.tasks.archive_informe_task"
RENDER_INFORME = "reports.tasks.render_informe_task"


class WorkerLost(Exception):
    """The worker running a task stopped before finishing it."""


@dataclasses.dataclass
class RecoverySummary:
    failed_tasks: int = 0
    actas: int = 0
    informes: int = 0
    renders: int = 0

    @property
    def total(self) -> int:
        return self.actas + self.informes + self.renders


def heartbeat_seconds() -> float:
    return float(getattr(settings, "WORKER_HEARTBEAT_SECONDS", 10))


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, "TASKS_STALE_AFTER_SECONDS", 15 * 60))


def _uses_database_tasks() -> bool:
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    return backend.startswith("django_tasks_db")


def _dead_workers(now: datetime.datetime) -> set[str]:
    """Workers whose last beat is older than three beats."""
    limit = now - datetime.timedelta(seconds=3 * heartbeat_seconds())
    return set(
        WorkerHeartbeat.objects.filter(last_seen__lt=limit).values_list("worker_id", flat=True)
    )


def _fail_lost_tasks(now: datetime.datetime) -> int:
    from django_tasks_db.models import DBTaskResult

    dead = _dead_workers(now)
    beating = set(WorkerHeartbeat.objects.values_list("worker_id", flat=True))
    failed = 0
    for task in DBTaskResult.objects.running().order_by("started_at"):
        worker = task.worker_ids[-1] if task.worker_ids else ""
        lost = worker in dead or (
            worker not in beating and task.started_at and task.started_at < now - stale_after()
        )
        if lost:
            task.set_failed(
                WorkerLost(
                    f"El proceso {worker or '(desconocido)'} se detuvo antes de terminar la tarea."
                )
            )
            failed += 1
    return failed


def _pending(task_path: str) -> set:
    """The first argument (a document's id) of each queued or running task of ``task_path``."""
    if not _uses_database_tasks():
        return set()
    from django_tasks_db.models import DBTaskResult

    pending = set()
    rows = DBTaskResult.objects.filter(
        task_path=task_path, status__in=("READY", "RUNNING")
    ).values_list("args_kwargs", flat=True)
    for args_kwargs in rows:
        args = (args_kwargs or {}).get("args") or []
        if args:
            pending.add(args[0])
    return pending


def recover_background_work(now: datetime.datetime | None = None) -> RecoverySummary:
    """Queue again what a dead worker left undone (see the module's docstring)."""
    from .tasks import archive_acta_task, archive_informe_task, render_informe_task

    now = now or timezone.now()
    summary = RecoverySummary()
    # Workers sweeping at once: one sweeps, the others leave it to it.
    with one_at_a_time("recover-background-work", wait=False) as mine:
        if not mine:
            return summary
        if _uses_database_tasks():
            summary.failed_tasks = _fail_lost_tasks(now)
        queued = _pending(ARCHIVE_ACTA)
        for pk in (
            Acta.objects.exclude(status=Acta.Status.DRAFT)
            .filter(pdf="")
            .values_list("pk", flat=True)
        ):
            if pk not in queued:
                archive_acta_task.enqueue(pk)
                summary.actas += 1
        queued = _pending(ARCHIVE_INFORME)
        for pk in (
            Informe.objects.exclude(status=Informe.Status.DRAFT)
            .filter(pdf="")
            .values_list("pk", flat=True)
        ):
            if pk not in queued:
                archive_informe_task.enqueue(pk)
                summary.informes += 1
        queued = _pending(RENDER_INFORME)
        for pk in InformeRender.objects.filter(
            status__in=(InformeRender.Status.QUEUED, InformeRender.Status.RUNNING)
        ).values_list("pk", flat=True):
            if pk not in queued:
                render_informe_task.enqueue(pk)
                summary.renders += 1
    if summary.total or summary.failed_tasks:
        logger.warning(
            "Recovery: %s lost task(s) marked failed; queued again %s acta archive(s), "
            "%s informe archive(s), %s informe print(s)",
            summary.failed_tasks,
            summary.actas,
            summary.informes,
            summary.renders,
        )
    return summary


def beat(worker_id: str, now: datetime.datetime | None = None) -> None:
    """Record that ``worker_id`` is alive."""
    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"last_seen": now},
        create_defaults={"started_at": now, "last_seen": now},
    )
