"""
The health check (/salud/): 200 when the database, the media storage and the task worker
are well, 503 when any is not, for anyone, without saying why.
"""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reports.tasks import archive_acta_task
from tests.s3 import free_port

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
URL = "/salud/"
ALL_OK = {"database": "ok", "storage": "ok", "worker": "ok"}


def checks(response) -> dict:
    return json.loads(response.content)["comprobaciones"]


@pytest.fixture
def database_tasks(settings):
    """Tasks stored in the database for a worker, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued(minutes_ago: int, **fields) -> DBTaskResult:
    """A task waiting for a worker since ``minutes_ago``."""
    archive_acta_task.enqueue(1)
    task = DBTaskResult.objects.latest("enqueued_at")
    enqueued = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=enqueued, **fields)
    return task


def test_the_url():
    assert reverse("health") == URL


def test_all_well_is_200_for_anyone(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert json.loads(response.content) == {"estado": "ok", "comprobaciones": ALL_OK}
    assert "no-store" in response["Cache-Control"]


def test_it_answers_head_and_refuses_writes(client):
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


def test_the_storage_probe_leaves_nothing_behind(client, settings):
    client.get(URL)
    assert [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()] == []


def test_a_storage_that_cannot_be_written_is_503_without_details(client, settings, tmp_path):
    blocker = tmp_path / "no-es-carpeta"
    blocker.write_text("un archivo donde debería haber una carpeta")
    settings.MEDIA_ROOT = blocker / "media"

    response = client.get(URL)

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "estado": "falla",
        "comprobaciones": {**ALL_OK, "storage": "falla"},
    }
    assert str(tmp_path) not in response.text
    assert "Error" not in response.text


def test_a_worker_that_takes_its_tasks_is_well(client, database_tasks):
    queued(minutes_ago=1)
    assert checks(client.get(URL))["worker"] == "ok"


def test_a_task_waiting_too_long_with_no_worker_about_is_503(client, database_tasks, settings):
    settings.HEALTH_WORKER_MAX_WAIT = 300
    queued(minutes_ago=6)

    response = client.get(URL)

    assert response.status_code == 503
    assert checks(response) == {**ALL_OK, "worker": "falla"}


def test_a_long_queue_that_moves_is_well(client, database_tasks):
    queued(minutes_ago=30)
    queued(minutes_ago=40, status="SUCCESSFUL", finished_at=timezone.now())
    assert client.get(URL).status_code == 200


def test_a_task_delayed_until_later_is_not_late(client, database_tasks):
    queued(minutes_ago=30, run_after=timezone.now() + datetime.timedelta(hours=1))
    assert client.get(URL).status_code == 200


def test_a_finished_old_task_is_not_waiting(client, database_tasks):
    queued(
        minutes_ago=60,
        status="SUCCESSFUL",
        finished_at=timezone.now() - datetime.timedelta(minutes=59),
    )
    assert client.get(URL).status_code == 200


def test_a_database_that_does_not_answer_is_503(tmp_path):
    """A real process whose database is a closed port on the loopback."""
    script = (
        "import json, django\n"
        "django.setup()\n"
        "from django.test import Client\n"
        "response = Client().get('/salud/')\n"
        "print(response.status_code, response.content.decode())\n"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SITE_URL")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/quorum",
        "ALLOWED_HOSTS": "testserver",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "CRITICAL",
    }
    result = subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.split(" ", 1)
    assert status == "503"
    payload = json.loads(body)
    assert payload["estado"] == "falla"
    assert payload["comprobaciones"]["database"] == "falla"
    assert payload["comprobaciones"]["storage"] == "ok"
    assert "127.0.0.1" not in body


def test_a_bucket_that_answers_is_well(client, s3_bucket):
    assert client.get(URL).status_code == 200
    assert s3_bucket.keys() == []


def test_a_bucket_that_is_gone_is_503(client, s3_bucket):
    s3_bucket.destroy()

    response = client.get(URL)

    assert response.status_code == 503
    assert checks(response) == {**ALL_OK, "storage": "falla"}
    assert s3_bucket.name not in response.text
