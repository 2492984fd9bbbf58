import datetime

import pytest
from django.core.exceptions import ValidationError

from sessions.models import Attendance, Session
from sessions.services import record_attendance
from tests.factories import make_membership, make_session

pytestmark = pytest.mark.django_db


def convened_session(**fields):
    """A session convened a week before: attendance is taken once a session is convened."""
    fields.setdefault("date", datetime.date(2024, 3, 19))
    return make_session(
        status=Session.Status.CONVENED,
        convened_at=datetime.datetime(2024, 3, 12, 17, tzinfo=datetime.UTC),
        **fields,
    )


def test_attendance_is_recorded_and_corrected():
    session = convened_session()
    member = make_membership(session.committee)
    record_attendance(session, member, Attendance.Status.ABSENT)
    record_attendance(session, member, Attendance.Status.REMOTE, arrival_time=datetime.time(11, 5))
    attendance = Attendance.objects.get()
    assert attendance.status == "remote"
    assert attendance.is_present
    assert attendance.arrival_time == datetime.time(11, 5)


def test_someone_outside_the_committee_is_refused():
    session = convened_session()
    with pytest.raises(ValidationError) as caught:
        record_attendance(session, make_membership(), Attendance.Status.PRESENT)
    assert "no forma parte del órgano" in caught.value.messages[0]
    assert not Attendance.objects.exists()


def test_a_term_not_in_force_on_the_day_is_refused():
    session = convened_session()
    membership = make_membership(session.committee, start=datetime.date(2024, 3, 20))
    with pytest.raises(ValidationError) as caught:
        record_attendance(session, membership, Attendance.Status.PRESENT)
    assert "no estaba vigente" in caught.value.messages[0]


def test_the_attendance_records_who_took_it_and_keeps_its_history(django_user_model):
    user = django_user_model.objects.create_user("secretaria")
    session = convened_session()
    member = make_membership(session.committee)
    record_attendance(session, member, Attendance.Status.ABSENT, by=user)
    record_attendance(session, member, Attendance.Status.PRESENT, by=user)
    attendance = Attendance.objects.get()
    assert attendance.recorded_by == user
    assert [record.status for record in attendance.history.order_by("history_id")] == [
        "absent",
        "present",
    ]


def test_a_planned_session_takes_no_attendance():
    session = make_session(date=datetime.date(2024, 3, 19))
    with pytest.raises(ValidationError) as caught:
        record_attendance(session, make_membership(session.committee), Attendance.Status.PRESENT)
    assert caught.value.messages == ["La asistencia se registra una vez convocada la sesión."]
    assert not Attendance.objects.exists()
