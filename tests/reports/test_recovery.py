"""The recovery sweep (reports.recovery): what a dead worker left undone is queued again."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reports.models import InformeRender, WorkerHeartbeat
from reports.recovery import recover_background_work
from reports.services import draft_acta
from tests.record import approve_at_next_session
from tests.reports.test_pdf_documents import held_session

pytestmark = pytest.mark.django_db

ARCHIVE = "reports.tasks.archive_acta_task"


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.WORKER_HEARTBEAT_SECONDS = 10
    settings.TASKS_STALE_AFTER_SECONDS = 900


@pytest.fixture
def unarchived(committee, database_tasks):
    """Approved, its archive task never queued (no commit in this test)."""
    acta = approve_at_next_session(draft_acta(held_session(committee)), datetime.date(2024, 4, 16))
    assert not DBTaskResult.objects.exists()
    return acta


def running_task(acta, worker: str, started: datetime.datetime) -> DBTaskResult:
    return DBTaskResult.objects.create(
        args_kwargs={"args": [acta.pk], "kwargs": {}},
        task_path=ARCHIVE,
        backend_name="default",
        run_after=started,
        status="RUNNING",
        started_at=started,
        worker_ids=[worker],
    )


def test_an_approved_acta_without_archive_is_queued_once(unarchived):
    assert recover_background_work().actas == 1
    assert recover_background_work().actas == 0  # already queued
    (task,) = DBTaskResult.objects.all()
    assert (task.task_path, task.args_kwargs["args"], task.status) == (
        ARCHIVE,
        [unarchived.pk],
        "READY",
    )


def test_a_task_of_a_silent_worker_is_failed_and_queued_again(unarchived):
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="muerto", started_at=now, last_seen=now - datetime.timedelta(seconds=31)
    )
    lost = running_task(unarchived, "muerto", now - datetime.timedelta(seconds=40))

    summary = recover_background_work(now=now)

    lost.refresh_from_db()
    assert (summary.failed_tasks, summary.actas) == (1, 1)
    assert lost.status == "FAILED"
    assert "se detuvo antes de terminar la tarea" in lost.traceback
    assert DBTaskResult.objects.filter(status="READY", task_path=ARCHIVE).count() == 1


def test_a_task_of_a_live_worker_is_left_alone(unarchived):
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="vivo", started_at=now, last_seen=now)
    task = running_task(unarchived, "vivo", now - datetime.timedelta(minutes=20))

    summary = recover_background_work(now=now)

    task.refresh_from_db()
    assert (summary.failed_tasks, summary.actas, task.status) == (0, 0, "RUNNING")


def test_a_task_of_a_worker_that_never_beat_is_lost_after_the_stale_time(unarchived):
    now = timezone.now()
    recent = running_task(unarchived, "db_worker", now - datetime.timedelta(minutes=5))
    assert recover_background_work(now=now).failed_tasks == 0
    DBTaskResult.objects.filter(pk=recent.pk).update(started_at=now - datetime.timedelta(hours=1))
    assert recover_background_work(now=now).failed_tasks == 1


def test_a_print_left_waiting_is_queued_again(committee, database_tasks):
    from tests.reports.informe_data import draft_informe, first_bimester

    first_bimester(committee)
    job = InformeRender.objects.create(
        informe=draft_informe(committee, narrative="x"), status=InformeRender.Status.RUNNING
    )
    assert recover_background_work().renders == 1
    (task,) = DBTaskResult.objects.filter(task_path__endswith="render_informe_task")
    assert task.args_kwargs["args"] == [job.pk]


def test_the_command_says_what_it_queued(unarchived, capsys):
    call_command("recover_tasks")
    assert "En cola de nuevo: actas por archivar, 1;" in capsys.readouterr().out
