"""
Nothing lost: a real task worker (``manage.py run_worker``, a separate process on the test
database) is killed with SIGKILL while it archives an approved acta; a second worker finds
the lost task by the first one's silence, marks it failed and archives the acta.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from agendas.services import insert_point, record_minutes
from reports.models import Acta
from tests.conftest import load_default_rules
from tests.record import approve_at_next_session, held, opened, scheduled, seats
from tests.sealed_record import DAY

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
ARCHIVE_TASK = "reports.tasks.archive_acta_task"


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


def start_worker(media, name: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(media),
        "DEBUG": "1",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "WORKER_HEARTBEAT_SECONDS": "1",
    }
    return subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
        [
            sys.executable,
            "manage.py",
            "run_worker",
            "--interval",
            "0.2",
            "--heartbeat",
            "1",
            "--sweep-every",
            "1",
            "--no-startup-delay",
            "--worker-id",
            name,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"Timed out waiting for {what}")


def a_long_approved_acta(committee) -> Acta:
    """An acta with many points of long minutes: its render takes seconds, not a blink."""
    seats(committee, "Adela Ruiz", "Beatriz Soto", "Carmen Díaz")
    session = opened(scheduled(committee, DAY))
    for n in range(60):
        point = insert_point(session, title=f"Punto {n}: informe de avance", kind="informative")
        record_minutes(point, minutes=("La Secretaría Técnica presentó el avance. " * 40))
    from reports.services import draft_acta

    acta = draft_acta(held(session))
    return approve_at_next_session(acta)


def test_a_worker_killed_mid_archive_leaves_the_archive_to_the_next(committee, settings, capsys):
    load_default_rules()
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    acta = a_long_approved_acta(committee)  # the archive task is queued on commit
    task = DBTaskResult.objects.get(task_path=ARCHIVE_TASK)
    assert task.status == "READY"

    first = start_worker(settings.MEDIA_ROOT, "primero")
    try:
        wait_for(
            lambda: DBTaskResult.objects.filter(pk=task.pk, status="RUNNING").exists(),
            60,
            "the first worker to take the archive task",
        )
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    acta.refresh_from_db()
    assert acta.pdf == ""  # killed before the archive was written
    assert DBTaskResult.objects.get(pk=task.pk).status == "RUNNING"  # left behind

    second = start_worker(settings.MEDIA_ROOT, "segundo")
    try:
        wait_for(
            lambda: Acta.objects.exclude(pdf="").filter(pk=acta.pk).exists(),
            120,
            "the second worker to archive the acta",
        )
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(20)
        except subprocess.TimeoutExpired:
            second.kill()

    lost = DBTaskResult.objects.get(pk=task.pk)
    assert lost.status == "FAILED"
    assert lost.exception_class_path == "reports.recovery.WorkerLost"
    redone = DBTaskResult.objects.filter(task_path=ARCHIVE_TASK).exclude(pk=task.pk).get()
    assert redone.status == "SUCCESSFUL"
    assert redone.worker_ids == ["segundo"]
    call_command("verify_documents")  # the archive is whole and matches the record
    with capsys.disabled():
        print(
            f"\n--- Worker killed mid-archive ({connection.vendor}): task {lost.status} "
            f"({lost.exception_class_path}), recovered by '{redone.worker_ids[0]}', "
            "archive verified"
        )
