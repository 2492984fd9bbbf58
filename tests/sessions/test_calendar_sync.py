"""
Following a calendar kept elsewhere: an event known by its UID updates its session when
its SEQUENCE is higher, through the lifecycle services, and only then; the same file
imported twice changes nothing.
"""

import datetime

import pytest
from icalendar import Calendar

from agendas.services import add_standard_agenda
from sessions import ical
from sessions.calendar_import import import_calendar
from sessions.models import NoticeDelivery, Session
from sessions.services import convene_session
from tests.factories import (
    make_committee,
    make_membership,
    make_person,
    make_point,
    make_session,
)

pytestmark = pytest.mark.django_db

BASE_URL = "https://quorum.example.org/"


def export(committee) -> bytes:
    sessions = ical.feed_sessions(committee.sessions.all())
    return ical.committee_calendar(committee, sessions, base_url=BASE_URL)


def edited(body: bytes, uid: str, **changes) -> bytes:
    """The calendar as another program leaves it after editing one event."""
    calendar = Calendar.from_ical(body)
    for event in calendar.walk("VEVENT"):
        if str(event["UID"]) != uid:
            continue
        for name, value in changes.items():
            name = name.upper().replace("_", "-")
            if name in event:
                del event[name]
            if value is not None:
                event.add(name, value)
    return calendar.to_ical()


def google_calendar(*events: str) -> str:
    """A calendar as Google Calendar exports it: its own UIDs, UTC times, no X-QUORUM."""
    body = "\r\n".join(events)
    return (
        "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\n"
        f"{body}\r\nEND:VCALENDAR\r\n"
    )


def google_event(uid: str, start: str, sequence: int, summary: str, **extra) -> str:
    lines = [
        "BEGIN:VEVENT",
        f"DTSTART:{start}",
        "DTSTAMP:20240101T000000Z",
        f"UID:{uid}",
        f"SEQUENCE:{sequence}",
        f"SUMMARY:{summary}",
        *(f"{name}:{value}" for name, value in extra.items()),
        "END:VEVENT",
    ]
    return "\r\n".join(lines)


def test_an_exported_session_postponed_elsewhere_is_moved_by_the_import():
    committee = make_committee()
    session = make_session(
        committee, date=datetime.date(2024, 1, 26), start_time=datetime.time(10), place="Sala A"
    )
    uid = ical.session_uid(session)
    moved = edited(
        export(committee),
        uid,
        dtstart=datetime.datetime(2024, 1, 30, 11, 0, tzinfo=committee.zone),
        dtend=datetime.datetime(2024, 1, 30, 13, 0, tzinfo=committee.zone),
        sequence=3,
    )

    preview = import_calendar(committee, moved, filename="calendario.ics", dry_run=True)
    assert preview.ok
    assert [update.changes for update in preview.updates] == [
        ["fecha: 26 de enero de 2024 → 30 de enero de 2024", "horario: 10:00 → 11:00–13:00"]
    ]
    assert preview.planned == []
    session.refresh_from_db()
    assert session.date == datetime.date(2024, 1, 26)  # a preview writes nothing

    report = import_calendar(committee, moved, filename="calendario.ics")

    assert report.written
    session.refresh_from_db()
    assert (session.date, session.start_time, session.end_time) == (
        datetime.date(2024, 1, 30),
        datetime.time(11),
        datetime.time(13),
    )
    # Through postpone_session, as the admin's "Posponer": status, reason, original date.
    assert session.status == Session.Status.POSTPONED
    assert session.rescheduled_from == datetime.date(2024, 1, 26)
    assert session.status_reason == "Cambio en el calendario importado (calendario.ics)."
    assert session.revision == 1
    assert session.source_sequence == 3
    assert committee.sessions.count() == 1

    again = import_calendar(committee, moved, filename="calendario.ics")
    assert again.updates == [] and again.planned == []
    assert [issue.reason for issue in again.current] == [
        "la primera sesión ordinaria del 30 de enero de 2024 ya está al día (versión 3)."
    ]
    assert again.summary == "No hay cambios que importar (1 ya está al día)."
    session.refresh_from_db()
    assert session.revision == 1


def test_an_equal_or_lower_sequence_is_reported_current_and_changes_nothing():
    committee = make_committee()
    session = make_session(committee, date=datetime.date(2024, 1, 26))
    session.place = "Sala B"
    session.save()  # revision 1 here
    stale = edited(
        export(committee),
        ical.session_uid(session),
        dtstart=datetime.date(2024, 2, 2),
        dtend=datetime.date(2024, 2, 3),
        sequence=1,
    )
    report = import_calendar(committee, stale)
    assert not report.has_changes
    assert len(report.current) == 1
    session.refresh_from_db()
    assert session.date == datetime.date(2024, 1, 26)


def test_a_cancellation_elsewhere_cancels_through_the_service_and_notifies(
    mailoutbox, django_capture_on_commit_callbacks
):
    committee = make_committee()
    make_membership(committee, person=make_person(email="ana@example.org"))
    session = make_session(committee, date=datetime.date(2024, 3, 19))
    make_point(session)
    convene_session(session, now=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC), notify=False)
    session.refresh_from_db()
    cancelled = edited(
        export(committee),
        ical.session_uid(session),
        status="CANCELLED",
        sequence=session.revision + 1,
    )

    with django_capture_on_commit_callbacks(execute=True):
        report = import_calendar(committee, cancelled)

    assert report.written
    assert [update.changes for update in report.updates] == [["se cancela"]]
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.status_reason == "Cancelada en el calendario importado."
    # cancel_session's own notice, as from the session page.
    assert NoticeDelivery.objects.filter(kind="cancellation").count() == 1
    assert mailoutbox[0].subject.startswith("Cancelación:")


def test_an_earlier_date_or_another_place_is_rescheduled_keeping_the_status():
    committee = make_committee()
    session = make_session(committee, date=datetime.date(2024, 3, 19), place="Sala A")
    body = edited(
        export(committee),
        ical.session_uid(session),
        dtstart=datetime.date(2024, 3, 12),
        dtend=datetime.date(2024, 3, 13),
        location="Sala de sesiones del Consejo General",
        sequence=1,
    )
    report = import_calendar(committee, body)
    assert report.written
    session.refresh_from_db()
    assert session.date == datetime.date(2024, 3, 12)
    assert session.place == "Sala de sesiones del Consejo General"
    assert session.status == Session.Status.PLANNED
    assert session.rescheduled_from == datetime.date(2024, 3, 19)
    assert session.history.first().history_change_reason == "Cambio en el calendario importado."


def test_a_held_session_is_never_changed_by_a_calendar():
    committee = make_committee()
    session = make_session(committee, date=datetime.date(2024, 3, 19), status="held")
    body = edited(
        export(committee),
        ical.session_uid(session),
        dtstart=datetime.date(2024, 3, 26),
        dtend=datetime.date(2024, 3, 27),
        sequence=5,
    )
    report = import_calendar(committee, body)
    assert report.ok and not report.has_changes
    assert "ya se celebró: el calendario no la cambia" in report.warnings[0].reason
    session.refresh_from_db()
    assert session.date == datetime.date(2024, 3, 19)


def test_a_calendar_kept_in_google_is_followed_by_its_own_uids():
    committee = make_committee()
    first = google_calendar(
        google_event("abc123@google.com", "20240130T170000Z", 0, "Tercera sesión ordinaria"),
        google_event("def456@google.com", "20240228", 0, "Cuarta sesión ordinaria"),
    )
    report = import_calendar(committee, first, on_created=add_standard_agenda)
    assert report.written
    third = committee.sessions.get(number=3)
    assert (third.source_uid, third.source_sequence) == ("abc123@google.com", 0)
    assert third.start_time == datetime.time(11)  # 17:00 UTC in Mexico City

    moved = google_calendar(
        google_event("abc123@google.com", "20240206T170000Z", 1, "Tercera sesión ordinaria"),
        google_event("def456@google.com", "20240228", 0, "Cuarta sesión ordinaria"),
    )
    report = import_calendar(committee, moved)
    assert report.written
    assert len(report.changed) == 1 and len(report.current) == 1
    third.refresh_from_db()
    assert third.date == datetime.date(2024, 2, 6)
    assert third.source_sequence == 1
    assert committee.sessions.count() == 2

    before = list(committee.sessions.values_list("pk", "date", "revision", "source_sequence"))
    report = import_calendar(committee, moved)
    assert not report.has_changes
    assert list(committee.sessions.values_list("pk", "date", "revision", "source_sequence")) == (
        before
    )


def test_a_round_trip_keeps_notes_and_never_brings_a_held_session_back_as_planned():
    source = make_committee()
    held = make_session(source, date=datetime.date(2024, 1, 30), status="held")
    planned = make_session(
        source,
        date=datetime.date(2024, 2, 28),
        notes="Sesión con transmisión en vivo.",
        video_link="https://meet.example.org/cotaprep",
    )
    make_point(planned, title="Lectura y aprobación del orden del día")
    body = export(source)
    target = make_committee()

    report = import_calendar(target, body)

    assert report.written
    (copy,) = target.sessions.all()
    assert (copy.kind, copy.number, copy.date) == ("ordinary", 2, datetime.date(2024, 2, 28))
    # The generated description (agenda, links) is not notes: only the notes come back.
    assert copy.notes == "Sesión con transmisión en vivo."
    assert copy.video_link == "https://meet.example.org/cotaprep"
    assert copy.source_uid == ical.session_uid(planned)
    assert any(
        "ya se celebró; no se importa como programada" in issue.reason for issue in report.warnings
    )
    assert ical.session_uid(held) not in {s.source_uid for s in target.sessions.all()}


def test_a_session_in_course_is_left_alone_and_the_others_move():
    committee = make_committee()
    open_one = make_session(
        committee,
        date=datetime.date(2024, 3, 19),
        status="convened",
        opened_at=datetime.datetime(2024, 3, 19, 17, tzinfo=datetime.UTC),
    )
    other = make_session(committee, date=datetime.date(2024, 4, 19))
    body = edited(
        export(committee),
        ical.session_uid(other),
        dtstart=datetime.date(2024, 4, 10),
        dtend=datetime.date(2024, 4, 11),
        sequence=2,
    )
    body = edited(
        body,
        ical.session_uid(open_one),
        dtstart=datetime.date(2024, 3, 20),
        dtend=datetime.date(2024, 3, 21),
        sequence=2,
    )
    report = import_calendar(committee, body)
    # The session in course is reported and left alone; the other one moves.
    assert "está en curso" in report.warnings[0].reason
    assert report.written
    other.refresh_from_db()
    assert other.date == datetime.date(2024, 4, 10)
