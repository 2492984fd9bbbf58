"""The tasks run by the real database worker, as in production (not the immediate backend)."""

import pytest
from django.core.management import call_command

from reports.models import InformeRender
from reports.tasks import render_informe_task
from tests.conftest import load_default_rules
from tests.reports.informe_data import draft_informe, first_bimester

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_database_worker_prints_a_queued_informe(committee, database_tasks):
    load_default_rules()  # the informe's compliance section reads the rules
    first_bimester(committee)
    job = InformeRender.objects.create(informe=draft_informe(committee, narrative="Texto."))

    result = render_informe_task.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == InformeRender.Status.QUEUED  # stored, waiting for the worker

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    job.refresh_from_db()
    assert job.status == InformeRender.Status.DONE
    assert job.pages >= 1
    result.refresh()
    assert result.status == "SUCCESSFUL"
