"""Who sees a session's agenda and its documents: a member reads, others are turned away."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from .helpers import sign_in, upcoming_session_with_document

pytestmark = pytest.mark.e2e


def test_a_member_reads_the_agenda_and_downloads_a_document(page, expect, demo):
    session, point, document, pdf = upcoming_session_with_document(demo.committee)
    sign_in(page, demo.member)

    upcoming = page.get_by_role("region", name="Próximas sesiones")
    upcoming.get_by_role("link", name=session.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(session.title)
    agenda = page.locator("#orden-del-dia")
    expect(agenda).to_contain_text(point.title)
    expect(agenda).to_contain_text("Asuntos generales")
    # Read-only: no control that changes the agenda.
    for name in ("Editar", "Eliminar", "Subir", "Bajar"):
        expect(page.get_by_role("link", name=name)).to_have_count(0)
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    expect(page.get_by_text("Agregar un punto")).to_have_count(0)
    expect(page.get_by_role("button", name="Agregar punto")).to_have_count(0)

    with page.expect_download() as download_info:
        agenda.get_by_role("link", name="Informe del segundo simulacro").click()
    download = download_info.value
    assert download.suggested_filename == "informe-segundo-simulacro.pdf"
    with open(download.path(), "rb") as downloaded:
        content = downloaded.read()
    assert content == pdf
    assert "Informe del segundo simulacro" in PdfReader(io.BytesIO(content)).pages[0].extract_text()


def test_someone_without_a_seat_gets_not_found(page, demo):
    session, _point, document, _pdf = upcoming_session_with_document(demo.committee)
    sign_in(page, demo.outsider)

    response = page.goto(f"/sesiones/{session.pk}/")
    assert response.status == 404
    response = page.request.get(document_url(document))
    assert response.status == 404
    # The browser logs the 404 of the page it was asked to show.
    page.console_errors = [e for e in page.console_errors if "status of 404" not in e]


def test_an_anonymous_visitor_is_sent_to_sign_in_and_then_back(page, expect, demo):
    session, _point, document, _pdf = upcoming_session_with_document(demo.committee)

    response = page.request.get(document_url(document), max_redirects=0)
    assert response.status == 302
    assert response.headers["location"].startswith("/cuenta/login/?next=")

    page.goto(f"/sesiones/{session.pk}/")
    expect(page).to_have_url(re.compile(rf"/cuenta/login/\?next=/sesiones/{session.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Entrar a Quórum")
    sign_in(page, demo.member)
    expect(page).to_have_url(re.compile(rf"/sesiones/{session.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(session.title)


def document_url(document) -> str:
    return reverse("agendas:document-download", args=[document.pk, document.download_name])
