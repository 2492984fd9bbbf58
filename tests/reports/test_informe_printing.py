"""
Printing an informe in the background (the progress page follows the task and offers the
file) and archiving it as PDF/A once presented.
"""

import datetime
import hashlib
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from reports import tasks
from reports.models import Informe, InformeRender
from reports.recovery import recover_background_work
from tests.reports.informe_data import draft_informe, first_bimester, presented
from tests.reports.test_pdf_documents import text
from tests.web import assert_sign_in_required, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def informe(committee):
    first_bimester(committee)
    return draft_informe(committee, narrative="El comité se instaló y sesionó dos veces.")


def print_url(informe):
    return reverse("reports:informe-print", args=[informe.pk])


def render_url(job, suffix=""):
    name = "reports:informe-render-pdf" if suffix else "reports:informe-render"
    return reverse(name, args=[job.informe_id, job.pk])


def ask_to_print(client, informe, capture):
    with capture(execute=True):
        response = client.post(print_url(informe))
    return response, InformeRender.objects.get(informe=informe)


def test_printing_queues_a_render_and_the_worker_finishes_it(
    client, secretary, informe, django_capture_on_commit_callbacks, settings
):
    signed_in(client, secretary)

    response, job = ask_to_print(client, informe, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == render_url(job)
    assert job.status == InformeRender.Status.DONE
    assert job.requested_by == secretary
    assert job.finished_at is not None
    assert job.pages >= 1
    page = client.get(render_url(job)).content.decode()
    assert "El PDF está listo" in page
    assert render_url(job, "pdf") in page
    download = client.get(render_url(job, "pdf"))
    assert download["Content-Disposition"].startswith('inline; filename="proyecto-de-informe-1-')
    printed = text(download.getvalue())
    assert "Primer informe de actividades" in printed
    assert "PROYECTO" in printed
    assert f"Página 1 de {job.pages}" in printed


def test_while_queued_the_page_polls_and_a_second_request_follows_the_first(
    client, secretary, informe
):
    signed_in(client, secretary)
    client.post(print_url(informe))  # no commit callbacks: no worker has taken it yet
    job = InformeRender.objects.get(informe=informe)

    again = client.post(print_url(informe))

    assert again["Location"] == render_url(job)
    assert InformeRender.objects.count() == 1
    page = client.get(render_url(job)).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "En cola" in page
    fragment = client.get(render_url(job), headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith('<div id="informe-render-status"')
    assert client.get(render_url(job, "pdf")).status_code == 404


def test_a_render_queued_too_long_says_the_worker_may_be_stopped(client, secretary, informe):
    signed_in(client, secretary)
    job = InformeRender.objects.create(informe=informe)
    InformeRender.objects.filter(pk=job.pk).update(
        requested_at=timezone.now() - datetime.timedelta(minutes=10)
    )

    page = client.get(render_url(job)).content.decode()

    assert "db_worker" in page
    assert "every 2s" not in page
    client.post(print_url(informe))
    assert InformeRender.objects.count() == 2  # a stalled request does not block a new one


def test_a_failed_render_shows_the_error_and_leaves_no_file(
    client, secretary, informe, monkeypatch, django_capture_on_commit_callbacks, settings
):
    def broken(*args, **kwargs):
        raise RuntimeError("la plantilla no se pudo leer")

    monkeypatch.setattr(tasks, "cached_pdf", broken)
    signed_in(client, secretary)

    _response, job = ask_to_print(client, informe, django_capture_on_commit_callbacks)

    assert job.status == InformeRender.Status.FAILED
    assert job.error == "la plantilla no se pudo leer"
    assert not job.file
    page = client.get(render_url(job)).content.decode()
    assert "No se pudo generar el PDF." in page
    assert "la plantilla no se pudo leer" in page
    assert "Generar de nuevo" in page
    assert client.get(render_url(job, "pdf")).status_code == 404
    assert not (settings.MEDIA_ROOT / "render-cache").exists()


def test_printing_an_unchanged_informe_twice_renders_once(
    client, secretary, informe, renders, django_capture_on_commit_callbacks
):
    signed_in(client, secretary)
    ask_to_print(client, informe, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(print_url(informe))

    first, second = InformeRender.objects.order_by("pk")
    assert second.status == InformeRender.Status.DONE
    assert first.file == second.file
    assert len(renders) == 1


def test_the_secretariat_may_print_and_read_the_draft(
    client, secretary, informe, django_capture_on_commit_callbacks
):
    signed_in(client, secretary)
    _response, job = ask_to_print(client, informe, django_capture_on_commit_callbacks)
    response = client.get(render_url(job, "pdf"))
    assert response.status_code == 200
    printed = text(b"".join(response.streaming_content))
    assert "Primer informe de actividades" in printed
    assert "PROYECTO" in printed  # a draft informe


def test_printing_requires_sign_in_and_post(client, member, informe):
    job = InformeRender.objects.create(informe=informe)
    for url in (
        render_url(job),
        render_url(job, "pdf"),
        reverse("reports:informe-pdf", args=[informe.pk]),
    ):
        assert_sign_in_required(client.get(url), url)
    assert client.post(print_url(informe))["Location"].startswith(reverse("login"))
    signed_in(client, member)
    assert client.get(print_url(informe)).status_code == 405


def test_an_outsider_finds_nothing(client, outsider, informe):
    job = InformeRender.objects.create(informe=informe)
    signed_in(client, outsider)
    assert client.post(print_url(informe)).status_code == 404
    assert client.get(render_url(job)).status_code == 404
    assert client.get(render_url(job, "pdf")).status_code == 404
    assert client.get(reverse("reports:informe-pdf", args=[informe.pk])).status_code == 404


def test_a_render_of_another_informe_is_not_found(client, secretary, informe, committee):
    other = draft_informe(
        committee, number=2, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 2, 29)
    )
    job = InformeRender.objects.create(informe=other)
    signed_in(client, secretary)
    url = reverse("reports:informe-render", args=[informe.pk, job.pk])
    assert client.get(url).status_code == 404


# --- Archive on presentation ---------------------------------------------------------------


@pytest.fixture
def presented_informe(committee, django_capture_on_commit_callbacks):
    record = first_bimester(committee)
    informe = draft_informe(committee, narrative="El comité se instaló y sesionó dos veces.")
    with django_capture_on_commit_callbacks(execute=True):
        presented(informe, record["third"])
    return Informe.objects.get(pk=informe.pk)


def test_presenting_an_informe_archives_it_as_pdf_a_3b(presented_informe, settings):
    content = (settings.MEDIA_ROOT / presented_informe.pdf.name).read_bytes()

    assert presented_informe.pdf_sha256 == hashlib.sha256(content).hexdigest()
    reader = PdfReader(io.BytesIO(content))
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in metadata and 'pdfaid:conformance="B"' in metadata
    printed = text(content)
    assert "Primer informe de actividades" in printed
    assert "PROYECTO" not in printed


def test_the_archived_informe_is_served_with_its_hash_shown(
    client, member, presented_informe, settings
):
    signed_in(client, member)
    response = client.get(reverse("reports:informe-pdf", args=[presented_informe.pk]))
    assert response.getvalue() == (settings.MEDIA_ROOT / presented_informe.pdf.name).read_bytes()
    assert response["Repr-Digest"].startswith("sha-256=:")
    page = client.get(reverse("reports:informe", args=[presented_informe.pk])).content.decode()
    assert presented_informe.pdf_sha256 in page


def test_a_draft_informe_has_no_archived_pdf(client, member, informe):
    signed_in(client, member)
    assert client.get(reverse("reports:informe-pdf", args=[informe.pk])).status_code == 404


def test_verify_documents_checks_informes_too(presented_informe, capsys, settings):
    # The actas approved on the way were never archived (no commit in this test): the
    # recovery sweep archives them, as a worker would.
    recover_background_work()
    call_command("verify_documents")
    assert presented_informe.pdf.name in capsys.readouterr().out
    (settings.MEDIA_ROOT / presented_informe.pdf.name).write_bytes(b"%PDF otro")
    with pytest.raises(Exception, match="no coincide"):
        call_command("verify_documents")


def test_render_document_writes_the_informe_and_copies_the_archive(presented_informe, tmp_path):
    draft_output, archived_output = tmp_path / "proyecto.pdf", tmp_path / "presentado.pdf"
    other = draft_informe(
        presented_informe.committee,
        number=2,
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2024, 2, 29),
    )
    call_command("render_document", "informe", "--informe", str(other.pk), "--output", draft_output)
    call_command(
        "render_document",
        "informe",
        "--informe",
        str(presented_informe.pk),
        "--output",
        archived_output,
    )
    assert "Segundo informe de actividades" in text(draft_output.read_bytes())
    assert archived_output.read_bytes() == presented_informe.pdf.read()


def test_render_document_requires_the_informe_and_names_an_unknown_one(db, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="requiere --informe"):
        call_command("render_document", "informe", "--output", tmp_path / "x.pdf")
    with pytest.raises(CommandError, match="No existe el informe 999999"):
        call_command(
            "render_document", "informe", "--informe", "999999", "--output", tmp_path / "x.pdf"
        )
    assert list(tmp_path.iterdir()) == []
