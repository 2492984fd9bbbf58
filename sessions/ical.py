"""
Every iCalendar file Quórum serves is built here, with ``icalendar``: the public feed of a
committee, the personal feed of a person, the file of one session and the invitation
e-mailed with a notice.

A feed is byte-stable while nothing changes: the calendar UID and name are fixed, and
each event's DTSTAMP and LAST-MODIFIED are the time of the last change to anything the
event shows (``Session.calendar_changed_at``, kept by database triggers on the session,
its agenda points and their documents), never "now". The same version columns give the
feeds' validators (``committee_validators``, ``person_validators``) without building a
body, so a conditional request is answered from two or four small queries.
"""

import dataclasses
import datetime
import functools
import hashlib
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, Max, OuterRef, Prefetch, QuerySet, Subquery, Sum
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
    vText,
)
from icalendar.prop.conference import Conference

from committees.models import Committee, Person
from committees.spanish import long_date
from config import site

from .models import Session, of_body, of_short_name

PRODID = "-//Quórum//Calendario de sesiones//ES"
# Bump when what an event says changes in form (not in content): every ETag changes.
FEED_FORMAT = "2"
# The session page (built by a later issue) lives at exactly this path.
SESSION_PAGE_PATH = "/sesiones/{pk}/"
# Clients that honour it (REFRESH-INTERVAL, X-PUBLISHED-TTL) poll the feed this often.
REFRESH_INTERVAL = datetime.timedelta(hours=1)
# What Quórum's own export says about a session beyond RFC 5545, so that importing it
# again (calendar_import.ics) restores the kind, number, role, status and notes exactly.
PROPERTY_KIND = "X-QUORUM-KIND"
PROPERTY_NUMBER = "X-QUORUM-NUMBER"
PROPERTY_ROLE = "X-QUORUM-ROLE"
PROPERTY_STATUS = "X-QUORUM-STATUS"
PROPERTY_NOTES = "X-QUORUM-NOTES"

HistoricalSession = Session.history.model


def site_url() -> str:
    """The base URL of event links: the site's address (SITE_URL), never a request's host."""
    return site.site_url()


def ical_domain() -> str:
    """The UIDs' domain: the site's host, so two deployments never emit the same UID."""
    return site.uid_domain()


def session_uid(session: Session) -> str:
    """Stable for the life of the session: a client updates the event instead of doubling it."""
    return f"session-{session.pk}@{ical_domain()}"


def session_page_url(session: Session, base_url: str) -> str:
    return base_url.rstrip("/") + SESSION_PAGE_PATH.format(pk=session.pk)


def feed_sessions(sessions: QuerySet) -> QuerySet:
    """
    Everything an event needs, in three queries whatever the number of sessions: the
    sessions with their committee and institution, their agenda points, and the points'
    documents (titles only).
    """
    return (
        sessions.select_related("committee__institution")
        .prefetch_related(Prefetch("points", queryset=_points_queryset()))
        # pk last: two committees can hold the same kind and number on the same day, and
        # the order must not change between two exports.
        .order_by("date", "start_time", "kind", "number", "pk")
    )


def _points_queryset() -> QuerySet:
    # sessions must not import agendas: reach the models through the reverse relations.
    point_model = Session._meta.get_field("points").related_model
    document_model = point_model._meta.get_field("documents").related_model
    documents = document_model.objects.order_by("title", "pk").only("point", "title")
    return (
        point_model.objects.order_by("position")
        .only("session", "position", "title")
        .prefetch_related(Prefetch("documents", queryset=documents))
    )


# --- Validators (ETag, Last-Modified) without building the body -----------------------------


@dataclasses.dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: datetime.datetime | None
    # The date of the latest session the feed covers: a feed's window reaches back from it
    # when the committee stopped meeting more than a year ago (sessions.views).
    last_date: datetime.date | None = None


def _deleted_subquery(committee_ref) -> Subquery:
    """The newest deletion of a session of the committee: it changes a feed too."""
    return Subquery(
        HistoricalSession.objects.filter(committee_id=committee_ref, history_type="-")
        .order_by("-history_date")
        .values("history_date")[:1]
    )


def with_freshness(committees: QuerySet) -> QuerySet:
    """Committees annotated with what their validators need beyond their sessions' versions."""
    return committees.annotate(
        sessions_deleted_at=_deleted_subquery(OuterRef("pk")),
    )


def _versions(sessions: QuerySet) -> dict:
    """One query: how many sessions, the sum of their versions, the newest and the last change."""
    return sessions.order_by().aggregate(
        count=Count("pk"),
        versions=Sum("calendar_version"),
        newest=Max("pk"),
        changed_at=Max("calendar_changed_at"),
        last_date=Max("date"),
    )


def _committee_facts(committee: Committee) -> tuple:
    """What events show of a committee and its institution (names, zone)."""
    institution = committee.institution
    return (
        committee.pk,
        committee.slug,
        committee.name,
        committee.short_name,
        institution.name,
        institution.short_name,
        institution.time_zone,
        getattr(committee, "sessions_deleted_at", None),
    )


def _validators(parts: Iterable, dates: Iterable[datetime.datetime | None]) -> Validators:
    digest = hashlib.sha256(repr((FEED_FORMAT, PRODID, ical_domain(), *parts)).encode())
    known = [date for date in dates if date is not None]
    return Validators(etag=f'"{digest.hexdigest()[:32]}"', last_modified=max(known, default=None))


def committee_validators(committee: Committee, *, base_url: str) -> Validators:
    """
    The public feed's validators: every session of the committee counts (one made private
    leaves the feed, which changes it). ``committee`` comes through ``with_freshness``.
    One query.
    """
    versions = _versions(committee.sessions.all())
    facts = _committee_facts(committee)
    validators = _validators(
        ("committee", base_url, facts, versions),
        (versions["changed_at"], facts[-1]),
    )
    return dataclasses.replace(validators, last_date=versions["last_date"])


def person_validators(person: Person, sessions: QuerySet, *, base_url: str) -> Validators:
    """The personal feed's validators: ``sessions`` are the person's. Two queries."""
    versions = _versions(sessions)
    committees = with_freshness(
        Committee.objects.filter(pk__in=person.memberships.values("committee_id")).select_related(
            "institution"
        )
    ).order_by("pk")
    facts = [_committee_facts(committee) for committee in committees]
    validators = _validators(
        ("person", base_url, person.pk, person.name, person.honorific, facts, versions),
        (versions["changed_at"], *(fact[-1] for fact in facts)),
    )
    return dataclasses.replace(validators, last_date=versions["last_date"])


def session_validators(session: Session, *, base_url: str) -> Validators:
    """One session's file: its own version. No query (``session`` has its committee)."""
    return _validators(
        ("session", base_url, session.pk, session.calendar_version, session.calendar_changed_at)
        + _committee_facts(session.committee),
        (session.calendar_changed_at,),
    )


# --- Calendars ----------------------------------------------------------------------------


def committee_calendar(committee: Committee, sessions: Iterable[Session], *, base_url: str):
    """The public feed of a committee: ``sessions`` should be its public ones."""
    institution = committee.institution
    return build_calendar(
        sessions,
        uid=f"committee-{committee.slug}@{ical_domain()}",
        name=f"Sesiones {of_short_name(committee)} ({institution.short_name})",
        description=f"Calendario de sesiones {of_body(committee.name)} "
        f"({committee.short_name}), {institution.name}.",
        base_url=base_url,
        time_zone=institution.time_zone,
    )


def personal_calendar(person: Person, sessions: Iterable[Session], *, base_url: str):
    """The sessions of every committee a person sits on, named by committee."""
    return build_calendar(
        sessions,
        uid=f"person-{person.pk}@{ical_domain()}",
        name=f"Mis sesiones — {person.name}",
        description=f"Sesiones de los órganos colegiados de {person.full_name}.",
        base_url=base_url,
    )


def session_calendar(session: Session, *, base_url: str):
    """A file with one session, to add it to a calendar by hand."""
    return build_calendar(
        [session],
        uid=f"session-{session.pk}-calendar@{ical_domain()}",
        name=event_summary(session),
        base_url=base_url,
        time_zone=session.committee.institution.time_zone,
    )


def _new_calendar(*, uid: str, name: str, method: str, description: str | None = None):
    """
    The calendar's own properties, every text one escaped as TEXT (RFC 5545 3.3.11):
    ``Calendar.new`` writes NAME and X-WR-CALDESC with bare commas, which vobject cuts.
    """
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", method)
    calendar.add("UID", uid)
    calendar.add("NAME", vText(name))
    calendar.add("X-WR-CALNAME", vText(name))
    if description:
        calendar.add("DESCRIPTION", vText(description))
        calendar.add("X-WR-CALDESC", vText(description))
    return calendar


def build_calendar(
    sessions: Iterable[Session],
    *,
    uid: str,
    name: str,
    base_url: str,
    description: str | None = None,
    time_zone: str | None = None,
) -> bytes:
    sessions = list(sessions)
    calendar = _new_calendar(uid=uid, name=name, description=description, method="PUBLISH")
    # RFC 7986: REFRESH-INTERVAL must say VALUE=DURATION.
    calendar.add("REFRESH-INTERVAL", vDuration(REFRESH_INTERVAL), parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
    if time_zone:
        calendar.add("X-WR-TIMEZONE", time_zone)
    # At least one VTIMEZONE: a calendar with no component is invalid (RFC 5545 3.6).
    for timezone in _timezones(sessions, default_zone=time_zone or settings.TIME_ZONE):
        calendar.add_component(timezone)
    for session in sessions:
        calendar.add_component(session_event(session, base_url=base_url))
    return calendar.to_ical()


def event_summary(session: Session) -> str:
    """ "COTAPREP: Segunda sesión ordinaria": the committee first, as calendars list them."""
    return f"{session.committee.short_name}: {session.title}"


def session_event(session: Session, *, base_url: str) -> Event:
    stamp = session.calendar_changed_at.astimezone(datetime.UTC).replace(microsecond=0)
    if session.start_time is None:
        # No time yet: an all-day event (DTEND is exclusive, the next day).
        start, end = session.date, session.date + datetime.timedelta(days=1)
    else:
        start, end = session.starts_at, session.ends_at
    location = session.place or session.video_link or None
    event = Event.new(
        uid=session_uid(session),
        stamp=stamp,
        last_modified=stamp,
        sequence=session.revision,
        status="CANCELLED" if session.status == Session.Status.CANCELLED else "CONFIRMED",
        summary=event_summary(session),
        location=location,
        description=event_description(session, base_url=base_url),
        start=start,
        end=end,
        url=session_page_url(session, base_url),
        classification="PUBLIC" if session.is_public else "PRIVATE",
        conferences=(
            [Conference(session.video_link, feature="VIDEO", label="Videoconferencia")]
            if session.video_link
            else None
        ),
    )
    event.add(PROPERTY_KIND, session.kind)
    event.add(PROPERTY_NUMBER, str(session.number))
    if session.role:
        event.add(PROPERTY_ROLE, session.role)
    event.add(PROPERTY_STATUS, session.status)
    if session.notes.strip():
        event.add(PROPERTY_NOTES, vText(session.notes.strip()))
    return event


def session_phrase(session: Session) -> str:
    """ "Quinta sesión ordinaria del Comité Técnico Asesor del PREP (COTAPREP)"."""
    committee = session.committee
    if session.kind == Session.Kind.WORKING_GROUP:
        # Its title already names the group.
        return f"{session.title} ({committee.short_name})"
    return f"{session.title} {of_body(committee.name)} ({committee.short_name})"


def event_description(session: Session, *, base_url: str) -> str:
    """The committee, the state of the session, the agenda with documents, links and notes."""
    lines = [f"{session_phrase(session)}, {session.committee.institution.short_name}."]
    if session.status == Session.Status.CANCELLED:
        lines.append(_with_reason("Sesión cancelada", session.status_reason))
    elif session.status == Session.Status.POSTPONED:
        moved = "Sesión pospuesta"
        if session.rescheduled_from:
            moved += f" (fecha original: {long_date(session.rescheduled_from)})"
        lines.append(_with_reason(moved, session.status_reason))
    elif session.status == Session.Status.HELD:
        lines.append("Sesión celebrada.")
    points = list(session.points.all())
    if points:
        lines += ["", "Orden del día:"]
        for point in points:
            lines.append(f"{point.position}. {point.title}")
            documents = [document.title for document in point.documents.all()]
            if documents:
                lines.append(f"   Documentos: {'; '.join(documents)}")
    lines.append("")
    if session.video_link:
        lines.append(f"Videoconferencia: {session.video_link}")
    if session.notes.strip():
        lines.append(f"Notas: {session.notes.strip()}")
    lines.append(f"Página de la sesión: {session_page_url(session, base_url)}")
    return "\n".join(lines)


def _with_reason(text: str, reason: str) -> str:
    return f"{text}: {reason.strip()}" if reason.strip() else f"{text}."


# --- Time zones ---------------------------------------------------------------------------


def _timezones(sessions: list[Session], *, default_zone: str) -> list[Timezone]:
    """
    One VTIMEZONE per zone that a timed event uses, in a fixed order (a set's order
    changes between processes and would break byte-stability), covering the years of
    the sessions; with no timed event, the calendar's own zone for the years shown.
    """
    years: dict[str, tuple[int, int]] = {}
    for session in sessions:
        if session.start_time is not None:
            zone = session.committee.institution.time_zone
            first, last = years.get(zone, (session.date.year, session.date.year))
            years[zone] = (min(first, session.date.year), max(last, session.date.year))
    if not years:
        dates = [session.date.year for session in sessions] or [REFERENCE_YEAR]
        years[default_zone] = (min(dates), max(dates))
    return [_timezone(zone, *years[zone]) for zone in sorted(years)]


# An empty calendar's VTIMEZONE covers a fixed year, so that its bytes never change.
REFERENCE_YEAR = 2024


@functools.lru_cache(maxsize=64)
def _timezone(zone_name: str, first_year: int, last_year: int) -> Timezone:
    """
    The zone's rules from 1 January of ``first_year`` to the end of ``last_year``, one
    STANDARD or DAYLIGHT part per transition, read from the tz database. Each onset is
    written in the local time before it (RFC 5545 3.6.5): America/Mexico_City's daylight
    time of 2021 began on 4 April at 02:00 (CST), not at 03:00 as icalendar's
    ``Timezone.from_tzid`` writes it.
    """
    zone = zoneinfo.ZoneInfo(zone_name)
    start = datetime.datetime(first_year, 1, 1, tzinfo=zone).astimezone(datetime.UTC)
    end = datetime.datetime(last_year + 1, 1, 1, tzinfo=zone).astimezone(datetime.UTC)
    timezone = Timezone()
    timezone.add("TZID", zone_name)
    local = start.astimezone(zone)
    offset = local.utcoffset()
    timezone.add_component(_observance(local, offset, offset))
    for instant in _transitions(zone, start, end):
        before = (instant - datetime.timedelta(seconds=1)).astimezone(zone).utcoffset()
        after = instant.astimezone(zone)
        timezone.add_component(_observance(after, before, after.utcoffset()))
    return timezone


def _observance(moment: datetime.datetime, offset_from, offset_to):
    """A STANDARD or DAYLIGHT part starting at ``moment``, written in the offset before it."""
    part = TimezoneDaylight() if moment.dst() else TimezoneStandard()
    onset = (moment.astimezone(datetime.UTC) + offset_from).replace(tzinfo=None)
    part.add("DTSTART", onset)
    part.add("TZNAME", moment.tzname())
    part.add("TZOFFSETFROM", offset_from)
    part.add("TZOFFSETTO", offset_to)
    return part


def _transitions(zone, start: datetime.datetime, end: datetime.datetime):
    """The instants (UTC, to the minute) when the zone's offset changes in [start, end)."""
    day = datetime.timedelta(days=1)
    moment = start
    offset = moment.astimezone(zone).utcoffset()
    while moment < end:
        following = moment + day
        next_offset = following.astimezone(zone).utcoffset()
        if next_offset != offset:
            low, high = moment, following
            while high - low > datetime.timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            yield high.replace(second=0, microsecond=0)
            offset = next_offset
        moment = following


# --- Invitations ----------------------------------------------------------------------------


def invitation_calendar(
    session: Session,
    *,
    method: str,
    base_url: str,
    organizer: tuple[str, str] | None = None,
    attendee: tuple[str, str] | None = None,
) -> bytes:
    """
    The calendar e-mailed with a notice (iTIP, RFC 5546): METHOD:REQUEST for a convocation
    or a new date, METHOD:CANCEL for a cancellation. Its event is the feeds' own (same UID
    and SEQUENCE), so a client that already has the session updates it. ``organizer`` and
    ``attendee`` are (e-mail, name): iTIP wants both, and clients file the message as an
    invitation only with them. ``session`` should come from ``feed_sessions``.
    """
    calendar = _new_calendar(
        uid=f"session-{session.pk}-{method.lower()}-{session.revision}@{ical_domain()}",
        name=event_summary(session),
        method=method,
    )
    for timezone in _timezones([session], default_zone=session.committee.institution.time_zone):
        calendar.add_component(timezone)
    event = session_event(session, base_url=base_url)
    if method == "CANCEL":
        # RFC 5546 3.2.5: a cancellation carries STATUS:CANCELLED.
        event["STATUS"] = "CANCELLED"
    if organizer:
        event.organizer = vCalAddress.new(organizer[0], cn=organizer[1])
    if attendee:
        event.attendees = [
            vCalAddress.new(
                attendee[0],
                cn=attendee[1],
                role="REQ-PARTICIPANT",
                partstat="NEEDS-ACTION",
                rsvp=False,
            )
        ]
    calendar.add_component(event)
    return calendar.to_ical()
