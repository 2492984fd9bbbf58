"""A new session: numbered in date order, created with the standard agenda of its kind."""

import datetime

import pytest
from django.urls import reverse

from committees.models import Committee
from sessions.models import Session
from tests.factories import make_committee, make_session
from tests.web import (
    assert_sign_in_required,
    field_error,
    field_value,
    page_text,
    signed_in,
)

pytestmark = pytest.mark.django_db

VALID = {
    "kind": "ordinary",
    "role": "",
    "date": "2024-03-19",
    "start_time": "11:00",
    "end_time": "13:00",
    "place": "Sala de sesiones",
    "video_link": "https://videos.example.org/sala",
    "notes": "",
    "is_public": "on",
}


def url(committee) -> str:
    return reverse("sessions:create", args=[committee.slug])


def test_the_url():
    assert url(make_committee(slug="cotaprep-2024")) == "/organos/cotaprep-2024/sesiones/nueva/"


def test_it_requires_sign_in(client, committee):
    assert_sign_in_required(client.get(url(committee)), url(committee))
    assert_sign_in_required(client.post(url(committee), VALID), url(committee))
    assert not Session.objects.exists()


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_those_who_manage_the_committee_may_create_sessions(request, client, committee, user):
    signed_in(client, request.getfixturevalue(user))

    assert client.get(url(committee)).status_code == 404
    assert client.post(url(committee), VALID).status_code == 404
    assert not Session.objects.exists()


def test_the_secretary_gets_the_form(client, secretary, committee):
    response = signed_in(client, secretary).get(url(committee))

    assert response.status_code == 200
    text = page_text(response)
    assert f"Nueva sesión del {committee.short_name}" in text
    assert "El número se asigna en orden de fecha dentro de su tipo" in text
    # A technical advisory committee does not hold working-group meetings.
    kinds = [value for value, _ in response.context["form"].fields["kind"].choices]
    assert "working_group" not in kinds
    assert "work_meeting" in kinds


def test_a_working_group_may_schedule_working_group_meetings(client, alice):
    group = make_committee(kind=Committee.Kind.WORKING_GROUP, parent=make_committee())
    response = signed_in(client, alice).get(url(group))
    kinds = [value for value, _ in response.context["form"].fields["kind"].choices]
    assert "working_group" in kinds


def test_it_creates_the_session_with_its_standard_agenda(client, secretary, committee):
    response = signed_in(client, secretary).post(url(committee), VALID)

    session = Session.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("sessions:detail", args=[session.pk])
    assert (session.committee, session.kind, session.number) == (committee, "ordinary", 1)
    assert session.date == datetime.date(2024, 3, 19)
    assert (session.start_time, session.end_time) == (datetime.time(11), datetime.time(13))
    assert session.place == "Sala de sesiones"
    assert session.is_public is True
    titles = list(session.points.order_by("position").values_list("title", flat=True))
    assert titles[0] == "Lectura y aprobación del orden del día"
    assert titles[-2:] == ["Asuntos generales", "Resumen y clausura de la sesión"]
    assert list(session.points.values_list("position", flat=True)) == list(
        range(1, len(titles) + 1)
    )


def test_it_lands_on_the_session_page_with_a_message(client, secretary, committee):
    response = signed_in(client, secretary).post(
        url(committee), {**VALID, "kind": "extraordinary"}, follow=True
    )

    assert response.redirect_chain[-1][1] == 302
    text = page_text(response)
    assert "Se creó la primera sesión extraordinaria con su orden del día estándar." in text
    assert "Punto 1: Lectura y aprobación del orden del día" in text
    assert "Punto 2: Resumen y clausura de la sesión" in text
    assert "Punto 3" not in text


def test_an_installation_session_gets_the_installation_agenda(client, secretary, committee):
    signed_in(client, secretary).post(url(committee), {**VALID, "role": "installation"})

    session = Session.objects.get()
    assert session.title == "Sesión de instalación (Primera sesión ordinaria)"
    assert [p.standard for p in session.points.order_by("position")] == [
        "agenda",
        "installation",
        "work_plan",
        "general_matters",
        "summary_and_closing",
    ]


def test_numbers_follow_the_dates(client, secretary, committee):
    signed_in(client, secretary)
    client.post(url(committee), {**VALID, "date": "2024-04-16"})
    client.post(url(committee), {**VALID, "date": "2024-03-19"})
    client.post(url(committee), {**VALID, "kind": "extraordinary", "date": "2024-03-01"})

    numbers = {
        (s.kind, s.date.isoformat()): s.number for s in Session.objects.filter(committee=committee)
    }
    assert numbers == {
        ("ordinary", "2024-03-19"): 1,
        ("ordinary", "2024-04-16"): 2,
        ("extraordinary", "2024-03-01"): 1,
    }


def test_the_session_is_not_public_when_unticked(client, secretary, committee):
    data = {key: value for key, value in VALID.items() if key != "is_public"}
    signed_in(client, secretary).post(url(committee), data)
    assert Session.objects.get().is_public is False


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date", "", "Indique la fecha de la sesión."),
        ("date", "2024-02-30", "Escriba una fecha válida (día, mes y año)."),
        ("date", "19 de marzo", "Escriba una fecha válida (día, mes y año)."),
        ("start_time", "11 h", "Escriba una hora válida, p. ej. 11:00."),
        ("end_time", "25:00", "Escriba una hora válida, p. ej. 13:00."),
        ("end_time", "10:30", "La hora de término debe ser posterior a la de inicio."),
        ("end_time", "11:00", "La hora de término debe ser posterior a la de inicio."),
        ("kind", "", "Elija el tipo de sesión."),
        ("video_link", "sala-virtual", "Escriba un enlace completo, que empiece con https://"),
    ],
)
def test_a_wrong_value_is_explained_next_to_its_field(
    client, secretary, committee, field, value, message
):
    data = {**VALID, field: value, "notes": "Llevar laptop."}

    response = signed_in(client, secretary).post(url(committee), data)

    assert response.status_code == 200
    assert field_error(response, f"id_{field}") == message
    # What was typed is still there, and nothing was created.
    assert field_value(response, f"id_{field}") == value
    assert field_value(response, "id_place") == "Sala de sesiones"
    assert field_value(response, "id_notes") == "Llevar laptop."
    assert not Session.objects.exists()


def test_an_end_time_needs_a_start_time(client, secretary, committee):
    response = signed_in(client, secretary).post(url(committee), {**VALID, "start_time": ""})

    assert field_error(response, "id_end_time") == "Indique también la hora de inicio."
    assert not Session.objects.exists()


def test_a_kind_the_committee_does_not_hold_is_refused(client, secretary, committee):
    response = signed_in(client, secretary).post(url(committee), {**VALID, "kind": "working_group"})

    assert field_error(response, "id_kind") == (
        "Seleccione una opción válida. working_group no es una de las opciones disponibles."
    )
    assert not Session.objects.exists()


def test_only_an_ordinary_session_installs_the_committee(client, secretary, committee):
    response = signed_in(client, secretary).post(
        url(committee), {**VALID, "kind": "extraordinary", "role": "installation"}
    )

    assert field_error(response, "id_role") == (
        "Solo una sesión ordinaria puede ser de instalación o de cierre."
    )
    assert not Session.objects.exists()


def test_a_second_installation_session_is_refused(client, secretary, committee):
    make_session(committee, role=Session.Role.INSTALLATION, date=datetime.date(2023, 11, 1))

    response = signed_in(client, secretary).post(
        url(committee), {**VALID, "role": "installation", "place": "Auditorio"}
    )

    assert response.status_code == 200
    assert '<div class="alert alert-danger" role="alert">' in response.text
    assert "Este órgano ya tiene una sesión de instalación o de cierre." in page_text(response)
    assert field_value(response, "id_place") == "Auditorio"
    assert field_value(response, "id_role") == "installation"
    assert Session.objects.count() == 1


def test_another_committee_may_still_have_its_installation(client, alice, committee):
    make_session(make_committee(), role=Session.Role.INSTALLATION)
    signed_in(client, alice).post(url(committee), {**VALID, "role": "installation"})
    assert committee.sessions.get().role == "installation"


@pytest.mark.parametrize("user", ["alice", "manager"])
def test_those_who_manage_every_committee_may_create_sessions(request, client, committee, user):
    response = signed_in(client, request.getfixturevalue(user)).post(url(committee), VALID)
    assert response.status_code == 302
    assert committee.sessions.count() == 1


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_not_allowed(client, secretary, committee, method):
    response = getattr(signed_in(client, secretary), method)(url(committee))
    assert response.status_code == 405
    assert not Session.objects.exists()


def test_a_date_after_the_committee_closes_is_created_with_a_warning(client, secretary, committee):
    committee.closed_on = datetime.date(2024, 6, 30)
    committee.save()
    response = signed_in(client, secretary).post(
        url(committee), {**VALID, "date": "2024-07-15"}, follow=True
    )
    assert Session.objects.get().date == datetime.date(2024, 7, 15)
    assert "después de la conclusión del órgano (30 de junio de 2024)" in page_text(response)


def test_no_warning_within_the_term(client, secretary, committee):
    committee.closed_on = datetime.date(2024, 6, 30)
    committee.save()
    response = signed_in(client, secretary).post(url(committee), VALID, follow=True)
    assert "conclusión del órgano" not in page_text(response)
