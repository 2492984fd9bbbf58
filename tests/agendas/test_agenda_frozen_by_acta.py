"""Once a session's acta is approved, its agenda and documents are part of the record."""

import datetime

import pytest
from django.urls import reverse

from agendas.models import AgendaPoint
from reports.services import draft_acta
from tests.record import approve_at_next_session, convened, held, messages_of, seats
from tests.web import signed_in

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 3, 19)


@pytest.fixture
def approved_session(committee):
    seats(committee, "Integrante Uno", "Integrante Dos", "Integrante Tres")
    session = held(convened(committee, DAY))
    session.points.create(
        position=1, title="Lectura y aprobación del orden del día", kind="approval"
    )
    approve_at_next_session(draft_acta(session))
    return session


def test_points_of_a_session_with_an_approved_acta_are_not_changed(
    client, secretary, approved_session
):
    point = approved_session.points.get()
    client = signed_in(client, secretary)
    attempts = [
        client.post(
            reverse("agendas:point-edit", args=[point.pk]), {"title": "Otro", "kind": "approval"}
        ),
        client.post(reverse("agendas:point-delete", args=[point.pk])),
        client.post(reverse("agendas:point-move", args=[point.pk]), {"direction": "down"}),
        client.post(
            reverse("agendas:point-create", args=[approved_session.pk]),
            {"title": "Nuevo", "kind": "informative"},
        ),
    ]
    for response in attempts:
        assert response.status_code == 302
        assert any("ya fue aprobada" in message for message in messages_of(response))
    point.refresh_from_db()
    assert point.title == "Lectura y aprobación del orden del día"
    assert AgendaPoint.objects.filter(session=approved_session).count() == 1
