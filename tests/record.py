"""
Sessions under way, for the tests of the session record (attendance, votes, agreements,
actas): convened without sending notices, attended, opened with quorum, held.
"""

import datetime
import zoneinfo

from agendas.services import cast_vote, dispose_point, schedule_session
from committees.models import Membership
from reports.services import approve_acta
from sessions.models import Attendance, Session
from sessions.services import close_session, open_session, record_attendance
from tests.factories import make_membership, make_person, make_session

MX = zoneinfo.ZoneInfo("America/Mexico_City")
DAY = datetime.date(2024, 3, 19)
HTMX = {"HX-Request": "true"}


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=MX)


def convened(committee, day: datetime.date = DAY, **fields) -> Session:
    """A session of ``day`` at 11:00, convened five days before (no notice is sent)."""
    fields = {
        "date": day,
        "start_time": datetime.time(11),
        "status": Session.Status.CONVENED,
        "convened_at": at(day - datetime.timedelta(days=5), 10),
        **fields,
    }
    return make_session(committee, **fields)


def seats(committee, *names: str, role=Membership.Role.MEMBER) -> list[Membership]:
    """Seats for the people named, in ``role`` (members with vote unless told)."""
    # The COTAPREP term of the seed work plan: the record's sessions fall within it.
    return [
        make_membership(
            committee, role=role, person=make_person(name=name), end=datetime.date(2024, 6, 30)
        )
        for name in names
    ]


def attend(session, memberships, status=Attendance.Status.PRESENT) -> None:
    for membership in memberships:
        record_attendance(session, membership, status)


def opened(session) -> Session:
    """Everyone on the committee present, then the session opened at 11:00 with quorum."""
    attend(session, session.committee.memberships.active_on(session.date))
    open_session(session, started_at=datetime.time(11))
    session.refresh_from_db()
    return session


NOT_VOTED_REASON = "No se sometió a votación."


def held(session) -> Session:
    """
    Opened (if it was not) and closed at 13:00: the session is held. Points for approval
    that the test did not vote are recorded as not put to a vote, which closing requires.
    """
    if session.opened_at is None:
        opened(session)
    for point in session.points.undecided():
        dispose_point(point, disposition="not_voted", reason=NOT_VOTED_REASON)
    close_session(session, ended_at=datetime.time(13))
    session.refresh_from_db()
    return session


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def scheduled(committee, day: datetime.date, **fields) -> Session:
    """A session of ``day`` with its standard agenda, convened (no notice is sent)."""
    session = schedule_session(committee=committee, kind="ordinary", date=day, **fields)
    Session.objects.filter(pk=session.pk).update(
        status=Session.Status.CONVENED, convened_at=at(day - datetime.timedelta(days=5), 10)
    )
    session.refresh_from_db()
    return session


def approve_at_next_session(acta, day: datetime.date | None = None):
    """
    Open the next session (on ``day``, by default four weeks later), vote its
    previous-acta point in favour and approve the acta.
    """
    day = day or acta.session.date + datetime.timedelta(weeks=4)
    session = opened(scheduled(acta.session.committee, day))
    point = session.points.get(approves_acta_of=acta.session)
    for membership in session.committee.memberships.with_vote().active_on(day):
        cast_vote(point, membership, "for")
    return approve_acta(acta, at_point=point)
