"""Adding a point to a session's agenda: before general matters, never over someone's change."""

import pytest
from django.urls import reverse

from agendas.models import AgendaPoint
from agendas.services import agenda_version
from agendas.views import CONFLICT_MESSAGE
from tests.factories import make_point, make_session
from tests.web import (
    agenda,
    assert_sign_in_required,
    field_error,
    field_value,
    form_version,
    page_text,
    session_with_agenda,
    signed_in,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
STANDARD = [
    (1, "Lectura y aprobación del orden del día"),
    (2, "Presentación del avance de las actividades correspondientes al mes de febrero"),
    (
        3,
        "Presentación del segundo informe de actividades correspondientes a los meses de enero "
        "y febrero de este Comité",
    ),
    (4, "Asuntos generales"),
    (5, "Resumen y clausura de la sesión"),
]


@pytest.fixture
def session(committee):
    return session_with_agenda(committee)


def url(session) -> str:
    return reverse("agendas:point-create", args=[session.pk])


def new_point(session, **fields) -> dict:
    return {
        "title": "Presentación del Proceso Técnico Operativo del PREP",
        "kind": "approval",
        "presenter": "Coordinación de Informática",
        "description": "Para su aprobación.",
        "version": agenda_version(session),
        **fields,
    }


def test_the_url(session):
    assert url(session) == f"/sesiones/{session.pk}/puntos/nuevo/"


def test_it_requires_sign_in(client, session):
    response = client.post(url(session), new_point(session))
    assert_sign_in_required(response, url(session))
    assert agenda(session) == STANDARD


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_those_who_manage_the_committee_add_points(request, client, session, user):
    response = signed_in(client, request.getfixturevalue(user)).post(
        url(session), new_point(session)
    )
    assert response.status_code == 404
    assert agenda(session) == STANDARD


def test_it_inserts_the_point_before_general_matters(client, secretary, session):
    response = signed_in(client, secretary).post(url(session), new_point(session))

    assert response.status_code == 302
    assert response.url == f"{reverse('sessions:detail', args=[session.pk])}#orden-del-dia"
    assert agenda(session) == [
        *STANDARD[:3],
        (4, "Presentación del Proceso Técnico Operativo del PREP"),
        (5, "Asuntos generales"),
        (6, "Resumen y clausura de la sesión"),
    ]
    point = session.points.get(position=4)
    assert (point.kind, point.presenter, point.description, point.standard) == (
        "approval",
        "Coordinación de Informática",
        "Para su aprobación.",
        "",
    )


def test_the_session_page_confirms_it(client, secretary, session):
    response = signed_in(client, secretary).post(url(session), new_point(session), follow=True)
    text = page_text(response)
    assert "Se agregó el punto al orden del día." in text
    assert "Punto 4: Presentación del Proceso Técnico Operativo del PREP" in text


def test_points_added_one_after_another_keep_their_order(client, secretary, session):
    signed_in(client, secretary)
    client.post(url(session), new_point(session, title="Primero"))
    client.post(url(session), new_point(session, title="Segundo"))

    assert [title for _, title in agenda(session)][3:] == [
        "Primero",
        "Segundo",
        "Asuntos generales",
        "Resumen y clausura de la sesión",
    ]
    assert [position for position, _ in agenda(session)] == [1, 2, 3, 4, 5, 6, 7]


def test_a_session_without_points_gets_its_first_one(client, secretary, committee):
    session = make_session(committee)
    signed_in(client, secretary).post(url(session), new_point(session, title="Único"))
    assert agenda(session) == [(1, "Único")]


def test_a_point_goes_at_the_end_when_there_is_no_closing(client, secretary, committee):
    session = make_session(committee)
    make_point(session, title="Uno")
    signed_in(client, secretary).post(url(session), new_point(session, title="Dos"))
    assert agenda(session) == [(1, "Uno"), (2, "Dos")]


def test_with_htmx_it_answers_with_the_new_agenda(client, secretary, session):
    response = signed_in(client, secretary).post(url(session), new_point(session), headers=HTMX)

    assert response.status_code == 200
    assert '<section id="orden-del-dia"' in response.text
    assert "<html" not in response.text
    text = page_text(response)
    assert "Punto 4: Presentación del Proceso Técnico Operativo del PREP" in text
    # The add form is empty again and carries the new version.
    assert field_value(response, "id_title") == ""
    assert form_version(response, url(session)) == agenda_version(session)
    assert len(agenda(session)) == 6


def test_with_htmx_the_confirmation_is_shown_at_once_not_on_the_next_page(
    client, secretary, session
):
    signed_in(client, secretary)

    response = client.post(url(session), new_point(session), headers=HTMX)

    assert 'id="mensajes"' in response.text
    assert 'hx-swap-oob="innerHTML"' in response.text
    assert "Se agregó el punto al orden del día." in page_text(response)
    next_page = client.get(reverse("sessions:detail", args=[session.pk]))
    assert "Se agregó el punto" not in page_text(next_page)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Escriba el título del punto."),
        ("kind", "", "Elija el tipo de punto."),
        (
            "kind",
            "secreto",
            "Seleccione una opción válida. secreto no es una de las opciones disponibles.",
        ),
    ],
)
def test_a_wrong_value_is_explained_next_to_its_field(
    client, secretary, session, field, value, message
):
    response = signed_in(client, secretary).post(url(session), new_point(session, **{field: value}))

    assert response.status_code == 200
    assert field_error(response, f"id_{field}") == message
    assert field_value(response, "id_presenter") == "Coordinación de Informática"
    assert field_value(response, "id_description") == "Para su aprobación."
    assert agenda(session) == STANDARD
    # Sent again, corrected, from this page: it is not taken for someone else's change.
    assert form_version(response, url(session)) == agenda_version(session)


def test_with_htmx_a_wrong_value_comes_back_in_the_agenda(client, secretary, session):
    response = signed_in(client, secretary).post(
        url(session), new_point(session, title=""), headers=HTMX
    )

    assert response.status_code == 200
    assert '<section id="orden-del-dia"' in response.text
    assert field_error(response, "id_title") == "Escriba el título del punto."
    assert field_value(response, "id_presenter") == "Coordinación de Informática"
    assert agenda(session) == STANDARD


def test_a_stale_version_adds_nothing_and_keeps_what_was_typed(client, secretary, session):
    stale = new_point(session)
    AgendaPoint.objects.filter(session=session, position=2).update(title="Otro título")

    response = signed_in(client, secretary).post(url(session), stale)

    assert response.status_code == 200
    assert "Otra persona modificó el orden del día" in page_text(response)
    assert "el punto no se agregó" in page_text(response)
    assert "este punto mientras usted lo editaba" not in page_text(response)
    assert field_value(response, "id_title") == stale["title"]
    assert field_value(response, "id_presenter") == stale["presenter"]
    assert len(agenda(session)) == 5
    # Sending it again applies it on top of the other person's change.
    again = {**stale, "version": form_version(response, url(session))}
    assert client.post(url(session), again).status_code == 302
    assert session.points.get(position=4).title == stale["title"]
    assert session.points.get(position=2).title == "Otro título"


def test_with_htmx_a_stale_version_shows_the_current_agenda(client, secretary, session):
    stale = new_point(session)
    make_point(session, title="Agregado por otra persona", position=6)

    response = signed_in(client, secretary).post(url(session), stale, headers=HTMX)

    assert response.status_code == 200
    text = page_text(response)
    assert CONFLICT_MESSAGE in text
    assert "Punto 6: Agregado por otra persona" in text
    assert field_value(response, "id_title") == stale["title"]
    assert len(agenda(session)) == 6
    again = {**stale, "version": form_version(response, url(session))}
    client.post(url(session), again, headers=HTMX)
    assert session.points.get(position=4).title == stale["title"]


def test_a_post_without_version_is_taken_as_stale(client, secretary, session):
    data = new_point(session)
    del data["version"]
    response = signed_in(client, secretary).post(url(session), data)
    assert response.status_code == 200
    assert len(agenda(session)) == 5


@pytest.mark.parametrize("user", ["alice", "manager"])
def test_those_who_manage_every_committee_add_points(request, client, session, user):
    response = signed_in(client, request.getfixturevalue(user)).post(
        url(session), new_point(session)
    )
    assert response.status_code == 302
    assert len(agenda(session)) == 6


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_only_post_is_allowed(client, secretary, session, method):
    assert getattr(signed_in(client, secretary), method)(url(session)).status_code == 405
