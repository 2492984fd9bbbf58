"""
Every iCalendar file Quórum serves is built here, with ``icalendar``: the public feed of a
committee, the personal feed of a person and the file of one session.

A feed is byte-stable while nothing changes, so that clients and caches can rely on its
ETag: the calendar UID and name are fixed, and each event's DTSTAMP is the time of the
session's last recorded change (its newest history row), never "now".
"""

import datetime
import functools
from collections.abc import Iterable

from django.db.models import Max, OuterRef, Prefetch, QuerySet, Subquery
from icalendar import Calendar, Event, Timezone, vCalAddress, vDuration
from icalendar.prop.conference import Conference

from committees.models import Committee, Person
from committees.spanish import long_date
from config import site

from .models import Session

PRODID = "-//Quórum//Calendario de sesiones//ES"
# The session page (built by a later issue) lives at exactly this path.
SESSION_PAGE_PATH = "/sesiones/{pk}/"
# Clients that honour it (REFRESH-INTERVAL, X-PUBLISHED-TTL) poll the feed this often.
REFRESH_INTERVAL = datetime.timedelta(hours=1)
# For a session with no recorded history (e.g. bulk-created): a fixed DTSTAMP keeps the
# feed byte-stable; any real change adds a history row and replaces it.
FALLBACK_STAMP = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)

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
    sessions with their committee and institution, the time of each one's last change
    (a subquery on the history table, indexed by session id), and their agenda points.
    """
    last_change = (
        HistoricalSession.objects.filter(id=OuterRef("pk"))
        .order_by("-history_date")
        .values("history_date")[:1]
    )
    return (
        sessions.select_related("committee__institution")
        .annotate(last_changed=Subquery(last_change))
        .prefetch_related(Prefetch("points", queryset=_points_queryset()))
        # pk last: two committees can hold the same kind and number on the same day, and
        # the order must not change between two exports.
        .order_by("date", "start_time", "kind", "number", "pk")
    )


def _points_queryset() -> QuerySet:
    # sessions must not import agendas: reach the model through the reverse relation.
    point_model = Session._meta.get_field("points").related_model
    return point_model.objects.order_by("position").only("session", "position", "title")


def last_change(committee_ids) -> datetime.datetime | None:
    """
    The newest change to any session of these committees, deletions and sessions made
    private included (they change a feed too): the feed's Last-Modified. One query.
    """
    return HistoricalSession.objects.filter(committee_id__in=committee_ids).aggregate(
        newest=Max("history_date")
    )["newest"]


def committee_calendar(committee: Committee, sessions: Iterable[Session], *, base_url: str):
    """The public feed of a committee: ``sessions`` should be its public ones."""
    institution = committee.institution
    return build_calendar(
        sessions,
        uid=f"committee-{committee.slug}@{ical_domain()}",
        name=f"Sesiones del {committee.short_name} ({institution.short_name})",
        description=f"Calendario de sesiones del {committee.name} ({committee.short_name}), "
        f"{institution.name}.",
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
        with_committee=True,
    )


def session_calendar(session: Session, *, base_url: str):
    """A file with one session, to add it to a calendar by hand."""
    return build_calendar(
        [session],
        uid=f"session-{session.pk}-calendar@{ical_domain()}",
        name=session.title,
        base_url=base_url,
        time_zone=session.committee.institution.time_zone,
    )


def build_calendar(
    sessions: Iterable[Session],
    *,
    uid: str,
    name: str,
    base_url: str,
    description: str | None = None,
    time_zone: str | None = None,
    with_committee: bool = False,
) -> bytes:
    sessions = list(sessions)
    calendar = Calendar.new(
        uid=uid,
        name=name,
        description=description,
        prodid=PRODID,
        calscale="GREGORIAN",
        method="PUBLISH",
        refresh_interval=REFRESH_INTERVAL,
    )
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
    if time_zone:
        calendar.add("X-WR-TIMEZONE", time_zone)
    for timezone in _timezones(sessions):
        calendar.add_component(timezone)
    for session in sessions:
        calendar.add_component(
            session_event(session, base_url=base_url, with_committee=with_committee)
        )
    return calendar.to_ical()


def session_event(session: Session, *, base_url: str, with_committee: bool = False) -> Event:
    committee = session.committee
    summary = session.title
    if with_committee:
        summary = f"{committee.short_name}: {summary}"
    stamp = getattr(session, "last_changed", None) or FALLBACK_STAMP
    if session.start_time is None:
        # No time yet: an all-day event (DTEND is exclusive, the next day).
        start, end = session.date, session.date + datetime.timedelta(days=1)
    else:
        start, end = session.starts_at, session.ends_at
    location = session.place or session.video_link or None
    event = Event.new(
        uid=session_uid(session),
        stamp=stamp.astimezone(datetime.UTC),
        last_modified=stamp.astimezone(datetime.UTC),
        sequence=session.revision,
        status="CANCELLED" if session.status == Session.Status.CANCELLED else "CONFIRMED",
        summary=summary,
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
    return event


def event_description(session: Session, *, base_url: str) -> str:
    """The committee, the state of the session, the numbered agenda, the links and notes."""
    committee = session.committee
    lines = [
        f"{session.title} del {committee.name} ({committee.short_name}), "
        f"{committee.institution.short_name}."
    ]
    if session.status == Session.Status.CANCELLED:
        lines.append(_with_reason("Sesión cancelada", session.status_reason))
    elif session.status == Session.Status.POSTPONED:
        moved = "Sesión pospuesta"
        if session.rescheduled_from:
            moved += f" (fecha original: {long_date(session.rescheduled_from)})"
        lines.append(_with_reason(moved, session.status_reason))
    points = list(session.points.all())
    if points:
        lines += ["", "Orden del día:"]
        lines += [f"{point.position}. {point.title}" for point in points]
    lines.append("")
    if session.video_link:
        lines.append(f"Videoconferencia: {session.video_link}")
    if session.notes.strip():
        lines.append(f"Notas: {session.notes.strip()}")
    lines.append(f"Página de la sesión: {session_page_url(session, base_url)}")
    return "\n".join(lines)


def _with_reason(text: str, reason: str) -> str:
    return f"{text}: {reason.strip()}" if reason.strip() else f"{text}."


def _timezones(sessions: list[Session]) -> list[Timezone]:
    """
    One VTIMEZONE per zone that a timed event uses, in a fixed order (a set's order
    changes between processes and would break byte-stability), covering the years of
    the sessions.
    """
    years = {}
    for session in sessions:
        if session.start_time is not None:
            zone = session.committee.institution.time_zone
            first, last = years.get(zone, (session.date.year, session.date.year))
            years[zone] = (min(first, session.date.year), max(last, session.date.year))
    return [_timezone(zone, *years[zone]) for zone in sorted(years)]


@functools.lru_cache(maxsize=64)
def _timezone(zone: str, first_year: int, last_year: int) -> Timezone:
    return Timezone.from_tzid(
        zone,
        first_date=datetime.date(first_year, 1, 1),
        last_date=datetime.date(last_year + 1, 12, 31),
    )


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
    calendar = Calendar.new(
        uid=f"session-{session.pk}-{method.lower()}-{session.revision}@{ical_domain()}",
        name=session.title,
        prodid=PRODID,
        calscale="GREGORIAN",
        method=method,
    )
    for timezone in _timezones([session]):
        calendar.add_component(timezone)
    event = session_event(session, base_url=base_url)
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
