"""
A committee's record for the informe tests: the COTAPREP installed on 1 November 2023
(concluding 30 June 2024) with three members with vote, its technical secretary and a
party representative, and sessions held through the services.
"""

import datetime
import zoneinfo

from agendas.models import AgendaPoint
from agendas.services import adopt_agreement, insert_point, schedule_session
from committees.models import Membership
from reports.informes import create_informe, present_informe, update_informe_text
from reports.models import Informe
from reports.services import draft_acta, record_point_votes
from sessions.models import Attendance, Session
from sessions.services import close_session, convene_session, open_session, record_attendance
from tests.factories import make_membership, make_person

MX = zoneinfo.ZoneInfo("America/Mexico_City")
D = datetime.date
NOV_1, DEC_31 = D(2023, 11, 1), D(2023, 12, 31)

MEMBERS = ("Claudia Carolina Olivares Álvarez", "César Ledesma Ugalde", "Ignacio Alarcón Alonzo")
SECRETARY = "Héctor Gallego Ávila"
REPRESENTATIVE = "Rosa Representante"


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=MX)


def people(committee) -> dict[str, Membership]:
    """The seats of the informe tests, by name."""
    # The COTAPREP term of the seed work plan (to 30 June 2024).
    term_end = D(2024, 6, 30)
    seats = {
        name: make_membership(committee, person=make_person(name=name), end=term_end)
        for name in MEMBERS
    }
    seats[SECRETARY] = make_membership(
        committee,
        role=Membership.Role.TECHNICAL_SECRETARY,
        person=make_person(name=SECRETARY, honorific="Mtro.", job_title="Director de Informática"),
    )
    seats[REPRESENTATIVE] = make_membership(
        committee,
        role=Membership.Role.PARTY_REPRESENTATIVE,
        person=make_person(name=REPRESENTATIVE),
    )
    return seats


def hold(committee, day, *, kind="ordinary", role="", absent=(), status=Session.Status.HELD):
    """
    A session of ``day`` with its standard agenda, convened (no mail), attended by every
    seat it convenes except ``absent``, opened with quorum and closed. With another
    ``status`` it is left convened (not held).
    """
    session = schedule_session(
        committee=committee, kind=kind, role=role, date=day, start_time=datetime.time(11)
    )
    convene_session(session, now=at(day - datetime.timedelta(days=5), 10), notify=False)
    if status != Session.Status.HELD:
        return session
    for seat in committee.memberships.active_on(day).select_related("person"):
        if seat.role == Membership.Role.PARTY_REPRESENTATIVE and kind != "work_meeting":
            continue
        absent_now = seat.person.name in absent
        record_attendance(
            session, seat, Attendance.Status.ABSENT if absent_now else Attendance.Status.PRESENT
        )
    open_session(session, started_at=datetime.time(11))
    for point in session.points.filter(kind=AgendaPoint.Kind.APPROVAL):
        vote_in_favour(point)
    close_session(session, ended_at=datetime.time(13))
    if session.has_acta:
        draft_acta(session)
    session.refresh_from_db()
    return session


def vote_in_favour(point) -> None:
    """
    Everyone present with vote votes in favour (record_point_votes): a point that approves
    the previous acta approves it, if it was drafted.
    """
    voters = [
        attendance.membership
        for attendance in point.session.attendances.filter(
            status=Attendance.Status.PRESENT
        ).select_related("membership")
        if attendance.membership.has_vote
    ]
    record_point_votes(point, [(voter, "for") for voter in voters])


def specific_point(session, title="Aprobación del Proceso Técnico Operativo del PREP"):
    return insert_point(session, title=title, kind=AgendaPoint.Kind.APPROVAL)


def agreement(session, text="Se aprueba el Proceso Técnico Operativo del PREP.", **fields):
    return adopt_agreement(specific_point(session), text=text, **fields)


def informe_point(session) -> AgendaPoint:
    return session.points.get(
        standard__in=(AgendaPoint.Standard.BIMONTHLY_INFORME, AgendaPoint.Standard.FINAL_INFORME)
    )


def first_bimester(committee) -> dict:
    """
    November–December 2023: installation (1 Nov), a work meeting (29 Nov) and the second
    ordinary session (18 Dec, César absent, one agreement); the third ordinary session of
    30 January 2024 presents the first informe; the fourth is planned for 28 February.
    """
    seats = people(committee)
    installation = hold(committee, NOV_1, role="installation")
    meeting = hold(committee, D(2023, 11, 29), kind="work_meeting")
    second = hold(committee, D(2023, 12, 18), absent=("César Ledesma Ugalde",))
    adopted = agreement(second, responsible=seats[SECRETARY].person, due_date=D(2024, 1, 17))
    third = hold(committee, D(2024, 1, 30))
    fourth = schedule_session(
        committee=committee, kind="ordinary", date=D(2024, 2, 28), start_time=datetime.time(11)
    )
    return {
        "seats": seats,
        "installation": installation,
        "meeting": meeting,
        "second": second,
        "third": third,
        "fourth": fourth,
        "agreement": adopted,
    }


def draft_informe(committee, number=1, start=NOV_1, end=DEC_31, **text) -> Informe:
    informe = create_informe(
        committee, kind=Informe.Kind.BIMONTHLY, number=number, period_start=start, period_end=end
    )
    if text:
        update_informe_text(
            informe,
            narrative=text.get("narrative", ""),
            plans=text.get("plans", ""),
            recommendations=text.get("recommendations", ""),
        )
    return informe


def presented(informe, session) -> Informe:
    if not informe.narrative:
        update_informe_text(informe, narrative="El comité sesionó.", plans="", recommendations="")
    return present_informe(informe, at_point=informe_point(session))
