"""
Every calendar Quórum serves or e-mails, read back by three independent parsers —
icalendar (Python), vobject (Python) and ical.js (JavaScript, Thunderbird's) — with the
number of events checked against the database, and the RFC details each parser is
picky about: escaped TEXT, REFRESH-INTERVAL's VALUE, a component in every VCALENDAR,
and the historical daylight-saving transitions of America/Mexico_City.
"""

import datetime

import pytest
import vobject
from django.urls import reverse
from icalendar import Calendar

from committees.models import Membership
from sessions import ical, notifications
from sessions.models import NoticeDelivery, Session
from tests.factories import (
    make_committee,
    make_institution,
    make_membership,
    make_person,
    make_point,
    make_session,
)
from tests.icaljs import parse_with_icaljs

pytestmark = pytest.mark.django_db

INSTITUTION = "Instituto Electoral y de Participación Ciudadana del Estado de Jalisco, IEPC"

# The season spans more than a year: every session, not the default window.
FULL_HISTORY = {"historial": "completo"}


@pytest.fixture
def committee():
    institution = make_institution(name=INSTITUTION, short_name="IEPC Jalisco")
    return make_committee(
        institution=institution,
        kind="commission",
        name="Comisión de Organización Electoral",
        short_name="COE",
    )


@pytest.fixture
def season(committee):
    """Sessions of every status over 2021, 2022 and 2024, timed and all-day, one private."""
    at = datetime.time
    sessions = [
        make_session(committee, date=datetime.date(2021, 3, 30), start_time=at(10)),
        make_session(committee, date=datetime.date(2021, 4, 5), start_time=at(10)),
        make_session(committee, date=datetime.date(2022, 10, 28), start_time=at(10)),
        make_session(
            committee, date=datetime.date(2022, 10, 31), start_time=at(10), end_time=at(12)
        ),
        make_session(committee, date=datetime.date(2024, 1, 30), status="held"),
        make_session(
            committee,
            date=datetime.date(2024, 2, 28),
            status="cancelled",
            status_reason="Sin asuntos, a propuesta de la Presidencia",
        ),
        make_session(
            committee,
            date=datetime.date(2024, 3, 26),
            rescheduled_from=datetime.date(2024, 3, 19),
            status="postponed",
            status_reason="Cambio de sede",
            place="Sala de sesiones, piso 2; edificio B",
            video_link="https://meet.example.org/coe",
        ),
        make_session(committee, date=datetime.date(2024, 4, 30), is_public=False),
    ]
    for session in sessions:
        make_point(session, title="Lectura y aprobación del orden del día, en su caso")
    return sessions


def parse_all(body: bytes) -> dict:
    """What each parser reads: its events' UIDs, and any error it reports."""
    strict = Calendar.from_ical(body)
    errors = [error for component in strict.walk() for error in component.errors]
    card = vobject.readOne(body.decode("utf-8"))
    (js,) = parse_with_icaljs(body)
    assert "error" not in js, js.get("error")
    return {
        "icalendar": ([str(event["UID"]) for event in strict.walk("VEVENT")], errors),
        "vobject": ([event.uid.value for event in getattr(card, "vevent_list", [])], []),
        "ical.js": ([event["uid"] for event in js["events"]], []),
        "_js": js,
        "_card": card,
        "_strict": strict,
    }


def assert_parsers_agree(body: bytes, expected_uids: set[str]) -> dict:
    parsed = parse_all(body)
    for parser in ("icalendar", "vobject", "ical.js"):
        uids, errors = parsed[parser]
        assert errors == [], (parser, errors)
        assert sorted(uids) == sorted(expected_uids), parser
    return parsed


def test_the_committee_feed_reads_the_same_in_three_parsers(client, committee, season):
    response = client.get(reverse("sessions:committee-feed", args=[committee.slug]), FULL_HISTORY)
    public = {ical.session_uid(s) for s in Session.objects.filter(committee=committee)}
    public -= {ical.session_uid(season[-1])}  # the private one
    assert len(public) == committee.sessions.filter(is_public=True).count() == 7

    parsed = assert_parsers_agree(response.content, public)

    js, card = parsed["_js"], parsed["_card"]
    description = (
        "Calendario de sesiones de la Comisión de Organización Electoral (COE), "
        + INSTITUTION
        + "."
    )
    # Escaped commas: vobject used to cut the institution's name at its comma.
    assert card.contents["x-wr-caldesc"][0].value == description
    # ical.js keeps an X- property's text as written (escaped): whole, not cut.
    assert js["description"].replace("\\,", ",") == description
    assert js["name"] == "Sesiones de la COE (IEPC Jalisco)"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.content
    assert js["refresh"] == "duration"
    by_uid = {event["uid"]: event for event in js["events"]}
    cancelled = by_uid[ical.session_uid(season[5])]
    assert cancelled["status"] == "CANCELLED"
    assert (
        "Sesión cancelada: Sin asuntos, a propuesta de la Presidencia" in (cancelled["description"])
    )
    postponed = by_uid[ical.session_uid(season[6])]
    assert postponed["location"] == "Sala de sesiones, piso 2; edificio B"
    assert postponed["summary"] == "COE: Séptima sesión ordinaria"
    assert "fecha original: 19 de marzo de 2024" in postponed["description"]


def test_historical_daylight_saving_in_mexico_city_is_right_in_every_parser(
    client, committee, season
):
    response = client.get(reverse("sessions:committee-feed", args=[committee.slug]), FULL_HISTORY)
    body = response.content.decode()
    # Daylight time of 2021 began on 4 April at 02:00 (CST), and of 2022 on 3 April;
    # it ended on 31 October 2021 and 30 October 2022 at 02:00 (CDT); none since.
    assert "DTSTART:20210404T020000\r\nTZNAME:CDT" in body
    assert "DTSTART:20220403T020000\r\nTZNAME:CDT" in body
    assert "DTSTART:20211031T020000\r\nTZNAME:CST" in body
    assert "DTSTART:20221030T020000\r\nTZNAME:CST" in body
    (js,) = parse_with_icaljs(response.content)
    utc = {event["uid"]: event["start"]["utc"] for event in js["events"]}
    expected = {
        season[0]: "2021-03-30T16:00:00.000Z",  # CST, -6
        season[1]: "2021-04-05T15:00:00.000Z",  # CDT, -5
        season[2]: "2022-10-28T15:00:00.000Z",  # CDT
        season[3]: "2022-10-31T16:00:00.000Z",  # CST again
    }
    for session, instant in expected.items():
        assert utc[ical.session_uid(session)] == instant, session.date
        local = datetime.datetime.combine(session.date, session.start_time, tzinfo=committee.zone)
        assert local.astimezone(datetime.UTC).isoformat().startswith(instant[:19])
    strict = Calendar.from_ical(response.content)
    starts = {str(e["UID"]): e.start for e in strict.walk("VEVENT")}
    assert starts[ical.session_uid(season[1])].utcoffset() == datetime.timedelta(hours=-5)


def test_the_personal_feed_and_the_session_file_read_the_same(client, committee, season):
    membership = make_membership(committee)
    elsewhere = make_session(make_committee(), date=datetime.date(2024, 5, 1))
    make_membership(elsewhere.committee, person=membership.person, role="technical_secretary")
    personal = client.get(
        reverse("sessions:personal-feed", args=[membership.person.calendar_token]), FULL_HISTORY
    )
    visible = Session.objects.for_person(membership.person)
    assert visible.count() == 9
    assert_parsers_agree(personal.content, {ical.session_uid(s) for s in visible})

    single = client.get(reverse("sessions:session-ics", args=[season[1].pk]))
    parsed = assert_parsers_agree(single.content, {ical.session_uid(season[1])})
    assert parsed["_js"]["events"][0]["summary"] == "COE: Segunda sesión ordinaria"


def test_a_committee_without_public_sessions_serves_a_valid_calendar(client, committee):
    make_session(committee, is_public=False)
    response = client.get(reverse("sessions:committee-feed", args=[committee.slug]), FULL_HISTORY)
    parsed = assert_parsers_agree(response.content, set())
    # A VCALENDAR needs at least one component (RFC 5545 3.6): its VTIMEZONE.
    assert parsed["_js"]["components"] == 1
    assert parsed["_js"]["timezones"] == ["America/Mexico_City"]
    assert [tz.tz_name for tz in parsed["_strict"].timezones] == ["America/Mexico_City"]


@pytest.mark.parametrize(
    ("kind", "method"),
    [(NoticeDelivery.Kind.CONVOCATION, "REQUEST"), (NoticeDelivery.Kind.CANCELLATION, "CANCEL")],
)
def test_invitations_read_the_same_and_match_the_feed(committee, season, kind, method):
    session = season[1]
    make_membership(committee, role=Membership.Role.TECHNICAL_SECRETARY)
    person = make_person(name="Ana Integrante", email="ana@example.org")
    loaded = ical.feed_sessions(Session.objects.filter(pk=session.pk)).get()
    message = notifications.notice_message(
        loaded, kind, person, notifications.notice_context(loaded, kind)
    )
    (part,) = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    body = part.get_payload(decode=True)

    parsed = assert_parsers_agree(body, {ical.session_uid(session)})

    js = parsed["_js"]
    assert js["method"] == method
    (event,) = js["events"]
    feed = Calendar.from_ical(ical.session_calendar(loaded, base_url="http://x")).events[0]
    assert event["sequence"] == feed["SEQUENCE"] == session.revision
    assert event["attendees"] == ["mailto:ana@example.org"]
    assert event["status"] == ("CANCELLED" if method == "CANCEL" else "CONFIRMED")
