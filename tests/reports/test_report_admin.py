"""The report admin: actas keep their frozen content; informes show their title."""

import datetime

import pytest
from django.urls import reverse

from agendas.models import AgendaPoint
from committees.models import Committee, Institution
from reports.models import Acta, Informe
from sessions.models import Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee():
    institution = Institution.objects.create(
        name="Instituto Electoral de Prueba", short_name="IEP", kind=Institution.Kind.OPL
    )
    return Committee.objects.create(
        institution=institution,
        name="Comité Técnico Asesor del PREP",
        short_name="COTAPREP",
        slug="cotaprep",
        kind=Committee.Kind.TECHNICAL_ADVISORY,
    )


def make_session(committee, number, date, **overrides):
    return Session.objects.create(
        committee=committee,
        kind=Session.Kind.ORDINARY,
        number=number,
        date=date,
        status=Session.Status.HELD,
        **overrides,
    )


def acta_form_data(acta, **overrides):
    data = {
        "session": acta.session_id,
        "status": acta.status,
        "body": acta.body,
        "approved_at_point": acta.approved_at_point_id or "",
        "approved_on": acta.approved_on.isoformat() if acta.approved_on else "",
    }
    return {**data, **overrides}


def test_the_snapshot_of_an_acta_is_shown_but_not_editable(admin_client, committee):
    acta = Acta.objects.create(
        session=make_session(committee, 1, datetime.date(2024, 1, 10)),
        body="Texto",
        snapshot={"puntos": ["Orden del día"]},
    )
    url = reverse("admin:reports_acta_change", args=[acta.pk])

    page = admin_client.get(url)
    response = admin_client.post(
        url, acta_form_data(acta, body="Texto corregido", snapshot='{"puntos": []}')
    )

    assert "Orden del día" in page.text
    assert 'name="snapshot"' not in page.text
    assert response.status_code == 302
    acta.refresh_from_db()
    assert acta.body == "Texto corregido"
    assert acta.snapshot == {"puntos": ["Orden del día"]}


def test_an_approved_acta_only_moves_its_status(admin_client, committee):
    first = make_session(committee, 1, datetime.date(2024, 1, 10))
    second = make_session(committee, 2, datetime.date(2024, 2, 7))
    approving = AgendaPoint.objects.create(
        session=second, position=2, title="Aprobación del acta", kind=AgendaPoint.Kind.APPROVAL
    )
    acta = Acta.objects.create(
        session=first,
        body="Texto aprobado",
        status=Acta.Status.APPROVED,
        approved_at_point=approving,
        approved_on=second.date,
    )
    url = reverse("admin:reports_acta_change", args=[acta.pk])

    page = admin_client.get(url)
    response = admin_client.post(url, {"status": Acta.Status.PUBLISHED, "body": "Texto alterado"})

    assert 'name="body"' not in page.text
    assert 'name="status"' in page.text
    assert response.status_code == 302
    acta.refresh_from_db()
    assert acta.status == Acta.Status.PUBLISHED
    assert acta.body == "Texto aprobado"


def test_the_informe_list_shows_their_titles(admin_client, committee):
    Informe.objects.create(
        committee=committee,
        kind=Informe.Kind.BIMONTHLY,
        number=1,
        period_start=datetime.date(2023, 11, 1),
        period_end=datetime.date(2023, 12, 31),
    )

    response = admin_client.get(reverse("admin:reports_informe_changelist"))

    assert response.status_code == 200
    assert "Primer informe de actividades" in response.text
