"""Cancelling a session from its page: the reason, and the cancellation notice."""

import datetime

import icalendar
import pytest
from django.urls import reverse

from sessions.models import NoticeDelivery, Session
from tests.factories import make_membership, make_person, make_point, make_session
from tests.sessions.test_session_postpone import field_error, flashed
from tests.web import assert_sign_in_required, field_value, page_text, signed_in

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 3, 19)
VALID = {"reason": "Lo acordó la Comisión de Organización."}


def url(session) -> str:
    return reverse("sessions:cancel", args=[session.pk])


@pytest.fixture
def session(committee):
    session = make_session(committee, date=DAY, start_time=datetime.time(11))
    make_point(session, title="Lectura y aprobación del orden del día")
    return session


def snapshot(session) -> tuple:
    session.refresh_from_db()
    return session.status, session.status_reason, session.status_changed_at, session.revision


def test_the_url(session):
    assert url(session) == f"/sesiones/{session.pk}/cancelar/"


def test_it_requires_sign_in(client, session):
    assert_sign_in_required(client.get(url(session)), url(session))
    before = snapshot(session)
    assert_sign_in_required(client.post(url(session), VALID), url(session))
    assert snapshot(session) == before


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_the_secretariat_cancels(request, client, session, user):
    before = snapshot(session)
    signed_in(client, request.getfixturevalue(user))

    assert client.get(url(session)).status_code == 404
    assert client.post(url(session), VALID).status_code == 404
    assert snapshot(session) == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_not_allowed(client, secretary, session, method):
    assert getattr(signed_in(client, secretary), method)(url(session)).status_code == 405


def test_the_secretary_gets_the_form(client, secretary, session):
    response = signed_in(client, secretary).get(url(session))

    assert response.status_code == 200
    text = page_text(response)
    assert "Cancelar la primera sesión ordinaria" in text
    assert "Prevista para el martes 19 de marzo de 2024." in text
    assert field_value(response, "id_reason") == ""
    # The way back is not a second "Cancelar" button.
    assert "Volver a la sesión" in text


@pytest.mark.parametrize("user", ["secretary", "alice", "manager"])
def test_it_cancels_the_session(request, client, session, user, mailoutbox):
    response = signed_in(client, request.getfixturevalue(user)).post(url(session), VALID)

    assert response.status_code == 302
    assert response.url == f"{reverse('sessions:detail', args=[session.pk])}#ciclo-de-la-sesion"
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.status_reason == "Lo acordó la Comisión de Organización."
    assert session.status_changed_at is not None
    assert flashed(response) == [
        (
            "success",
            "Se canceló la primera sesión ordinaria; queda en el calendario como cancelada.",
        )
    ]
    assert mailoutbox == []  # never convened: nobody to tell
    assert session.history.first().history_user == request.getfixturevalue(user)


def test_a_convened_session_sends_the_cancellation(
    client, committee, secretary, session, mailoutbox, django_capture_on_commit_callbacks
):
    member = make_membership(committee, person=make_person(name="Ana", email="ana@example.org"))
    session.status = Session.Status.CONVENED
    session.convened_at = datetime.datetime(2024, 3, 12, 16, tzinfo=datetime.UTC)
    session.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(client, secretary).post(url(session), VALID)

    assert ("info", "Se envía el aviso de cancelación por correo a 1 persona.") in flashed(response)
    (message,) = mailoutbox
    assert message.to == ["ana@example.org"]
    assert message.subject == (
        "Cancelación: Primera sesión ordinaria del COTAPREP — martes 19 de marzo de 2024"
    )
    assert "Motivo: Lo acordó la Comisión de Organización." in message.body
    (part,) = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert calendar["METHOD"] == "CANCEL"
    assert calendar.events[0]["STATUS"] == "CANCELLED"
    (delivery,) = NoticeDelivery.objects.all()
    assert (delivery.person, delivery.kind) == (member.person, "cancellation")


def test_the_page_after_cancelling_shows_the_notice_log(
    client, committee, secretary, session, django_capture_on_commit_callbacks
):
    make_membership(committee, person=make_person(name="Ana", email="ana@example.org"))
    session.status = Session.Status.CONVENED
    session.convened_at = datetime.datetime(2024, 3, 12, 16, tzinfo=datetime.UTC)
    session.save()
    signed_in(client, secretary)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(session), VALID)
    response = client.get(reverse("sessions:detail", args=[session.pk]))

    text = page_text(response)
    assert "Se canceló la primera sesión ordinaria" in text
    assert "Estado Cancelada" in text
    assert "Cancelación enviada a 1 persona el" in text
    # Nothing left to do with a cancelled session.
    assert reverse("sessions:convene", args=[session.pk]) not in response.text
    assert f'href="{url(session)}"' not in response.text


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(client, secretary, session, reason):
    before = snapshot(session)

    response = signed_in(client, secretary).post(url(session), {"reason": reason})

    assert response.status_code == 200
    assert field_error(response, "id_reason") == "Indique el motivo de la cancelación."
    assert snapshot(session) == before


@pytest.mark.parametrize(
    ("status", "fields", "message"),
    [
        (Session.Status.HELD, {}, "No se puede cancelar una sesión celebrada."),
        (
            Session.Status.CANCELLED,
            {"status_reason": "Sin asuntos."},
            "No se puede cancelar una sesión cancelada.",
        ),
        (
            Session.Status.CONVENED,
            {"opened_at": datetime.datetime(2024, 3, 19, 17, tzinfo=datetime.UTC)},
            "No se puede cancelar una sesión en curso.",
        ),
    ],
)
def test_a_session_held_cancelled_or_under_way_is_not_cancelled(
    client, secretary, committee, status, fields, message
):
    session = make_session(committee, date=DAY, status=status, **fields)
    before = snapshot(session)
    signed_in(client, secretary)

    for response in (client.get(url(session)), client.post(url(session), VALID)):
        assert response.status_code == 302
        assert ("error", message) in flashed(response)
    assert snapshot(session) == before
