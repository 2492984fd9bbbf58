"""Postponing a session from its page: the new date, times and reason, and the new-date mail."""

import datetime
import html
import re

import icalendar
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from sessions.models import NoticeDelivery, Session
from tests.factories import make_membership, make_person, make_point, make_session
from tests.web import assert_sign_in_required, field_value, page_text, signed_in

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 3, 19)
VALID = {
    "new_date": "2024-03-26",
    "new_start_time": "17:00",
    "new_end_time": "19:00",
    "reason": "Coincide con el simulacro del PREP.",
}


def url(session) -> str:
    return reverse("sessions:postpone", args=[session.pk])


def field_error(response, field_id: str) -> str:
    """
    The error shown after a field that the field points to (aria-describedby); unlike
    tests.web.field_error, the field may point to its help text as well.
    """
    content = response.content.decode()
    field = re.search(rf'<(input|textarea)\b[^>]*\bid="{field_id}"[^>]*>', content)
    assert field, f"no field #{field_id}"
    described_by = re.search(r'aria-describedby="([^"]*)"', field.group(0))
    assert described_by and f"{field_id}_error" in described_by.group(1).split(), field.group(0)
    error = re.search(
        rf'<div id="{field_id}_error" class="invalid-feedback">(.*?)</div>',
        content[field.end() :],
        flags=re.S,
    )
    assert error, f"no error shown after #{field_id}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", error.group(1))).split())


def flashed(response) -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def session(committee):
    session = make_session(
        committee, date=DAY, start_time=datetime.time(11), end_time=datetime.time(13, 30)
    )
    make_point(session, title="Lectura y aprobación del orden del día")
    return session


def snapshot(session) -> tuple:
    session.refresh_from_db()
    return (
        session.date,
        session.start_time,
        session.end_time,
        session.status,
        session.status_reason,
        session.revision,
    )


def test_the_url(session):
    assert url(session) == f"/sesiones/{session.pk}/posponer/"


def test_it_requires_sign_in(client, session):
    assert_sign_in_required(client.get(url(session)), url(session))
    before = snapshot(session)
    assert_sign_in_required(client.post(url(session), VALID), url(session))
    assert snapshot(session) == before


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_the_secretariat_postpones(request, client, session, user):
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
    assert "Posponer la primera sesión ordinaria" in text
    assert "Fecha actual: martes 19 de marzo de 2024, 11:00 h – 13:30 h." in text
    for field in ("new_date", "new_start_time", "new_end_time", "reason"):
        assert field_value(response, f"id_{field}") == ""
    assert "recibirán por correo" not in text  # not convened: nobody to tell


@pytest.mark.parametrize("user", ["secretary", "alice", "manager"])
def test_it_postpones_the_session(request, client, session, user, mailoutbox):
    response = signed_in(client, request.getfixturevalue(user)).post(url(session), VALID)

    assert response.status_code == 302
    assert response.url == f"{reverse('sessions:detail', args=[session.pk])}#ciclo-de-la-sesion"
    session.refresh_from_db()
    assert session.status == Session.Status.POSTPONED
    assert session.date == datetime.date(2024, 3, 26)
    assert session.rescheduled_from == DAY
    assert (session.start_time, session.end_time) == (datetime.time(17), datetime.time(19))
    assert session.status_reason == "Coincide con el simulacro del PREP."
    assert flashed(response) == [
        ("success", "Se pospuso la primera sesión ordinaria para el martes 26 de marzo de 2024.")
    ]
    # Never convened: nobody is told.
    assert mailoutbox == []
    assert session.history.first().history_user == request.getfixturevalue(user)


def test_empty_times_keep_the_current_ones(client, secretary, session):
    signed_in(client, secretary).post(
        url(session), {**VALID, "new_start_time": "", "new_end_time": ""}
    )

    session.refresh_from_db()
    assert (session.start_time, session.end_time) == (datetime.time(11), datetime.time(13, 30))


def test_a_convened_session_sends_the_new_date(
    client, committee, secretary, session, mailoutbox, django_capture_on_commit_callbacks
):
    member = make_membership(committee, person=make_person(name="Ana", email="ana@example.org"))
    session.status = Session.Status.CONVENED
    session.convened_at = datetime.datetime(2024, 3, 12, 16, tzinfo=datetime.UTC)
    session.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(client, secretary).post(url(session), VALID)

    assert flashed(response)[1:] == [
        ("info", "Se envía el aviso de la nueva fecha por correo a 1 persona."),
        (
            "warning",
            "No se envió el aviso a Secretaria: no tiene correo electrónico registrado.",
        ),
    ]
    (message,) = mailoutbox
    assert message.to == ["ana@example.org"]
    assert message.subject.startswith("Nueva fecha: Primera sesión ordinaria del COTAPREP")
    session.refresh_from_db()
    (part,) = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    event = icalendar.Calendar.from_ical(part.get_payload(decode=True)).events[0]
    assert event.start.date() == datetime.date(2024, 3, 26)
    assert event["SEQUENCE"] == session.revision
    (delivery,) = NoticeDelivery.objects.all()
    assert (delivery.person, delivery.kind) == (member.person, "rescheduling")


def test_the_form_says_who_will_be_told(client, secretary, session):
    session.status = Session.Status.CONVENED
    session.convened_at = datetime.datetime(2024, 3, 12, 16, tzinfo=datetime.UTC)
    session.save()

    text = page_text(signed_in(client, secretary).get(url(session)))

    assert "La sesión ya se convocó: quienes participan recibirán por correo la nueva fecha" in text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("new_date", "", "Indique la nueva fecha."),
        ("new_date", "2024-02-30", "Escriba una fecha válida (día, mes y año)."),
        (
            "new_date",
            "2024-03-19",
            "La nueva fecha debe ser posterior a la fecha actual de la sesión.",
        ),
        (
            "new_date",
            "2024-03-01",
            "La nueva fecha debe ser posterior a la fecha actual de la sesión.",
        ),
        ("new_start_time", "5 de la tarde", "Escriba una hora válida, p. ej. 11:00."),
        ("new_end_time", "16:00", "La hora de término debe ser posterior a la de inicio."),
        ("reason", "", "Indique el motivo de la posposición."),
        ("reason", "   ", "Indique el motivo de la posposición."),
    ],
)
def test_a_wrong_value_is_explained_next_to_its_field(
    client, secretary, session, field, value, message, mailoutbox
):
    before = snapshot(session)

    response = signed_in(client, secretary).post(url(session), {**VALID, field: value})

    assert response.status_code == 200
    assert field_error(response, f"id_{field}") == message
    # What was typed is still there (a textarea keeps even blank text), nothing changed.
    assert field_value(response, f"id_{field}") == value.strip()
    assert field_value(response, "id_reason") == (VALID["reason"] if field != "reason" else "")
    assert snapshot(session) == before
    assert mailoutbox == []


def test_an_end_time_needs_a_start_time(client, secretary, session):
    before = snapshot(session)

    response = signed_in(client, secretary).post(url(session), {**VALID, "new_start_time": ""})

    assert field_error(response, "id_new_start_time") == "Indique también la nueva hora de inicio."
    assert snapshot(session) == before


@pytest.mark.parametrize(
    ("status", "fields", "message"),
    [
        (Session.Status.HELD, {}, "No se puede posponer una sesión celebrada."),
        (
            Session.Status.CANCELLED,
            {"status_reason": "Sin asuntos."},
            "No se puede posponer una sesión cancelada.",
        ),
        (
            Session.Status.CONVENED,
            {"opened_at": datetime.datetime(2024, 3, 19, 17, tzinfo=datetime.UTC)},
            "No se puede posponer una sesión en curso.",
        ),
    ],
)
def test_a_session_held_cancelled_or_under_way_is_not_postponed(
    client, secretary, committee, status, fields, message
):
    session = make_session(committee, date=DAY, status=status, **fields)
    before = snapshot(session)
    signed_in(client, secretary)

    for response in (client.get(url(session)), client.post(url(session), VALID)):
        assert response.status_code == 302
        assert ("error", message) in flashed(response)
    assert snapshot(session) == before
