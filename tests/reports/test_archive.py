"""The archive: an approved acta printed once as PDF/A-3b, hashed, served and verified."""

import base64
import datetime
import hashlib
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from reports import archive
from reports.archive import archive_acta, verify_archive
from reports.models import Acta
from reports.services import draft_acta
from tests.record import approve_at_next_session
from tests.reports.test_pdf_documents import held_session, text
from tests.tamper import tamper
from tests.web import signed_in

pytestmark = pytest.mark.django_db

APRIL_16 = datetime.date(2024, 4, 16)


@pytest.fixture
def approved(committee, django_capture_on_commit_callbacks):
    """The acta of 19 March approved on 16 April, its archive task run on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        acta = approve_at_next_session(draft_acta(held_session(committee)), APRIL_16)
    acta.refresh_from_db()
    return acta


def stored_bytes(document) -> bytes:
    with default_storage.open(document.pdf.name, "rb") as file:
        return file.read()


def test_approving_an_acta_archives_it_as_pdf_a_3b_with_its_hash(approved):
    content = stored_bytes(approved)

    assert approved.pdf.name == f"actas/acta-{approved.session.committee.slug}-2024-03-19.pdf"
    assert approved.pdf_sha256 == hashlib.sha256(content).hexdigest()
    reader = PdfReader(io.BytesIO(content))
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in metadata
    assert 'pdfaid:conformance="B"' in metadata
    assert "/OutputIntents" in reader.trailer["/Root"]
    assert "PROYECTO" not in text(content)
    assert "Aprobada en la Segunda sesión ordinaria" in text(content)


def test_the_archived_acta_carries_its_frozen_content_as_json(approved):
    reader = PdfReader(io.BytesIO(stored_bytes(approved)))

    (attachment,) = reader.attachments["acta.json"]
    payload = json.loads(attachment)

    assert payload["schema"] == "quorum.acta/1"
    assert payload["acta"] == approved.pk
    assert payload["approved_on"] == "2024-04-16"
    assert payload["content"] == approved.snapshot
    names = [row["name"] for row in payload["content"]["attendance"]]
    assert "Adela Ruiz" in names
    votes = payload["content"]["points"][3]["votes"]
    assert {"name": "Carmen Díaz", "sense": "En contra"} in votes


def test_an_archived_acta_is_never_rendered_again(approved, monkeypatch):
    def render(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(archive, "render_pdf", render)
    before = stored_bytes(approved)

    again = archive_acta(approved)

    assert again.pdf.name == approved.pdf.name
    assert stored_bytes(again) == before


def test_a_draft_acta_is_not_archived(committee):
    acta = draft_acta(held_session(committee))
    with pytest.raises(ValidationError, match="Solo se archiva un acta aprobada"):
        archive_acta(acta)
    assert not Acta.objects.get(pk=acta.pk).pdf


def test_a_failed_archive_render_leaves_no_file(committee, monkeypatch, settings):
    monkeypatch.setattr(archive, "render_pdf", lambda *a, **k: 1 / 0)
    acta = approve_at_next_session(draft_acta(held_session(committee)), APRIL_16)

    with pytest.raises(ZeroDivisionError):
        archive_acta(acta)

    acta.refresh_from_db()
    assert not acta.pdf and not acta.pdf_sha256
    folder = settings.MEDIA_ROOT / "actas"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_failed_record_of_the_archive_removes_the_file(committee, monkeypatch, settings):
    acta = approve_at_next_session(draft_acta(held_session(committee)), APRIL_16)
    monkeypatch.setattr(archive, "sha256_of", lambda content: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        archive_acta(acta)

    assert list((settings.MEDIA_ROOT / "actas").iterdir()) == []


def test_the_download_of_an_approved_acta_is_the_archived_file(client, member, approved):
    tamper(approved.session.points.filter(position=1), minutes="Cambiado después de archivar.")

    response = signed_in(client, member).get(reverse("reports:acta-pdf", args=[approved.pk]))

    served = response.getvalue()
    assert served == stored_bytes(approved)
    digest = hashlib.sha256(served).digest()
    assert response["Repr-Digest"] == f"sha-256=:{base64.b64encode(digest).decode()}:"


def test_the_acta_page_shows_the_hash_next_to_the_download(client, member, approved):
    response = signed_in(client, member).get(reverse("reports:acta", args=[approved.pk]))
    page = response.content.decode()
    assert approved.pdf_sha256 in page
    assert reverse("reports:acta-pdf", args=[approved.pk]) in page


def test_the_acta_page_says_when_the_archive_is_not_written_yet(client, member, committee):
    acta = approve_at_next_session(draft_acta(held_session(committee)), APRIL_16)
    response = signed_in(client, member).get(reverse("reports:acta", args=[acta.pk]))
    assert "se está archivando" in response.content.decode()


# --- verify_documents -------------------------------------------------------------------------


def test_verify_documents_passes_an_intact_archive(approved, capsys):
    call_command("verify_documents")
    out = capsys.readouterr().out
    assert "1 documento aprobado revisado" in out
    assert "íntegro" in out


def test_verify_documents_detects_a_modified_file(approved, capsys, settings):
    path = settings.MEDIA_ROOT / approved.pdf.name
    path.write_bytes(path.read_bytes() + b"%")

    with pytest.raises(CommandError, match="1 documento tiene problemas"):
        call_command("verify_documents")

    out = capsys.readouterr().out
    assert "NO COINCIDE" in out
    assert approved.pdf.name in out
    assert approved.pdf_sha256 in out


def test_verify_documents_detects_a_missing_file(approved, capsys, settings):
    (settings.MEDIA_ROOT / approved.pdf.name).unlink()

    with pytest.raises(CommandError):
        call_command("verify_documents")

    assert "FALTA EL ARCHIVO" in capsys.readouterr().out


def test_verify_archive_yields_one_check_per_archived_document(approved):
    assert Acta.objects.count() == 1
    (check,) = verify_archive()
    assert check.ok
    assert check.recorded == approved.pdf_sha256


def test_verify_documents_reports_an_approved_acta_without_its_archive(committee, capsys):
    # Approved, but the archive task never ran (no commit in this test: as a lost worker).
    acta = approve_at_next_session(draft_acta(held_session(committee)), APRIL_16)

    with pytest.raises(CommandError, match="1 documento tiene problemas"):
        call_command("verify_documents")

    out = capsys.readouterr().out
    assert "SIN ARCHIVO" in out
    assert "El acta está aprobada y no tiene su PDF/A archivado." in out
    assert str(acta) in out


def test_verify_documents_reports_a_snapshot_changed_in_the_database(approved, capsys):
    changed = {**approved.snapshot, "technical_secretary": "Otra persona"}
    tamper(Acta.objects.filter(pk=approved.pk), snapshot=changed)

    with pytest.raises(CommandError, match="1 documento tiene problemas"):
        call_command("verify_documents")

    out = capsys.readouterr().out
    assert "CONTENIDO" in out
    assert "ya no es el que se archivó en el PDF (acta.json)" in out
