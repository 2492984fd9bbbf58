"""sessions/ical.py: what an event says, parsed back with icalendar and with vobject."""

import datetime
import zoneinfo

import pytest
import vobject
from icalendar import Calendar

from sessions import ical
from sessions.models import Session
from sessions.services import cancel_session, postpone_session
from tests.factories import (
    make_committee,
    make_institution,
    make_person,
    make_point,
    make_session,
)

pytestmark = pytest.mark.django_db

BASE_URL = "https://quorum.example.org/"


def export(committee) -> bytes:
    sessions = ical.feed_sessions(committee.sessions.filter(is_public=True))
    return ical.committee_calendar(committee, sessions, base_url=BASE_URL)


def events(body: bytes) -> dict:
    """The VEVENTs by UID, as icalendar reads them."""
    return {str(event["UID"]): event for event in Calendar.from_ical(body).walk("VEVENT")}


def vobject_events(body: bytes) -> dict:
    """The VEVENTs by UID, as a second, independent parser reads them."""
    calendar = vobject.readOne(body.decode("utf-8"))
    return {event.uid.value: event for event in calendar.vevent_list}


def test_uids_are_stable_and_the_feed_is_byte_stable_across_two_exports():
    committee = make_committee()
    first = make_session(committee, date=datetime.date(2023, 12, 18))
    second = make_session(committee, date=datetime.date(2024, 1, 30))

    one, two = export(committee), export(committee)

    assert one == two
    assert set(events(one)) == {
        f"session-{first.pk}@127.0.0.1:8000",
        f"session-{second.pk}@127.0.0.1:8000",
    }
    assert set(vobject_events(two)) == set(events(one))
    calendar = Calendar.from_ical(one)
    assert str(calendar["UID"]) == f"committee-{committee.slug}@127.0.0.1:8000"
    assert calendar.calendar_name == "Sesiones del COTAPREP (" + (
        committee.institution.short_name + ")"
    )


def test_the_uid_domain_is_the_host_of_the_site_url(settings):
    settings.SITE_URL = "https://calendario.iepcjalisco.org.mx"
    session = make_session()
    assert f"session-{session.pk}@calendario.iepcjalisco.org.mx" in events(
        export(session.committee)
    )


def test_sequence_grows_after_a_postponement():
    session = make_session(date=datetime.date(2024, 1, 26), start_time=datetime.time(10))
    uid = ical.session_uid(session)
    before = export(session.committee)

    postpone_session(session, new_date=datetime.date(2024, 1, 30), reason="Cambio de sede")
    after = export(session.committee)

    assert events(before)[uid]["SEQUENCE"] == 0
    assert events(after)[uid]["SEQUENCE"] == 1
    assert int(vobject_events(after)[uid].sequence.value) == 1
    assert events(after)[uid].start.date() == datetime.date(2024, 1, 30)
    # DTSTAMP has whole seconds: the postponement may fall in the same second.
    assert events(after)[uid]["DTSTAMP"].dt >= events(before)[uid]["DTSTAMP"].dt
    assert "Sesión pospuesta (fecha original: 26 de enero de 2024): Cambio de sede" in str(
        events(after)[uid]["DESCRIPTION"]
    )


def test_a_cancelled_session_stays_in_the_feed_as_cancelled():
    kept = make_session(date=datetime.date(2024, 1, 30))
    cancelled = make_session(kept.committee, date=datetime.date(2024, 2, 28))
    cancel_session(cancelled, reason="Sin quórum")

    body = export(kept.committee)

    assert str(events(body)[ical.session_uid(cancelled)]["STATUS"]) == "CANCELLED"
    assert str(events(body)[ical.session_uid(kept)]["STATUS"]) == "CONFIRMED"
    assert vobject_events(body)[ical.session_uid(cancelled)].status.value == "CANCELLED"
    assert events(body)[ical.session_uid(cancelled)]["SEQUENCE"] == 1


def test_an_event_carries_title_place_links_and_the_numbered_agenda():
    session = make_session(
        date=datetime.date(2023, 12, 18),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(12, 30),
        place="Sala de sesiones del IEPC, Guadalajara",
        video_link="https://meet.example.org/cotaprep",
        notes="Sesión con transmisión en vivo.",
    )
    make_point(session, title="Lectura y aprobación del orden del día", position=1)
    make_point(session, title="Asuntos generales", position=2)

    event = events(export(session.committee))[ical.session_uid(session)]

    # The committee's short name first, as calendars list events of several committees.
    assert str(event["SUMMARY"]) == "COTAPREP: Primera sesión ordinaria"
    assert str(event["LOCATION"]) == "Sala de sesiones del IEPC, Guadalajara"
    assert str(event["URL"]) == f"https://quorum.example.org/sesiones/{session.pk}/"
    assert str(event["CONFERENCE"]) == "https://meet.example.org/cotaprep"
    description = str(event["DESCRIPTION"])
    assert "Orden del día:\n1. Lectura y aprobación del orden del día\n2. Asuntos generales" in (
        description
    )
    assert "Videoconferencia: https://meet.example.org/cotaprep" in description
    assert "Notas: Sesión con transmisión en vivo." in description
    assert str(event["CLASS"]) == "PUBLIC"


def test_the_video_link_is_the_location_when_there_is_no_place():
    session = make_session(video_link="https://meet.example.org/cotaprep")
    event = events(export(session.committee))[ical.session_uid(session)]
    assert str(event["LOCATION"]) == "https://meet.example.org/cotaprep"


def test_times_are_in_the_institution_zone_with_its_vtimezone():
    institution = make_institution(time_zone="America/Tijuana")
    session = make_session(
        make_committee(institution=institution),
        date=datetime.date(2024, 4, 25),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(12, 0),
    )
    body = export(session.committee)

    calendar = Calendar.from_ical(body)
    assert [timezone.tz_name for timezone in calendar.timezones] == ["America/Tijuana"]
    assert b"DTSTART;TZID=America/Tijuana:20240425T100000" in body
    event = vobject_events(body)[ical.session_uid(session)]
    # Daylight saving time in Tijuana in April: UTC-7.
    assert event.dtstart.value.utcoffset() == datetime.timedelta(hours=-7)
    assert event.dtend.value == datetime.datetime(
        2024, 4, 25, 12, tzinfo=zoneinfo.ZoneInfo("America/Tijuana")
    )


def test_a_session_without_time_is_an_all_day_event():
    session = make_session(date=datetime.date(2024, 6, 30))
    body = export(session.committee)

    event = events(body)[ical.session_uid(session)]
    assert event.start == datetime.date(2024, 6, 30)
    assert event.end == datetime.date(2024, 7, 1)
    assert vobject_events(body)[ical.session_uid(session)].dtstart.value == datetime.date(
        2024, 6, 30
    )
    # No timed event still gets the institution's VTIMEZONE: a VCALENDAR needs a component.
    assert [zone.tz_name for zone in Calendar.from_ical(body).timezones] == ["America/Mexico_City"]


def test_dtstamp_is_the_last_change_of_what_the_event_shows():
    session = make_session()
    session.refresh_from_db()
    stamp = session.calendar_changed_at.replace(microsecond=0)

    event = events(export(session.committee))[ical.session_uid(session)]

    assert event["DTSTAMP"].dt == stamp
    assert event["LAST-MODIFIED"].dt == stamp


def test_a_bulk_created_session_has_a_dtstamp_too():
    committee = make_committee()
    Session.objects.bulk_create(
        [Session(committee=committee, kind="ordinary", number=1, date=datetime.date(2024, 1, 1))]
    )
    event = next(iter(events(export(committee)).values()))
    assert event["DTSTAMP"].dt == Session.objects.get().calendar_changed_at.replace(microsecond=0)


def test_the_personal_calendar_names_the_committee_of_each_event():
    session = make_session()
    person = make_person(name="Héctor Gallego Ávila")
    body = ical.personal_calendar(
        person, ical.feed_sessions(Session.objects.all()), base_url=BASE_URL
    )
    calendar = Calendar.from_ical(body)
    assert str(calendar["UID"]) == f"person-{person.pk}@127.0.0.1:8000"
    assert calendar.calendar_name == "Mis sesiones — Héctor Gallego Ávila"
    assert str(events(body)[ical.session_uid(session)]["SUMMARY"]) == (
        "COTAPREP: Primera sesión ordinaria"
    )


def test_a_private_session_is_marked_private_in_the_personal_calendar():
    session = make_session(is_public=False)
    body = ical.personal_calendar(
        make_person(), ical.feed_sessions(Session.objects.all()), base_url=BASE_URL
    )
    assert str(events(body)[ical.session_uid(session)]["CLASS"]) == "PRIVATE"
