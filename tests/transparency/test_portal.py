"""The portal and the open data, read by someone who is not signed in."""

import csv
import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from agendas.models import Document
from reports.models import Acta
from sessions.models import Session
from tests.transparency.world import DRAFT_BODY, PRIVATE_MARK, RESERVED_TITLE, SLUG
from transparency import public
from transparency.services import decide_publication

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def portal_urls(demo) -> list[str]:
    committee = demo["committee"]
    urls = [
        reverse("transparency:index"),
        reverse("transparency:institution", args=[committee.institution_id]),
        reverse("transparency:committee", args=[committee.slug]),
        reverse("transparency:sitemap"),
        reverse("transparency:export", args=[committee.institution_id, 2024, 1, "csv"]),
    ]
    urls += [
        reverse("transparency:session", args=[pk])
        for pk in public.sessions().values_list("pk", flat=True)
    ]
    urls += [
        reverse("transparency:committee-data", args=[committee.slug, dataset, fmt])
        for dataset in ("sesiones", "puntos", "acuerdos", "votaciones")
        for fmt in ("csv", "json")
    ]
    return urls


def test_every_portal_page_is_open_and_shows_nothing_private(client, demo):
    for url in portal_urls(demo):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert PRIVATE_MARK not in text, url
        assert RESERVED_TITLE not in text, url
        assert DRAFT_BODY not in text, url
        assert not EMAIL.findall(text), (url, EMAIL.findall(text))
        assert (
            response["Cache-Control"] == "public, max-age=300"
            or "public" in response["Cache-Control"]
        )
        assert response.has_header("ETag") and response.has_header("Last-Modified")


def test_private_session_reserved_document_and_draft_acta_are_not_found(client, demo):
    private = demo["private"]
    assert client.get(reverse("transparency:session", args=[private.pk])).status_code == 404
    reserved = demo["reserved"]
    url = reverse("transparency:document", args=[reserved.pk, reserved.download_name])
    assert client.get(url).status_code == 404
    draft = Acta.objects.get(session=demo["draft_session"])
    assert client.get(reverse("transparency:acta-pdf", args=[draft.pk])).status_code == 404
    page = client.get(reverse("transparency:session", args=[demo["draft_session"].pk]))
    assert "aún no ha sido aprobada" in page.content.decode()


def test_committee_page_shows_integration_calendar_and_informes(client, demo):
    page = client.get(reverse("transparency:committee", args=[SLUG])).content.decode()
    for text in (
        "Integración",
        "Fundamento legal",
        "Calendario de sesiones",
        "Informes presentados",
    ):
        assert text in page
    committee = demo["committee"]
    for seat in committee.memberships.select_related("person"):
        assert seat.person.name in page
    assert "Acta aprobada" in page
    # The public iCalendar feed and the downloads are linked.
    assert reverse("sessions:committee-feed", args=[SLUG]) in page
    assert reverse("transparency:committee-data", args=[SLUG, "acuerdos", "csv"]) in page


def test_session_page_links_the_archived_acta_with_its_hash(client, demo):
    acta = public.actas().exclude(pdf="").select_related("session").first()
    page = client.get(reverse("transparency:session", args=[acta.session_id])).content.decode()
    assert acta.pdf_sha256 in page
    pdf = client.get(reverse("transparency:acta-pdf", args=[acta.pk]))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert pdf["Repr-Digest"].startswith("sha-256=:")


def test_publishing_a_document_with_a_public_version_serves_the_redacted_copy(client, demo, alice):
    reserved = demo["reserved"]
    redacted = b"%PDF-1.7\n% version publica testada\n%%EOF\n"
    decide_publication(
        reserved,
        publication=Document.Publication.PUBLIC,
        public_version=SimpleUploadedFile("version-publica.pdf", redacted),
        by=alice,
    )
    reserved.refresh_from_db()
    page = client.get(reverse("transparency:session", args=[demo["open_session"].pk]))
    assert RESERVED_TITLE in page.content.decode()
    assert "versión pública" in page.content.decode()
    response = client.get(
        reverse("transparency:document", args=[reserved.pk, reserved.published_name])
    )
    assert b"".join(response.streaming_content) == redacted
    # The original is never served by the portal, even by its own name.
    original = reverse("transparency:document", args=[reserved.pk, reserved.download_name])
    assert client.get(original).status_code == 404
    # The decision is in the history, with who took it.
    last = reserved.history.first()
    assert last.publication == "public" and last.history_user == alice
    assert last.history_change_reason == "Publicación: Pública"


def test_a_classification_needs_its_legal_basis(demo, alice):
    reserved = demo["reserved"]
    with pytest.raises(ValidationError) as error:
        decide_publication(reserved, publication=Document.Publication.CONFIDENTIAL, by=alice)
    assert "fundamento legal" in str(error.value)
    decide_publication(
        reserved,
        publication=Document.Publication.RESERVED,
        basis="Artículo 113, fracción VIII, LGTAIP",
        by=alice,
    )
    assert Document.objects.get(pk=reserved.pk).classification_basis.startswith("Artículo 113")


def test_a_sealed_sessions_document_can_be_published_but_not_changed(alice):
    from sessions.seal import SealedRecordError
    from tests.factories import make_committee
    from tests.sealed_record import build_sealed_record

    record = build_sealed_record(make_committee(), by=alice)
    document = record.document
    assert document.is_sealed
    decide_publication(
        document,
        publication=Document.Publication.RESERVED,
        basis="Artículo 113, fracción VIII, LGTAIP",
        by=alice,
    )
    decide_publication(document, publication=Document.Publication.PUBLIC, by=alice)
    Session.objects.filter(pk=record.session.pk).update(is_public=True)
    assert public.documents().filter(pk=document.pk).exists()
    assert document.history.count() >= 3
    document.refresh_from_db()
    document.title = "Otro título"
    with pytest.raises(SealedRecordError):
        document.save()


def test_transparency_export_reads_back_with_openpyxl(client, demo):
    committee = demo["committee"]
    url = reverse("transparency:export", args=[committee.institution_id, 2024, 1, "xlsx"])
    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    headers = rows[1]
    assert headers[0] == "Ejercicio"
    assert "Hipervínculo a los documentos completos de las actas" in headers
    data = [dict(zip(headers, row, strict=True)) for row in rows[2:]]
    held = (
        public.sessions()
        .filter(committee=committee, status="held", date__year=2024, date__month__lte=3)
        .exclude(kind=Session.Kind.WORK_MEETING)
    )
    ours = [row for row in data if row["Órgano colegiado"] == committee.name]
    assert len(ours) == held.count() > 0
    for row in ours:
        assert row["Ejercicio"] == 2024
        assert row["Tipo de acta (catálogo)"] in ("Ordinaria", "Extraordinaria")
        assert (
            row["Hipervínculo a los documentos completos de las actas"].startswith(
                "http://testserver/transparencia/"
            )
            or "/transparencia/" in row["Hipervínculo a los documentos completos de las actas"]
        )
        assert row["Temas de la sesión (orden del día)"].startswith("1. ")
    text = client.get(url.replace(".xlsx", ".csv")).content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[0] == list(headers)


def test_a_quarter_without_sessions_gets_the_reasoned_notice(client, demo):
    from transparency.models import PeriodNotice

    committee = demo["committee"]
    PeriodNotice.objects.create(
        committee=committee, year=2023, quarter=2, text="No hubo asuntos que desahogar."
    )
    url = reverse("transparency:export", args=[committee.institution_id, 2023, 2, "csv"])
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert len(rows) == 1 or any("No hubo asuntos" in row[-1] for row in rows[1:])


def test_committee_json_downloads_have_no_personal_data(client, demo):
    url = reverse("transparency:committee-data", args=[SLUG, "votaciones", "json"])
    votes = json.loads(client.get(url).content)
    assert votes and set(votes[0]) == {
        "sesion_id",
        "fecha_sesion",
        "punto",
        "integrante",
        "sentido",
    }


def test_a_conditional_request_gets_304(client, demo):
    url = reverse("transparency:committee", args=[SLUG])
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_unknown_dataset_or_quarter_is_404(client, demo):
    committee = demo["committee"]
    assert client.get(f"/transparencia/organos/{SLUG}/datos/otro.csv").status_code == 404
    url = reverse("transparency:export", args=[committee.institution_id, 2024, 5, "xlsx"])
    assert client.get(url).status_code == 404


def test_spreadsheet_cells_never_become_formulas():
    from transparency.export import safe_cell

    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("Texto") == "Texto"
