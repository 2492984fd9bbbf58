import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from committees.models import Rule, RuleOverride
from sessions.models import Attendance, Session
from sessions.services import (
    cancel_session,
    close_session,
    compute_quorum,
    convene_session,
    open_session,
    postpone_session,
    record_attendance,
    renumber_sessions,
    required_for_quorum,
    set_session_times,
)
from tests.factories import make_committee, make_membership, make_point, make_session

pytestmark = pytest.mark.django_db
MX = zoneinfo.ZoneInfo("America/Mexico_City")
DAY = datetime.date(2024, 3, 19)


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=MX)


@pytest.fixture
def session():
    session = make_session(date=DAY, start_time=datetime.time(11))
    make_point(session, kind="informative")
    return session


@pytest.fixture
def convened(session):
    """The session, convened five days before (attendance is taken from then on)."""
    convene_session(session, now=at(DAY - datetime.timedelta(days=5)), notify=False)
    session.refresh_from_db()
    return session


def members(committee, count, **overrides):
    return [make_membership(committee, **overrides) for _ in range(count)]


# --- Convening ---------------------------------------------------------------------------


def test_convening_freezes_the_number_and_records_when(session):
    warnings = convene_session(session, now=at(DAY - datetime.timedelta(days=5)))
    session.refresh_from_db()
    assert warnings == []
    assert session.status == Session.Status.CONVENED
    assert session.convened_at == at(DAY - datetime.timedelta(days=5))
    assert session.revision == 1
    later = make_session(session.committee, number=2, date=DAY - datetime.timedelta(days=30))
    renumber_sessions(session.committee, "ordinary")
    session.refresh_from_db()
    later.refresh_from_db()
    assert (session.number, later.number) == (1, 2)


def test_convening_needs_an_agenda():
    session = make_session()
    with pytest.raises(ValidationError) as caught:
        convene_session(session)
    assert caught.value.messages == [
        "Agregue al menos un punto al orden del día antes de convocar."
    ]
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED


@pytest.mark.parametrize(
    ("kind", "hours_before", "warned"),
    [
        ("ordinary", 72, False),
        ("ordinary", 71, True),
        ("extraordinary", 24, False),
        ("extraordinary", 23, True),
    ],
)
def test_notice_shorter_than_the_rule_is_warned(kind, hours_before, warned):
    session = make_session(kind=kind, date=DAY, start_time=datetime.time(11))
    make_point(session)
    now = at(DAY, 11) - datetime.timedelta(hours=hours_before)
    warnings = convene_session(session, now=now)
    assert bool(warnings) is warned
    if warned:
        assert "menos de" in warnings[0]


def test_the_committee_may_set_its_own_notice_period(session):
    RuleOverride.objects.create(
        committee=session.committee,
        rule=Rule.objects.get(code="SES-01"),
        parameters={"ordinary_hours": 48},
    )
    assert convene_session(session, now=at(DAY, 11) - datetime.timedelta(hours=50)) == []


def test_a_session_without_time_counts_from_the_start_of_its_day():
    session = make_session(date=DAY)
    make_point(session)
    warnings = convene_session(session, now=at(DAY - datetime.timedelta(days=2), 12))
    assert warnings


@pytest.mark.parametrize("status", ["convened", "held", "cancelled"])
def test_only_planned_or_postponed_sessions_are_convened(session, status):
    Session.objects.filter(pk=session.pk).update(status=status)
    with pytest.raises(ValidationError) as caught:
        convene_session(session)
    assert "Solo se convoca una sesión programada o pospuesta" in caught.value.messages[0]


def test_a_postponed_session_is_convened_again(session):
    convene_session(session, now=at(DAY - datetime.timedelta(days=5)))
    postponed = postpone_session(session, new_date=DAY + datetime.timedelta(days=7), reason="Sede")
    convene_session(postponed, now=at(DAY))
    postponed.refresh_from_db()
    assert postponed.status == Session.Status.CONVENED


# --- Quorum ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("voting", "required"), [(3, 2), (4, 3), (5, 3), (7, 4)]
)  # fmt: skip
def test_majority_quorum(voting, required):
    assert required_for_quorum(voting, "majority") == required


def test_other_quorum_rules():
    assert required_for_quorum(5, "two_thirds") == 4
    assert required_for_quorum(5, "all") == 5
    with pytest.raises(ValidationError):
        required_for_quorum(5, "mitad")


@pytest.mark.parametrize(
    ("voting", "present", "met"),
    [(3, 2, True), (3, 1, False), (4, 2, False), (4, 3, True), (5, 3, True), (7, 3, False)],
)
def test_quorum_at_the_boundaries(convened, voting, present, met):
    seats = members(convened.committee, voting)
    for seat in seats[:present]:
        record_attendance(convened, seat, Attendance.Status.PRESENT)
    for seat in seats[present:]:
        record_attendance(convened, seat, Attendance.Status.ABSENT)
    assert compute_quorum(convened).is_met is met


def test_remote_members_count_and_voice_only_roles_never_do(convened):
    committee = convened.committee
    seats = members(committee, 3)
    record_attendance(convened, seats[0], Attendance.Status.REMOTE)
    for role in ("technical_secretary", "guest", "party_representative"):
        record_attendance(
            convened, make_membership(committee, role=role), Attendance.Status.PRESENT
        )
    quorum = compute_quorum(convened)
    assert (quorum.voting_members, quorum.present, quorum.required) == (3, 1, 2)
    assert not quorum.is_met


def test_a_member_whose_term_ended_the_day_before_does_not_count(convened):
    seats = members(convened.committee, 3)
    make_membership(convened.committee, end=DAY - datetime.timedelta(days=1))
    for seat in seats[:2]:
        record_attendance(convened, seat, Attendance.Status.PRESENT)
    quorum = compute_quorum(convened)
    assert quorum.voting_members == 3
    assert quorum.is_met


def test_no_members_means_no_quorum(convened):
    assert not compute_quorum(convened).is_met


# --- Opening and closing -----------------------------------------------------------------


def test_open_with_quorum_records_it_and_close_holds_the_session(convened):
    seats = members(convened.committee, 3)
    for seat in seats[:2]:
        record_attendance(convened, seat, Attendance.Status.PRESENT)
    open_session(convened, started_at=datetime.time(11, 4))
    convened.refresh_from_db()
    assert (convened.quorum_present, convened.quorum_required) == (2, 2)
    assert convened.opened_at == datetime.datetime.combine(DAY, datetime.time(11, 4), tzinfo=MX)
    close_session(convened, ended_at=datetime.time(13))
    convened.refresh_from_db()
    assert convened.status == Session.Status.HELD
    assert convened.closed_at == at(DAY, 13)


def test_open_without_quorum_is_refused(convened):
    seats = members(convened.committee, 3)
    record_attendance(convened, seats[0], Attendance.Status.PRESENT)
    with pytest.raises(ValidationError) as caught:
        open_session(convened, started_at=datetime.time(11))
    assert caught.value.messages == [
        "No hay quórum. Presentes 1 de 3 integrantes con voto; se requieren 2."
    ]
    convened.refresh_from_db()
    assert convened.opened_at is None


def test_a_planned_session_cannot_be_opened_or_closed(session):
    with pytest.raises(ValidationError):
        open_session(session, started_at=datetime.time(11))
    with pytest.raises(ValidationError) as caught:
        close_session(session, ended_at=datetime.time(13))
    assert caught.value.messages == ["Solo se clausura una sesión que se abrió con quórum."]


def test_attendance_is_taken_only_once_convened(session):
    with pytest.raises(ValidationError) as caught:
        record_attendance(session, make_membership(session.committee), Attendance.Status.PRESENT)
    assert caught.value.messages == ["La asistencia se registra una vez convocada la sesión."]
    assert not session.attendances.exists()


def test_opening_and_closing_before_the_date_are_refused(convened):
    seats = members(convened.committee, 3)
    for seat in seats:
        record_attendance(convened, seat, Attendance.Status.PRESENT)
    the_day_before = DAY - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        open_session(convened, started_at=datetime.time(11), today=the_day_before)
    assert "no se puede abrir antes de esa fecha" in caught.value.messages[0]
    open_session(convened, started_at=datetime.time(11), today=DAY)
    with pytest.raises(ValidationError) as caught:
        close_session(convened, ended_at=datetime.time(13), today=the_day_before)
    assert "no se puede clausurar antes de esa fecha" in caught.value.messages[0]
    convened.refresh_from_db()
    assert convened.status == Session.Status.CONVENED


def test_the_times_stated_are_corrected_until_the_seal(convened):
    for seat in members(convened.committee, 3):
        record_attendance(convened, seat, Attendance.Status.PRESENT)
    open_session(convened, started_at=datetime.time(11))
    close_session(convened, ended_at=datetime.time(13))
    set_session_times(convened, started_at=datetime.time(11, 20), ended_at=datetime.time(14, 10))
    convened.refresh_from_db()
    assert (convened.opened_at, convened.closed_at) == (
        datetime.datetime.combine(DAY, datetime.time(11, 20), tzinfo=MX),
        datetime.datetime.combine(DAY, datetime.time(14, 10), tzinfo=MX),
    )
    with pytest.raises(ValidationError) as caught:
        set_session_times(convened, started_at=datetime.time(15), ended_at=datetime.time(14))
    assert caught.value.message_dict["ended_at"] == [
        "La hora de clausura debe ser posterior a la de inicio (15:00)."
    ]


def test_a_held_session_cannot_be_postponed_or_cancelled(session):
    Session.objects.filter(pk=session.pk).update(status="held")
    with pytest.raises(ValidationError):
        postpone_session(session, new_date=DAY + datetime.timedelta(days=1), reason="x")
    with pytest.raises(ValidationError):
        cancel_session(session, reason="x")


def test_committee_without_members_yields_no_quorum_rather_than_an_error():
    committee = make_committee()
    session = make_session(committee)
    quorum = compute_quorum(session)
    assert (quorum.voting_members, quorum.required) == (0, 1)
