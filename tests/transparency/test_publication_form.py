"""The secretariat decides a document's publication on its own page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agendas.models import Document
from tests.factories import make_point, make_session
from tests.web import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(committee):
    session = make_session(committee, is_public=True)
    point = make_point(session)
    return Document.objects.create(
        point=point, title="Dictamen", file=SimpleUploadedFile("dictamen.pdf", PDF)
    )


def url(document):
    return reverse("transparency:document-publication", args=[document.pk])


def test_only_the_committees_managers_decide(client, document, member, secretary):
    assert client.get(url(document)).status_code == 302  # to the sign-in page
    client.force_login(member)
    assert client.get(url(document)).status_code == 404
    client.force_login(secretary)
    page = client.get(url(document))
    assert page.status_code == 200
    assert "Sin clasificar" in page.content.decode()


def test_the_secretary_publishes_a_versión_pública(client, document, secretary):
    client.force_login(secretary)
    redacted = PDF + b"% testado\n"
    response = client.post(
        url(document),
        {
            "publication": "public",
            "public_version": SimpleUploadedFile("dictamen-vp.pdf", redacted),
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.publication == "public" and document.public_version
    served = client.get(
        reverse("transparency:document", args=[document.pk, document.published_name])
    )
    assert b"".join(served.streaming_content) == redacted
    history = client.get(url(document)).content.decode()
    assert "Pública" in history


def test_a_reservation_without_basis_is_refused_and_keeps_the_input(client, document, secretary):
    client.force_login(secretary)
    response = client.post(url(document), {"publication": "reserved", "term": "2026-12-31"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "fundamento legal" in text
    assert 'value="2026-12-31"' in text
    assert Document.objects.get(pk=document.pk).publication == "pending"


def test_a_false_versión_pública_is_refused(client, document, secretary):
    client.force_login(secretary)
    response = client.post(
        url(document),
        {"publication": "public", "public_version": SimpleUploadedFile("vp.pdf", b"no es pdf")},
    )
    assert response.status_code == 200
    assert "no corresponde" in response.content.decode()
    assert not Document.objects.get(pk=document.pk).public_version
