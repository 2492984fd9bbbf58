"""The agenda admin: points, their documents and votes, agreements and their follow-up."""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agendas.models import AgendaPoint, Agreement, AgreementFollowUp, Document
from committees.models import Committee, Institution
from sessions.models import Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def point():
    institution = Institution.objects.create(
        name="Instituto Electoral de Prueba", short_name="IEP", kind=Institution.Kind.OPL
    )
    committee = Committee.objects.create(
        institution=institution,
        name="Comité Técnico Asesor del PREP",
        short_name="COTAPREP",
        slug="cotaprep",
        kind=Committee.Kind.TECHNICAL_ADVISORY,
    )
    session = Session.objects.create(
        committee=committee, kind=Session.Kind.ORDINARY, number=1, date=datetime.date(2024, 1, 10)
    )
    AgendaPoint.objects.create(
        session=session, position=1, title="Orden del día", kind=AgendaPoint.Kind.APPROVAL
    )
    return AgendaPoint.objects.create(
        session=session, position=2, title="Informe", kind=AgendaPoint.Kind.INFORMATIVE
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def point_form_data(point, **overrides):
    data = {
        "session": point.session_id,
        "position": point.position,
        "title": point.title,
        "kind": point.kind,
        "standard": point.standard,
        "presenter": "",
        "description": "",
        "minutes": "",
        "approves_acta_of": "",
    }
    for prefix in ("documents", "votes"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return {**data, **overrides}


def test_the_point_page_does_not_move_the_point(admin_client, point):
    # The order belongs to the session's agenda (its inline, through reorder_points).
    response = admin_client.post(
        reverse("admin:agendas_agendapoint_change", args=[point.pk]),
        point_form_data(point, position="1", presenter="Secretaría técnica"),
    )

    assert response.status_code == 302
    point.refresh_from_db()
    assert point.position == 2
    assert point.presenter == "Secretaría técnica"


def test_a_point_is_edited_and_its_history_kept(admin_client, point):
    response = admin_client.post(
        reverse("admin:agendas_agendapoint_change", args=[point.pk]),
        point_form_data(point, presenter="Secretaría técnica"),
    )

    assert response.status_code == 302
    assert point.history.first().presenter == "Secretaría técnica"


def test_an_uploaded_document_gets_its_digest(admin_client, point, media):
    content = b"%PDF-1.7 informe"

    response = admin_client.post(
        reverse("admin:agendas_document_add"),
        {
            "point": point.pk,
            "title": "Informe de avance",
            "file": SimpleUploadedFile("informe.pdf", content, "application/pdf"),
            "uploaded_by": "",
        },
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size == len(content)
    assert document.uploaded_by.username == "admin"


def test_a_replaced_file_gets_a_new_digest(admin_client, point, media):
    document = Document.objects.create(
        point=point, title="Informe", file=SimpleUploadedFile("v1.pdf", b"version 1")
    )
    url = reverse("admin:agendas_document_change", args=[document.pk])

    page = admin_client.get(url)
    assert document.sha256 in page.text  # shown, read-only
    assert 'name="sha256"' not in page.text
    admin_client.post(
        url,
        {
            "point": point.pk,
            "title": "Informe",
            "file": SimpleUploadedFile("v2.pdf", b"version 2"),
            "uploaded_by": "",
        },
    )

    document.refresh_from_db()
    assert document.sha256 == hashlib.sha256(b"version 2").hexdigest()


def test_a_follow_up_added_on_the_agreement_page_records_who(admin_client, point):
    agreement = Agreement.objects.create(
        committee=point.session.committee,
        point=point,
        number="COTAPREP/2024/SO01/A01",
        sequence=1,
        text="Se aprueba el informe.",
    )

    response = admin_client.post(
        reverse("admin:agendas_agreement_change", args=[agreement.pk]),
        {
            "committee": agreement.committee_id,
            "point": point.pk,
            "number": agreement.number,
            "sequence": "1",
            "text": agreement.text,
            "responsible": "",
            "due_date": "",
            "status": Agreement.Status.IN_PROGRESS,
            "follow_ups-TOTAL_FORMS": "1",
            "follow_ups-INITIAL_FORMS": "0",
            "follow_ups-MIN_NUM_FORMS": "0",
            "follow_ups-MAX_NUM_FORMS": "1000",
            "follow_ups-0-agreement": agreement.pk,
            "follow_ups-0-date": "2024-02-07",
            "follow_ups-0-note": "Se entregó el informe.",
            "follow_ups-0-new_status": Agreement.Status.IN_PROGRESS,
            "follow_ups-0-at_point": point.pk,
        },
    )

    assert response.status_code == 302
    follow_up = AgreementFollowUp.objects.get()
    assert follow_up.recorded_by.username == "admin"
    assert follow_up.at_point == point
