"""Moving a point one place up or down; positions stay 1..n, stale pages change nothing."""

import re

import pytest
from django.urls import reverse

from agendas.models import AgendaPoint
from agendas.services import agenda_version
from agendas.views import CONFLICT_MESSAGE
from tests.web import (
    agenda,
    assert_sign_in_required,
    form_version,
    page_text,
    session_with_agenda,
    signed_in,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
AGENDA = "Lectura y aprobación del orden del día"
PROGRESS = "Presentación del avance de las actividades correspondientes al mes de febrero"
INFORME = (
    "Presentación del segundo informe de actividades correspondientes a los meses de enero y "
    "febrero de este Comité"
)
GENERAL = "Asuntos generales"
CLOSING = "Resumen y clausura de la sesión"


@pytest.fixture
def session(committee):
    return session_with_agenda(committee)


def url(point) -> str:
    return reverse("agendas:point-move", args=[point.pk])


def point_at(session, position) -> AgendaPoint:
    return session.points.get(position=position)


def move(session, direction: str) -> dict:
    return {"direction": direction, "version": agenda_version(session)}


def titles(session) -> list[str]:
    return [title for _, title in agenda(session)]


def positions(session) -> list[int]:
    return [position for position, _ in agenda(session)]


def focused_button(response) -> str:
    """The aria-label of the button htmx will focus after the swap."""
    button = re.search(r'<button[^>]*aria-label="([^"]*)"[^>]*data-autofocus', response.text)
    assert button, "no button to focus"
    return button.group(1)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def test_the_url(session):
    point = point_at(session, 2)
    assert url(point) == f"/puntos/{point.pk}/mover/"


def test_it_requires_sign_in(client, session):
    point = point_at(session, 2)
    assert_sign_in_required(client.post(url(point), move(session, "up")), url(point))
    assert titles(session)[:2] == [AGENDA, PROGRESS]


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_those_who_manage_the_committee_move_points(request, client, session, user):
    response = signed_in(client, request.getfixturevalue(user)).post(
        url(point_at(session, 2)), move(session, "up")
    )
    assert response.status_code == 404
    assert titles(session)[:2] == [AGENDA, PROGRESS]


def test_it_moves_a_point_down(client, secretary, session):
    point = point_at(session, 2)

    response = signed_in(client, secretary).post(url(point), move(session, "down"))

    assert response.status_code == 302
    assert response.url == f"{reverse('sessions:detail', args=[session.pk])}#punto-{point.pk}"
    assert agenda(session) == [
        (1, AGENDA),
        (2, INFORME),
        (3, PROGRESS),
        (4, GENERAL),
        (5, CLOSING),
    ]


def test_it_moves_a_point_up(client, secretary, session):
    signed_in(client, secretary).post(url(point_at(session, 4)), move(session, "up"))
    assert titles(session) == [AGENDA, PROGRESS, GENERAL, INFORME, CLOSING]
    assert positions(session) == [1, 2, 3, 4, 5]


def test_moves_in_a_row_keep_positions_one_to_n(client, secretary, session):
    signed_in(client, secretary)
    closing = point_at(session, 5)
    for _ in range(4):
        client.post(url(closing), move(session, "up"))
    assert titles(session) == [CLOSING, AGENDA, PROGRESS, INFORME, GENERAL]
    assert positions(session) == [1, 2, 3, 4, 5]


def test_moving_the_first_point_up_changes_nothing(client, secretary, session):
    response = signed_in(client, secretary).post(url(point_at(session, 1)), move(session, "up"))
    assert response.status_code == 302
    assert titles(session) == [AGENDA, PROGRESS, INFORME, GENERAL, CLOSING]


def test_moving_the_last_point_down_changes_nothing(client, secretary, session):
    response = signed_in(client, secretary).post(url(point_at(session, 5)), move(session, "down"))
    assert response.status_code == 302
    assert titles(session) == [AGENDA, PROGRESS, INFORME, GENERAL, CLOSING]


def test_with_htmx_it_answers_with_the_agenda_and_keeps_focus_on_the_point(
    client, secretary, session
):
    point = point_at(session, 2)

    response = signed_in(client, secretary).post(url(point), move(session, "down"), headers=HTMX)

    assert response.status_code == 200
    assert '<section id="orden-del-dia"' in response.text
    assert "<html" not in response.text
    text = page_text(response)
    assert text.index(f"Punto 2: {INFORME}") < text.index(f"Punto 3: {PROGRESS}")
    assert focused_button(response) == "Bajar el punto 3"
    # The next move from this fragment is not taken for someone else's change.
    assert form_version(response, url(point)) == agenda_version(session)


def test_with_htmx_focus_stays_on_a_point_moved_to_the_top(client, secretary, session):
    response = signed_in(client, secretary).post(
        url(point_at(session, 2)), move(session, "up"), headers=HTMX
    )
    # It has no "up" button any more: focus goes to its "down" one.
    assert focused_button(response) == "Bajar el punto 1"


def test_with_htmx_focus_stays_on_a_point_moved_to_the_bottom(client, secretary, session):
    response = signed_in(client, secretary).post(
        url(point_at(session, 4)), move(session, "down"), headers=HTMX
    )
    assert focused_button(response) == "Subir el punto 5"


def test_a_stale_version_moves_nothing(client, secretary, session):
    stale = move(session, "down")
    AgendaPoint.objects.filter(pk=point_at(session, 3).pk).update(presenter="Presidencia")

    response = signed_in(client, secretary).post(url(point_at(session, 2)), stale)

    assert response.status_code == 302
    assert response.url == f"{reverse('sessions:detail', args=[session.pk])}#orden-del-dia"
    assert messages_of(response) == [CONFLICT_MESSAGE]
    assert titles(session) == [AGENDA, PROGRESS, INFORME, GENERAL, CLOSING]


def test_with_htmx_a_stale_version_shows_the_current_agenda(client, secretary, session):
    stale = move(session, "down")
    AgendaPoint.objects.filter(pk=point_at(session, 3).pk).update(title="Informe corregido")

    response = signed_in(client, secretary).post(url(point_at(session, 2)), stale, headers=HTMX)

    assert response.status_code == 200
    text = page_text(response)
    assert CONFLICT_MESSAGE in text
    assert "Punto 3: Informe corregido" in text
    assert titles(session) == [AGENDA, PROGRESS, "Informe corregido", GENERAL, CLOSING]


@pytest.mark.parametrize("user", ["alice", "manager"])
def test_those_who_manage_every_committee_move_points(request, client, session, user):
    signed_in(client, request.getfixturevalue(user)).post(
        url(point_at(session, 2)), move(session, "down")
    )
    assert titles(session)[1:3] == [INFORME, PROGRESS]


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_only_post_is_allowed(client, secretary, session, method):
    response = getattr(signed_in(client, secretary), method)(url(point_at(session, 2)))
    assert response.status_code == 405
