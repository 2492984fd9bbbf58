"""Uploading a document to a point: only real PDFs, Office files and images, within the limit."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agendas.models import Document
from tests.web import (
    PDF,
    PNG,
    assert_sign_in_required,
    docx,
    field_error,
    field_value,
    page_text,
    session_with_agenda,
    signed_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def point(committee):
    return session_with_agenda(committee).points.get(position=2)


def url(point) -> str:
    return reverse("agendas:document-upload", args=[point.pk])


def upload(name: str = "avance-febrero.pdf", content: bytes = PDF, **fields) -> dict:
    return {"title": "Avance de febrero", "file": SimpleUploadedFile(name, content), **fields}


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def test_the_url(point):
    assert url(point) == f"/puntos/{point.pk}/documentos/"


def test_it_requires_sign_in(client, point, media):
    assert_sign_in_required(client.post(url(point), upload()), url(point))
    assert not Document.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_those_who_manage_the_committee_upload(request, client, point, media, user):
    response = signed_in(client, request.getfixturevalue(user)).post(url(point), upload())
    assert response.status_code == 404
    assert not Document.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("avance-febrero.pdf", PDF),
        ("minuta.docx", docx()),
        ("grafica.png", PNG),
        ("ESCANEO.PDF", PDF),
    ],
)
def test_it_stores_the_document_with_its_hash(client, secretary, point, media, name, content):
    response = signed_in(client, secretary).post(url(point), upload(name, content))

    assert response.status_code == 302
    assert response.url == (
        f"{reverse('sessions:detail', args=[point.session_id])}#punto-{point.pk}"
    )
    document = Document.objects.get()
    assert (document.point, document.title, document.uploaded_by) == (
        point,
        "Avance de febrero",
        secretary,
    )
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size == len(content)
    stored = media / "documents" / point.session.committee.slug / str(point.session_id) / name
    assert stored_files(media) == [stored]
    assert stored.read_bytes() == content
    assert document.download_name == name


def test_the_session_page_confirms_it_and_links_the_document(client, secretary, point, media):
    response = signed_in(client, secretary).post(url(point), upload(), follow=True)

    text = page_text(response)
    assert "Se cargó el documento «Avance de febrero»." in text
    assert f"Avance de febrero (avance-febrero.pdf, {len(PDF)} bytes)" in text
    document = Document.objects.get()
    download = reverse("agendas:document-download", args=[document.pk, "avance-febrero.pdf"])
    assert f'href="{download}"' in response.text


def test_the_same_name_twice_keeps_both_files(client, secretary, point, media):
    signed_in(client, secretary)
    client.post(url(point), upload(title="Versión 1"))
    client.post(url(point), upload(content=PDF + b"% v2\n", title="Versión 2"))

    first, second = Document.objects.order_by("title")
    assert first.file.name != second.file.name
    assert first.file.read() == PDF
    assert len(stored_files(media)) == 2


def refused(response, media, message: str) -> None:
    assert response.status_code == 200
    assert field_error(response, "id_documento_file") == message
    # What was typed stays; nothing is stored, neither the row nor the file.
    assert field_value(response, "id_documento_title") == "Avance de febrero"
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_limit_is_refused_with_its_size(client, secretary, point, media, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024
    response = signed_in(client, secretary).post(url(point), upload(content=PDF + bytes(2000)))
    refused(response, media, "El archivo pesa 2.0 KB; el máximo es 1.0 KB.")


def test_a_file_of_exactly_the_limit_is_accepted(client, secretary, point, media, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = len(PDF)
    assert signed_in(client, secretary).post(url(point), upload()).status_code == 302
    assert Document.objects.count() == 1


def test_a_program_is_refused(client, secretary, point, media):
    response = signed_in(client, secretary).post(
        url(point), upload("instalador.exe", b"MZ\x90\x00" + bytes(60))
    )
    refused(
        response,
        media,
        "No se aceptan archivos .exe. Formatos aceptados: PDF, Word, Excel, PowerPoint e "
        "imágenes (PNG, JPG, GIF, WEBP).",
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("acta.pdf", b"MZ\x90\x00 not a pdf at all"),
        ("acta.pdf", PNG),
        ("minuta.docx", PDF),
        ("grafica.png", PDF),
    ],
)
def test_a_file_whose_bytes_do_not_match_its_name_is_refused(
    client, secretary, point, media, name, content
):
    response = signed_in(client, secretary).post(url(point), upload(name, content))
    extension = name.rsplit(".", 1)[1]
    refused(
        response,
        media,
        f"El contenido del archivo no corresponde a un archivo .{extension}; puede estar "
        "dañado o tener otra extensión.",
    )


def test_a_workbook_renamed_docx_is_refused(client, secretary, point, media):
    workbook = docx().replace(b"word/", b"xl/xx")  # same zip, the body under xl/
    response = signed_in(client, secretary).post(url(point), upload("minuta.docx", workbook))
    assert field_error(response, "id_documento_file").startswith(
        "El contenido del archivo no corresponde a un archivo .docx"
    )
    assert not Document.objects.exists()


def test_an_empty_file_is_refused(client, secretary, point, media):
    response = signed_in(client, secretary).post(url(point), upload(content=b""))
    refused(response, media, "El archivo está vacío.")


def test_the_file_is_required(client, secretary, point, media):
    response = signed_in(client, secretary).post(url(point), {"title": "Avance de febrero"})
    refused(response, media, "Elija el archivo que desea cargar.")


def test_the_title_is_required(client, secretary, point, media):
    response = signed_in(client, secretary).post(url(point), upload(title=""))

    assert field_error(response, "id_documento_title") == "Escriba el título del documento."
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_a_refused_upload_keeps_the_point_form_usable(client, secretary, point, media):
    response = signed_in(client, secretary).post(url(point), upload(content=b"nada"))

    assert field_value(response, "id_title") == point.title
    assert "Editar el punto 2" in page_text(response)


@pytest.mark.parametrize("user", ["alice", "manager"])
def test_those_who_manage_every_committee_upload(request, client, point, media, user):
    response = signed_in(client, request.getfixturevalue(user)).post(url(point), upload())
    assert response.status_code == 302
    assert Document.objects.get().uploaded_by == request.getfixturevalue(user)


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_only_post_is_allowed(client, secretary, point, media, method):
    assert getattr(signed_in(client, secretary), method)(url(point)).status_code == 405
