"""
Media on object storage (STORAGE_BACKEND=s3), against a real local S3-compatible server
(tests/s3.py): uploads, downloads through the permission-checking views, the render cache,
the archive and its verification, logos in documents, and the seal that keeps files.
"""

import base64
import datetime
import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader
from storages.backends.s3 import S3Storage

from agendas.models import Document
from reports import archive
from reports.documents import orden_context
from reports.models import Acta
from reports.pdf import render_pdf, store_file
from reports.services import draft_acta
from tests.record import approve_at_next_session, convened, held, messages_of, seats
from tests.web import PDF, session_with_agenda, signed_in

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 3, 19)


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def point(committee):
    return session_with_agenda(committee).points.get(position=2)


@pytest.fixture
def approved(committee, django_capture_on_commit_callbacks):
    """A held session with a document under its point, its acta approved and archived."""
    seats(committee, "Integrante Uno", "Integrante Dos", "Integrante Tres")
    session = held(convened(committee, DAY))
    point = session.points.create(
        position=1, title="Lectura y aprobación del orden del día", kind="approval"
    )
    Document.objects.create(
        point=point, title="Orden del día", file=SimpleUploadedFile("orden.pdf", PDF)
    )
    with django_capture_on_commit_callbacks(execute=True):
        acta = approve_at_next_session(draft_acta(session))
    acta.refresh_from_db()
    return acta


def verify() -> str:
    out = io.StringIO()
    call_command("verify_documents", stdout=out)
    return out.getvalue()


def test_an_upload_goes_to_the_bucket_and_comes_back_only_through_the_view(
    client, s3_bucket, point, secretary, member, outsider
):
    signed_in(client, secretary)
    response = client.post(
        reverse("agendas:document-upload", args=[point.pk]),
        {"title": "Avance de febrero", "file": SimpleUploadedFile("avance.pdf", PDF)},
    )
    assert response.status_code == 302

    document = Document.objects.get()
    key = f"documents/{point.session.committee.slug}/{point.session_id}/avance.pdf"
    assert document.file.name == key
    assert s3_bucket.keys("documents/") == [key]
    assert s3_bucket.read(key) == PDF
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    # Nobody but the bucket's owner may read it: no public grant on the object.
    grants = s3_bucket.client.get_object_acl(Bucket=s3_bucket.name, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all(grant["Grantee"].get("Type") == "CanonicalUser" for grant in grants)

    download = reverse("agendas:document-download", args=[document.pk, "avance.pdf"])
    signed_in(client, member)
    response = client.get(download)
    assert response.status_code == 200
    assert streamed(response) == PDF
    assert response["Content-Length"] == str(len(PDF))

    signed_in(client, outsider)
    assert client.get(download).status_code == 404


def test_the_same_name_uploaded_twice_keeps_both_files(client, s3_bucket, point, secretary):
    signed_in(client, secretary)
    url = reverse("agendas:document-upload", args=[point.pk])
    second = PDF + b"% v2\n"
    client.post(url, {"title": "Versión 1", "file": SimpleUploadedFile("anexo.pdf", PDF)})
    client.post(url, {"title": "Versión 2", "file": SimpleUploadedFile("anexo.pdf", second)})

    first_doc, second_doc = Document.objects.order_by("pk")
    assert first_doc.file.name != second_doc.file.name
    assert s3_bucket.read(first_doc.file.name) == PDF
    assert s3_bucket.read(second_doc.file.name) == second


def test_the_render_cache_lives_in_the_bucket(client, s3_bucket, point, member):
    signed_in(client, member)
    url = reverse("reports:orden-pdf", args=[point.session_id])

    first = streamed(client.get(url))
    second = streamed(client.get(url))

    (key,) = s3_bucket.keys("render-cache/")
    assert first == second == s3_bucket.read(key)
    assert first.startswith(b"%PDF-")


def test_an_approved_acta_is_archived_in_the_bucket_served_and_verified(
    client, s3_bucket, approved, member
):
    (key,) = s3_bucket.keys("actas/")
    content = s3_bucket.read(key)
    assert approved.pdf.name == key
    assert approved.pdf_sha256 == hashlib.sha256(content).hexdigest()
    assert content.startswith(b"%PDF-")

    signed_in(client, member)
    response = client.get(reverse("reports:acta-pdf", args=[approved.pk]))
    assert streamed(response) == content
    digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
    assert response["Repr-Digest"] == f"sha-256=:{digest}:"

    assert f"íntegro         {key}  {approved.pdf_sha256}" in verify()


def test_verify_documents_finds_a_changed_or_missing_archive_in_the_bucket(s3_bucket, approved):
    key = approved.pdf.name
    s3_bucket.write(key, s3_bucket.read(key) + b"\n% cambiado\n")
    with pytest.raises(CommandError, match="1 documento tiene problemas"):
        verify()

    s3_bucket.remove(key)
    checks = list(archive.verify_archive())
    assert [(check.name, check.actual, check.ok) for check in checks] == [(key, None, False)]


def test_two_archivers_that_both_found_the_name_free_never_overwrite_each_other(
    s3_bucket, monkeypatch
):
    # As two workers would see it at the same instant: the name is free for both.
    monkeypatch.setattr(S3Storage, "exists", lambda self, name: False)
    first = store_file("actas/acta.pdf", b"%PDF- primero")
    second = store_file("actas/acta.pdf", b"%PDF- segundo")

    assert first != second
    assert s3_bucket.read(first) == b"%PDF- primero"
    assert s3_bucket.read(second) == b"%PDF- segundo"


def test_the_loser_of_an_archive_race_removes_only_its_own_copy(s3_bucket, approved):
    winner = approved.pdf.name
    stale = Acta.objects.get(pk=approved.pk)
    stale.pdf = ""  # what a second worker read before the first one recorded its file

    archive._store(stale, b"%PDF- otra copia", "actas/acta.pdf")

    assert s3_bucket.keys("actas/") == [winner]
    approved.refresh_from_db()
    assert approved.pdf.name == winner
    assert verify().endswith("1 documento aprobado revisado.\n")


def test_deleting_a_point_of_a_sealed_session_is_refused_and_its_file_stays(
    client, s3_bucket, approved, secretary
):
    point = approved.session.points.get(position=1)
    (document,) = point.documents.all()
    signed_in(client, secretary)

    response = client.post(reverse("agendas:point-delete", args=[point.pk]))

    assert any("ya fue aprobada" in message for message in messages_of(response))
    assert Document.objects.filter(pk=document.pk).exists()
    assert s3_bucket.read(document.file.name) == PDF
    assert document.file.name in s3_bucket.keys("documents/")


def test_a_logo_in_the_bucket_prints_on_the_documents(s3_bucket, point):
    logo = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(logo, format="PNG")
    s3_bucket.write("institutions/logo.png", logo.getvalue())
    institution = point.session.committee.institution
    institution.logo = "institutions/logo.png"
    institution.save()

    content = render_pdf("reports/pdf/orden.html", orden_context(point.session))

    assert any(page.images for page in PdfReader(io.BytesIO(content)).pages)


def test_a_logo_outside_the_logo_folder_is_not_fetched(s3_bucket, point):
    s3_bucket.write("documents/secreto.png", b"\x89PNG\r\n\x1a\n")
    institution = point.session.committee.institution
    institution.logo = "institutions/../documents/secreto.png"
    institution.save()

    content = render_pdf("reports/pdf/orden.html", orden_context(point.session))

    assert not any(page.images for page in PdfReader(io.BytesIO(content)).pages)
