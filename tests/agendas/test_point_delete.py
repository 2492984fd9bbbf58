"""Deleting a point: asked first, refused once votes or agreements hang on it."""

import pytest
from django.urls import reverse

from agendas.models import AgendaPoint, Document
from agendas.services import agenda_version
from agendas.views import CONFLICT_MESSAGE
from committees.models import Membership
from tests.factories import make_agreement, make_membership, make_vote
from tests.web import (
    agenda,
    assert_sign_in_required,
    form_version,
    make_document,
    page_text,
    session_with_agenda,
    signed_in,
)

pytestmark = pytest.mark.django_db

TITLE = "Presentación del avance de las actividades correspondientes al mes de febrero"


@pytest.fixture
def point(committee):
    return session_with_agenda(committee).points.get(position=2)


def url(point) -> str:
    return reverse("agendas:point-delete", args=[point.pk])


def session_url(point) -> str:
    return f"{reverse('sessions:detail', args=[point.session_id])}#orden-del-dia"


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def test_the_url(point):
    assert url(point) == f"/puntos/{point.pk}/eliminar/"


def test_it_requires_sign_in(client, point):
    assert_sign_in_required(client.get(url(point)), url(point))
    response = client.post(url(point), {"version": agenda_version(point.session)})
    assert_sign_in_required(response, url(point))
    assert AgendaPoint.objects.filter(pk=point.pk).exists()


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_those_who_manage_the_committee_delete_points(request, client, point, user):
    signed_in(client, request.getfixturevalue(user))

    assert client.get(url(point)).status_code == 404
    assert client.post(url(point), {"version": agenda_version(point.session)}).status_code == 404
    assert AgendaPoint.objects.filter(pk=point.pk).exists()


def test_it_asks_first(client, secretary, point):
    response = signed_in(client, secretary).get(url(point))

    assert response.status_code == 200
    text = page_text(response)
    assert f"¿Eliminar el punto 2? «{TITLE}»" in text
    assert (
        "Se quitará del orden del día de la primera sesión ordinaria junto con sus documentos, "
        "y los puntos siguientes subirán un lugar."
    ) in text
    assert "Sí, eliminar" in text
    assert form_version(response) == agenda_version(point.session)
    assert AgendaPoint.objects.filter(pk=point.pk).exists()


def test_confirming_deletes_the_point_and_closes_the_gap(client, secretary, point, media):
    make_document(point)
    signed_in(client, secretary)
    confirmation = client.get(url(point))

    response = client.post(url(point), {"version": form_version(confirmation)})

    assert response.status_code == 302
    assert response.url == session_url(point)
    assert not AgendaPoint.objects.filter(pk=point.pk).exists()
    assert not Document.objects.exists()
    assert agenda(point.session) == [
        (1, "Lectura y aprobación del orden del día"),
        (
            2,
            "Presentación del segundo informe de actividades correspondientes a los meses de "
            "enero y febrero de este Comité",
        ),
        (3, "Asuntos generales"),
        (4, "Resumen y clausura de la sesión"),
    ]
    assert messages_of(response) == [f"Se eliminó el punto «{TITLE}»."]


def test_the_session_page_confirms_it(client, secretary, point):
    response = signed_in(client, secretary).post(
        url(point), {"version": agenda_version(point.session)}, follow=True
    )
    assert f"Se eliminó el punto «{TITLE}»." in page_text(response)


def test_the_last_point_can_go(client, secretary, point):
    last = point.session.points.get(position=5)
    signed_in(client, secretary).post(url(last), {"version": agenda_version(point.session)})
    assert [position for position, _ in agenda(point.session)] == [1, 2, 3, 4]


def test_a_stale_version_deletes_nothing(client, secretary, point):
    stale = agenda_version(point.session)
    AgendaPoint.objects.filter(session=point.session, position=1).update(title="Orden del día")

    response = signed_in(client, secretary).post(url(point), {"version": stale})

    assert response.status_code == 302
    assert response.url == session_url(point)
    assert messages_of(response) == [CONFLICT_MESSAGE]
    assert len(agenda(point.session)) == 5


def test_a_post_without_the_confirmation_form_deletes_nothing(client, secretary, point):
    response = signed_in(client, secretary).post(url(point))
    assert messages_of(response) == [CONFLICT_MESSAGE]
    assert AgendaPoint.objects.filter(pk=point.pk).exists()


def test_a_point_with_votes_cannot_be_deleted(client, secretary, point):
    make_vote(point, make_membership(point.session.committee, role=Membership.Role.MEMBER))

    response = signed_in(client, secretary).post(
        url(point), {"version": agenda_version(point.session)}, follow=True
    )

    assert "No se puede eliminar un punto que ya tiene votos o acuerdos registrados." in (
        page_text(response)
    )
    assert AgendaPoint.objects.filter(pk=point.pk).exists()
    assert len(agenda(point.session)) == 5


def test_a_point_with_agreements_cannot_be_deleted(client, secretary, point):
    make_agreement(point)

    response = signed_in(client, secretary).post(
        url(point), {"version": agenda_version(point.session)}
    )

    assert messages_of(response) == [
        "No se puede eliminar un punto que ya tiene votos o acuerdos registrados."
    ]
    assert AgendaPoint.objects.filter(pk=point.pk).exists()


@pytest.mark.parametrize("user", ["alice", "manager"])
def test_those_who_manage_every_committee_delete_points(request, client, point, user):
    signed_in(client, request.getfixturevalue(user))
    assert client.get(url(point)).status_code == 200
    assert client.post(url(point), {"version": agenda_version(point.session)}).status_code == 302
    assert not AgendaPoint.objects.filter(pk=point.pk).exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_not_allowed(client, secretary, point, method):
    assert getattr(signed_in(client, secretary), method)(url(point)).status_code == 405
    assert AgendaPoint.objects.filter(pk=point.pk).exists()
