import datetime

import pytest
from django.core.exceptions import ValidationError

from agendas.services import schedule_session
from sessions.models import Session
from sessions.services import cancel_session, postpone_session, renumber_sessions
from tests.factories import make_committee, make_session

pytestmark = pytest.mark.django_db


def numbers_by_date(committee, kind="ordinary"):
    return list(committee.sessions.filter(kind=kind).order_by("date").values_list("date", "number"))


def test_new_sessions_are_numbered_in_date_order():
    committee = make_committee()
    schedule_session(committee=committee, kind="ordinary", date=datetime.date(2024, 2, 28))
    schedule_session(committee=committee, kind="ordinary", date=datetime.date(2023, 12, 18))
    schedule_session(committee=committee, kind="work_meeting", date=datetime.date(2023, 11, 29))
    schedule_session(committee=committee, kind="ordinary", date=datetime.date(2024, 1, 30))
    assert numbers_by_date(committee) == [
        (datetime.date(2023, 12, 18), 1),
        (datetime.date(2024, 1, 30), 2),
        (datetime.date(2024, 2, 28), 3),
    ]
    assert numbers_by_date(committee, "work_meeting") == [(datetime.date(2023, 11, 29), 1)]


def test_convened_sessions_keep_their_number():
    committee = make_committee()
    convened = make_session(committee, number=1, date=datetime.date(2024, 2, 28), status="convened")
    make_session(committee, number=2, date=datetime.date(2024, 1, 30))
    renumber_sessions(committee, "ordinary")
    convened.refresh_from_db()
    assert convened.number == 1
    assert numbers_by_date(committee) == [
        (datetime.date(2024, 1, 30), 2),
        (datetime.date(2024, 2, 28), 1),
    ]


def test_postpone_keeps_reason_and_original_date_and_grows_revision():
    committee = make_committee()
    session = make_session(committee, date=datetime.date(2024, 1, 26))
    postpone_session(
        session,
        new_date=datetime.date(2024, 1, 30),
        reason="Agenda de las y los integrantes",
        new_start_time=datetime.time(11, 0),
    )
    session.refresh_from_db()
    assert session.date == datetime.date(2024, 1, 30)
    assert session.rescheduled_from == datetime.date(2024, 1, 26)
    assert session.status == Session.Status.POSTPONED
    assert session.status_reason == "Agenda de las y los integrantes"
    assert session.status_changed_at is not None
    assert session.start_time == datetime.time(11, 0)
    assert session.revision == 1


def test_postpone_renumbers_the_planned_sessions():
    committee = make_committee()
    first = make_session(committee, number=1, date=datetime.date(2024, 1, 10))
    make_session(committee, number=2, date=datetime.date(2024, 1, 20))
    postpone_session(first, new_date=datetime.date(2024, 1, 25), reason="Cambio de sede")
    first.refresh_from_db()
    assert first.number == 2


@pytest.mark.parametrize("reason", ["", "   "])
def test_postpone_requires_a_reason(reason):
    session = make_session(date=datetime.date(2024, 1, 26))
    with pytest.raises(ValidationError) as caught:
        postpone_session(session, new_date=datetime.date(2024, 2, 1), reason=reason)
    assert caught.value.message_dict["reason"] == ["Indique el motivo."]
    session.refresh_from_db()
    assert session.date == datetime.date(2024, 1, 26)


def test_postpone_requires_a_later_date():
    session = make_session(date=datetime.date(2024, 1, 26))
    with pytest.raises(ValidationError) as caught:
        postpone_session(session, new_date=datetime.date(2024, 1, 26), reason="Motivo")
    assert "posterior" in caught.value.message_dict["new_date"][0]


@pytest.mark.parametrize(("status", "word"), [("held", "celebrada"), ("cancelled", "cancelada")])
def test_a_held_or_cancelled_session_cannot_be_postponed_or_cancelled(status, word):
    session = make_session(status=status, status_reason="x")
    with pytest.raises(ValidationError) as caught:
        postpone_session(session, new_date=datetime.date(2025, 1, 1), reason="Motivo")
    assert caught.value.messages == [f"No se puede posponer una sesión {word}."]
    with pytest.raises(ValidationError) as caught:
        cancel_session(session, reason="Motivo")
    assert caught.value.messages == [f"No se puede cancelar una sesión {word}."]


def test_cancel_keeps_the_reason_and_grows_revision():
    session = Session.objects.get(pk=make_session().pk)
    cancel_session(session, reason="Se atiende en sesión extraordinaria")
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.status_reason == "Se atiende en sesión extraordinaria"
    assert session.revision == 1


def test_cancel_requires_a_reason():
    session = make_session()
    with pytest.raises(ValidationError):
        cancel_session(session, reason="")
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED


def test_postponing_and_cancelling_work_on_a_stale_copy():
    committee = make_committee()
    first = make_session(committee, number=1, date=datetime.date(2024, 1, 10))
    second = make_session(committee, number=2, date=datetime.date(2024, 1, 20))
    postpone_session(first, new_date=datetime.date(2024, 1, 25), reason="Cambio de sede")
    # `second` still believes it is number 2; renumbering made it number 1.
    postponed = postpone_session(second, new_date=datetime.date(2024, 1, 30), reason="Agenda")
    assert postponed.number == 2
    cancelled = cancel_session(second, reason="Se atiende en otra sesión")
    assert cancelled.status == Session.Status.CANCELLED
    assert cancelled.number == 2
