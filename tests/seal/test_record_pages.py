"""
The record's pages added with the seal: correcting the times stated, changing a session's
date (earlier or later), what became of a point not voted, taking up a deferred point; and
what a page says when the database is busy or the stored acta is damaged.
"""

import datetime

import pytest
from django.db import OperationalError
from django.urls import reverse

from agendas.models import AgendaPoint
from agendas.services import agenda_version, dispose_point
from reports.services import draft_acta
from sessions.models import Session
from tests.record import held, opened, scheduled, seats
from tests.sessions.test_session_postpone import flashed
from tests.tamper import tamper
from tests.web import page_text, signed_in

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 3, 19)
ROLES = ["outsider", "member", "guest", "representative"]


@pytest.fixture
def session(committee):
    seats(committee, "Adela Ruiz", "Beatriz Soto", "Carmen Díaz")
    return opened(scheduled(committee, DAY))


def url(name, *args):
    return reverse(name, args=args)


# --- Correcting the times ------------------------------------------------------------------


def test_the_secretariat_corrects_the_times_until_the_seal(client, secretary, session):
    held(session)
    signed_in(client, secretary)

    response = client.post(
        url("sessions:times", session.pk), {"started_at": "11:15", "ended_at": "14:05"}
    )

    assert response.status_code == 302
    session.refresh_from_db()
    zone = session.committee.zone
    assert session.opened_at == datetime.datetime(2024, 3, 19, 11, 15, tzinfo=zone)
    assert session.closed_at == datetime.datetime(2024, 3, 19, 14, 5, tzinfo=zone)
    assert flashed(response) == [("success", "Se corrigieron las horas de la sesión.")]
    acta = draft_acta(session)
    page = page_text(client.get(url("reports:acta", acta.pk)))
    assert "Inicio 11:15 h" in page
    assert "Clausura 14:05 h" in page


def test_an_impossible_correction_is_refused_and_kept(client, secretary, session):
    held(session)
    signed_in(client, secretary)
    response = client.post(
        url("sessions:times", session.pk), {"started_at": "15:00", "ended_at": "14:00"}
    )
    assert response.status_code == 400
    assert "La hora de clausura debe ser posterior a la de inicio (15:00)." in page_text(response)
    assert 'value="15:00"' in response.text
    session.refresh_from_db()
    assert session.closed_at.astimezone(session.committee.zone).time() == datetime.time(13)


@pytest.mark.parametrize("user", ROLES)
def test_only_the_secretariat_corrects_the_times(request, client, session, user):
    signed_in(client, request.getfixturevalue(user))
    response = client.post(url("sessions:times", session.pk), {"started_at": "09:00"})
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.opened_at.astimezone(session.committee.zone).time() == datetime.time(11)


def test_times_answer_post_only(client, secretary, session):
    assert signed_in(client, secretary).get(url("sessions:times", session.pk)).status_code == 405


# --- Changing the date ---------------------------------------------------------------------


@pytest.fixture
def convened(committee):
    return scheduled(committee, DAY)


def test_a_session_held_earlier_than_planned_is_first_moved_with_its_reason(
    client, secretary, convened
):
    signed_in(client, secretary)
    page = client.get(url("sessions:reschedule", convened.pk))
    assert "Cambiar la fecha de la primera sesión ordinaria" in page_text(page)

    response = client.post(
        url("sessions:reschedule", convened.pk),
        {"new_date": "2024-03-15", "reason": "Se adelantó por el simulacro."},
    )

    assert response.status_code == 302
    convened.refresh_from_db()
    assert convened.date == datetime.date(2024, 3, 15)
    assert convened.rescheduled_from == DAY
    assert convened.status == Session.Status.CONVENED  # still convened, not postponed
    assert convened.status_reason == "Se adelantó por el simulacro."


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"new_date": "2024-03-19", "reason": "x"}, "Indique una fecha distinta de la actual."),
        ({"new_date": "2024-03-15", "reason": ""}, "Indique el motivo del cambio de fecha."),
        ({"new_date": "mañana", "reason": "x"}, "Escriba una fecha válida"),
    ],
    ids=["same-date", "no-reason", "bad-date"],
)
def test_a_bad_change_of_date_is_explained_and_kept(client, secretary, convened, data, error):
    response = signed_in(client, secretary).post(url("sessions:reschedule", convened.pk), data)
    assert response.status_code == 200
    assert error in page_text(response)
    convened.refresh_from_db()
    assert convened.date == DAY


def test_a_held_session_is_not_moved(client, secretary, session):
    held(session)
    response = signed_in(client, secretary).post(
        url("sessions:reschedule", session.pk), {"new_date": "2024-03-15", "reason": "x"}
    )
    assert flashed(response) == [("error", "No se puede cambiar la fecha de una sesión celebrada.")]
    session.refresh_from_db()
    assert session.date == DAY


@pytest.mark.parametrize("user", ROLES)
def test_only_the_secretariat_changes_the_date(request, client, convened, user):
    signed_in(client, request.getfixturevalue(user))
    response = client.post(
        url("sessions:reschedule", convened.pk), {"new_date": "2024-03-15", "reason": "x"}
    )
    assert response.status_code == 404
    convened.refresh_from_db()
    assert convened.date == DAY


# --- A point not voted -------------------------------------------------------------------


def test_a_point_is_deferred_with_its_reason_and_offered_to_the_next_session(
    client, secretary, session, committee
):
    point = session.points.get(standard=AgendaPoint.Standard.AGENDA)
    signed_in(client, secretary)
    assert "Si el punto no se votó" in page_text(client.get(url("agendas:point-votes", point.pk)))

    response = client.post(
        url("agendas:point-disposition", point.pk),
        {"disposition": "deferred", "reason": "Falta el dictamen técnico."},
    )

    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.disposition, point.disposition_reason) == (
        "deferred",
        "Falta el dictamen técnico.",
    )
    held(session)
    acta = draft_acta(session)
    assert "Diferido a una sesión posterior Falta el dictamen técnico." in page_text(
        client.get(url("reports:acta", acta.pk))
    )
    # The next session's page offers it; taking it up puts it on that agenda, once.
    later = scheduled(committee, datetime.date(2024, 4, 16))
    page = client.get(url("sessions:detail", later.pk))
    assert "Puntos diferidos de sesiones anteriores" in page_text(page)
    take_up = url("agendas:deferred-take-up", later.pk, point.pk)
    response = client.post(take_up, {"version": agenda_version(later)})
    carried = later.points.get(carried_from=point)
    assert carried.title == point.title
    assert "Se incluyó el punto diferido" in page_text(client.get(response.url))
    assert "Puntos diferidos de sesiones anteriores" not in page_text(
        client.get(url("sessions:detail", later.pk))
    )
    second = client.post(take_up, {"version": agenda_version(later)}, follow=True)
    assert "ya se incluyó en otra sesión" in page_text(second)
    assert later.points.filter(carried_from=point).count() == 1


def test_a_disposition_needs_its_reason_and_keeps_the_form(client, secretary, session):
    point = session.points.get(standard=AgendaPoint.Standard.AGENDA)
    response = signed_in(client, secretary).post(
        url("agendas:point-disposition", point.pk), {"disposition": "withdrawn", "reason": " "}
    )
    assert response.status_code == 200
    assert "Indique el motivo." in page_text(response)
    point.refresh_from_db()
    assert point.disposition == ""


def test_a_point_with_votes_takes_no_disposition(client, secretary, session):
    from agendas.services import cast_vote

    point = session.points.get(standard=AgendaPoint.Standard.AGENDA)
    cast_vote(point, session.committee.memberships.with_vote().first(), "for")
    response = signed_in(client, secretary).post(
        url("agendas:point-disposition", point.pk), {"disposition": "withdrawn", "reason": "x"}
    )
    assert "El punto ya tiene votos registrados" in page_text(client.get(response.url))
    point.refresh_from_db()
    assert point.disposition == ""


def test_a_disposition_is_cleared_to_vote_the_point(client, secretary, session):
    point = session.points.get(standard=AgendaPoint.Standard.AGENDA)
    dispose_point(point, disposition="withdrawn", reason="Se retiró.")
    signed_in(client, secretary)
    client.post(url("agendas:point-disposition", point.pk), {"disposition": "", "reason": ""})
    point.refresh_from_db()
    assert (point.disposition, point.disposition_reason) == ("", "")


@pytest.mark.parametrize("user", ROLES)
def test_only_the_secretariat_states_a_disposition(request, client, session, user):
    point = session.points.get(standard=AgendaPoint.Standard.AGENDA)
    signed_in(client, request.getfixturevalue(user))
    response = client.post(
        url("agendas:point-disposition", point.pk), {"disposition": "withdrawn", "reason": "x"}
    )
    assert response.status_code == 404
    point.refresh_from_db()
    assert point.disposition == ""


# --- Busy database, damaged acta ---------------------------------------------------------


def test_a_busy_database_gets_a_message_not_a_server_error(client, secretary, session, monkeypatch):
    from agendas import views

    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(views, "move_point", busy)
    signed_in(client, secretary)
    point = session.points.first()
    data = {"direction": "down", "version": agenda_version(session)}

    response = client.post(url("agendas:point-move", point.pk), data)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "La base de datos está ocupada" in page_text(response)

    fragment = client.post(url("agendas:point-move", point.pk), data, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert fragment["HX-Reswap"] == "none"
    assert 'hx-swap-oob="innerHTML"' in fragment.text


def test_a_damaged_approved_acta_is_reported_not_a_server_error(client, member, committee):
    from tests.sealed_record import build_sealed_record

    sealed = build_sealed_record(committee)
    tamper(type(sealed.acta).objects.filter(pk=sealed.acta.pk), snapshot={"points": "?"})

    response = signed_in(client, member).get(url("reports:acta", sealed.acta.pk))

    assert response.status_code == 200
    text = page_text(response)
    assert "El contenido aprobado de esta acta está dañado" in text
    assert "Falta la sección «committee»." in text
    pdf = client.get(url("reports:acta-pdf", sealed.acta.pk), follow=True)
    assert "no se genera su PDF" in page_text(pdf)
