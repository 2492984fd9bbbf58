import datetime

import pytest
from django.core.exceptions import ValidationError

from sessions.models import Attendance
from sessions.services import record_attendance
from tests.factories import make_membership, make_session

pytestmark = pytest.mark.django_db


def test_attendance_is_recorded_and_corrected():
    session = make_session(date=datetime.date(2024, 3, 19))
    member = make_membership(session.committee)
    record_attendance(session, member, Attendance.Status.ABSENT)
    record_attendance(session, member, Attendance.Status.REMOTE, arrival_time=datetime.time(11, 5))
    attendance = Attendance.objects.get()
    assert attendance.status == "remote"
    assert attendance.is_present
    assert attendance.arrival_time == datetime.time(11, 5)


def test_someone_outside_the_committee_is_refused():
    session = make_session()
    with pytest.raises(ValidationError) as caught:
        record_attendance(session, make_membership(), Attendance.Status.PRESENT)
    assert "no forma parte del órgano" in caught.value.messages[0]
    assert not Attendance.objects.exists()


def test_a_term_not_in_force_on_the_day_is_refused():
    session = make_session(date=datetime.date(2024, 3, 19))
    membership = make_membership(session.committee, start=datetime.date(2024, 3, 20))
    with pytest.raises(ValidationError) as caught:
        record_attendance(session, membership, Attendance.Status.PRESENT)
    assert "no estaba vigente" in caught.value.messages[0]
