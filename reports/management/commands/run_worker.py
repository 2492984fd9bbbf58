"""
Quórum's task worker: django-tasks-db's ``db_worker`` plus what makes background work
survive a crash. At start it sweeps for work a dead worker left undone; while it runs, a
thread records its heartbeat and sweeps again every few minutes (``reports.recovery``), and
runs the scheduled job that sends reminders (``reminders.services``, once-only across
workers and restarts).
"""

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connections
from django_tasks_db.management.commands import db_worker

from reminders.services import run_reminders
from reports.recovery import beat, heartbeat_seconds, recover_background_work

logger = logging.getLogger("reports.recovery")


class Command(db_worker.Command):
    help = (
        "Ejecuta las tareas en segundo plano (archivo de actas e informes, impresión de "
        "informes) y recupera las que un proceso detenido dejó a medias."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(reload=False)
        parser.add_argument(
            "--heartbeat",
            type=float,
            default=heartbeat_seconds(),
            help="Segundos entre dos señales de vida del proceso (por omisión, %(default)s).",
        )
        parser.add_argument(
            "--reminders-every",
            type=float,
            default=getattr(settings, "REMINDERS_EVERY_SECONDS", 300),
            help="Segundos entre dos envíos de recordatorios pendientes (por omisión, "
            "%(default)s).",
        )
        parser.add_argument(
            "--sweep-every",
            type=float,
            default=getattr(settings, "TASKS_SWEEP_SECONDS", 300),
            help="Segundos entre dos búsquedas de trabajo pendiente (por omisión, %(default)s).",
        )

    def handle(self, *args, heartbeat, sweep_every, reminders_every, **options):
        worker_id = options["worker_id"]
        beat(worker_id)
        recover_background_work()
        close_old_connections()
        thread = threading.Thread(
            target=self._keep_beating,
            args=(worker_id, heartbeat, sweep_every, reminders_every),
            name="quorum-heartbeat",
            daemon=True,
        )
        thread.start()
        super().handle(*args, **options)

    @staticmethod
    def _keep_beating(
        worker_id: str, heartbeat: float, sweep_every: float, reminders_every: float
    ) -> None:
        last_sweep = time.monotonic()
        last_reminders = None  # the first beat sends what is due (after a restart too)
        while True:
            time.sleep(heartbeat)
            try:
                beat(worker_id)
                if time.monotonic() - last_sweep >= sweep_every:
                    recover_background_work()
                    last_sweep = time.monotonic()
                if last_reminders is None or time.monotonic() - last_reminders >= reminders_every:
                    last_reminders = time.monotonic()
                    run_reminders(worker_id)
            except Exception:
                # A database that is briefly down must not stop the worker's heartbeat.
                logger.exception("Worker heartbeat, recovery sweep or reminders failed")
            finally:
                connections.close_all()
