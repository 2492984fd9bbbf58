"""Downloading a point's document: the same bytes, as an attachment, to whoever sees the session."""

import pytest
from django.urls import reverse

from sessions.models import Session
from tests.factories import make_point, make_session
from tests.web import PDF, assert_sign_in_required, docx, make_document, seat, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(committee, media):
    return make_document(make_point(make_session(committee)), "avance-febrero.pdf")


def url(document) -> str:
    return reverse("agendas:document-download", args=[document.pk, document.download_name])


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_url(document):
    assert url(document) == f"/documentos/{document.pk}/avance-febrero.pdf"


def test_it_requires_sign_in(client, document):
    assert_sign_in_required(client.get(url(document)), url(document))


def test_a_member_gets_the_file_as_an_attachment(client, member, document):
    response = signed_in(client, member).get(url(document))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="avance-febrero.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert content(response) == PDF


def test_a_name_with_accents_and_spaces_survives(client, member, committee, media):
    document = make_document(make_point(make_session(committee)), "Minuta de sesión.docx", docx())

    response = signed_in(client, member).get(url(document))

    assert document.download_name == "Minuta_de_sesión.docx"
    assert url(document).endswith("/Minuta_de_sesi%C3%B3n.docx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Minuta_de_sesi%C3%B3n.docx"
    )


def test_someone_without_a_seat_gets_a_404(client, outsider, document):
    assert signed_in(client, outsider).get(url(document)).status_code == 404


def test_a_wrong_file_name_is_a_404(client, member, document):
    signed_in(client, member)
    assert client.get(f"/documentos/{document.pk}/otro.pdf").status_code == 404
    assert client.get(f"/documentos/{document.pk}/AVANCE-FEBRERO.PDF").status_code == 404


def test_an_unknown_document_is_a_404(client, alice):
    assert signed_in(client, alice).get("/documentos/999999/anexo.pdf").status_code == 404


def test_a_guest_gets_only_the_documents_of_sessions_they_are_invited_to(
    client, guest, document, committee
):
    signed_in(client, guest)
    assert client.get(url(document)).status_code == 404

    document.point.session.invitations.add(seat(guest))
    assert client.get(url(document)).status_code == 200


def test_a_party_representative_gets_the_documents_of_work_meetings(
    client, representative, document, committee, media
):
    meeting = make_session(committee, kind=Session.Kind.WORK_MEETING)
    meeting_document = make_document(make_point(meeting), "propuesta.pdf")
    signed_in(client, representative)

    assert client.get(url(meeting_document)).status_code == 200
    assert client.get(url(document)).status_code == 404


@pytest.mark.parametrize("user", ["secretary", "alice", "manager"])
def test_those_who_manage_get_the_file(request, client, document, user):
    response = signed_in(client, request.getfixturevalue(user)).get(url(document))
    assert content(response) == PDF


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_reads(client, member, document, method):
    assert getattr(signed_in(client, member), method)(url(document)).status_code == 405
