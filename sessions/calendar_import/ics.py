"""An iCalendar file: one session per VEVENT, times read in the institution's zone."""

import datetime
import re
import zoneinfo

from django.conf import settings
from icalendar import Calendar

from .base import CalendarParseError, CalendarRow, Issue, ParseResult
from .kinds import parse_description


def parse_ics(
    text: str, *, default_kind: str | None = None, zone: zoneinfo.ZoneInfo | None = None
) -> ParseResult:
    """Events of an .ics file; times are read in ``zone`` (the institution's)."""
    result = ParseResult(format="ics")
    zone = zone or zoneinfo.ZoneInfo(settings.TIME_ZONE)
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as error:
        result.errors.append(
            Issue(f"el archivo .ics no se puede leer: {error}", 1, "BEGIN:VCALENDAR")
        )
        return result
    event_lines = [
        number
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip().upper() == "BEGIN:VEVENT"
    ]
    for index, event in enumerate(calendar.walk("VEVENT")):
        line = event_lines[index] if index < len(event_lines) else 1
        row = _read_event(event, line, result, default_kind, zone)
        if row is not None:
            result.rows.append(row)
    return result


def _read_event(event, line, result, default_kind, zone) -> CalendarRow | None:
    summary = str(event.get("SUMMARY", "")).strip()
    label = summary or str(event.get("UID", "")) or "VEVENT"
    broken = {name for name, _message in event.errors}
    if "DTSTART" in broken or "DTSTART" not in event:
        result.errors.append(
            Issue(
                "el evento no tiene DTSTART (fecha de inicio) válido."
                if "DTSTART" in broken
                else "el evento no tiene DTSTART (fecha de inicio).",
                line,
                label,
            )
        )
        return None
    if "RRULE" in event:
        result.errors.append(
            Issue(
                "los eventos repetitivos (RRULE) no se importan: cada sesión debe ser un evento.",
                line,
                label,
            )
        )
        return None
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        result.warnings.append(Issue("el evento está cancelado; no se importa.", line, label))
        return None
    start = event["DTSTART"].dt
    start_time = end_time = None
    if isinstance(start, datetime.datetime):
        start = _in_zone(start, zone)
        date, start_time = start.date(), start.time().replace(second=0, microsecond=0)
        end = None
        if "DTEND" in event and "DTEND" not in broken:
            end = event["DTEND"].dt
        elif "DURATION" in event and "DURATION" not in broken:
            end = start + event["DURATION"].dt
        if isinstance(end, datetime.datetime):
            end = _in_zone(end, zone)
            if end.date() == date and end.time() > start.time():
                end_time = end.time().replace(second=0, microsecond=0)
    else:
        date = start
    notes = str(event.get("DESCRIPTION", "")).strip()
    session_type = None
    try:
        session_type = parse_description(summary)
    except CalendarParseError as error:
        if default_kind is None:
            result.errors.append(
                Issue(f"{error} (SUMMARY). O indique un tipo para todas (--kind).", line, label)
            )
            return None
        notes = "\n".join(filter(None, [summary, notes]))
    video_link = ""
    conferences = event.get("CONFERENCE")
    if conferences:
        first = conferences[0] if isinstance(conferences, list) else conferences
        video_link = str(first)
    place = str(event.get("LOCATION", "")).strip()
    if re.match(r"^https?://\S+$", place):
        video_link, place = video_link or place, ""
    return CalendarRow(
        line=line,
        text=label,
        date=date,
        kind=session_type.kind if session_type else default_kind,
        number=session_type.number if session_type else None,
        role=session_type.role if session_type else "",
        start_time=start_time,
        end_time=end_time,
        place=place,
        video_link=video_link,
        notes=notes,
    )


def _in_zone(value: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    # A floating time (no zone) is the institution's local time.
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value.astimezone(zone)
