"""
An iCalendar file: one session per VEVENT, times read in the institution's zone.

Each event keeps its UID and SEQUENCE, so that an import can follow a calendar kept
elsewhere (``apply`` matches them). A file that Quórum exported (its PRODID) says the
session's kind, number, status and notes in X-QUORUM-* properties: its DESCRIPTION is
generated (agenda, links) and never comes back as notes.
"""

import datetime
import re
import zoneinfo

from django.conf import settings
from icalendar import Calendar
from icalendar.parser import Contentline

from .. import ical
from ..models import Session
from .base import KIND_CODES, CalendarParseError, CalendarRow, Issue, ParseResult, SessionType
from .kinds import parse_description

_NAME = re.compile(r"^[A-Za-z0-9-]+$")
_STATUSES = {"CANCELLED": Session.Status.CANCELLED}


def parse_ics(
    text: str, *, default_kind: str | None = None, zone: zoneinfo.ZoneInfo | None = None
) -> ParseResult:
    """Events of an .ics file; times are read in ``zone`` (the institution's)."""
    result = ParseResult(format="ics")
    zone = zone or zoneinfo.ZoneInfo(settings.TIME_ZONE)
    lines = _unfolded_lines(text)
    problem = _structure_problem(lines)
    if problem is not None:
        result.errors.append(
            Issue(f"el archivo .ics no se puede leer: {problem.reason}", problem.line, problem.text)
        )
        return result
    try:
        calendar = Calendar.from_ical(text)
    except ValueError:
        # The checks above catch what we know; icalendar's own message is in English.
        result.errors.append(
            Issue(
                "el archivo .ics no se puede leer: no tiene la estructura de un calendario.", 1, ""
            )
        )
        return result
    from_quorum = str(calendar.get("PRODID", "")) == ical.PRODID
    event_lines = [number for number, line in lines if line.strip().upper() == "BEGIN:VEVENT"]
    for index, event in enumerate(calendar.walk("VEVENT")):
        line = event_lines[index] if index < len(event_lines) else 1
        row = _read_event(event, line, lines, result, default_kind, zone, from_quorum)
        if row is not None:
            result.rows.append(row)
    return result


def _unfolded_lines(text: str) -> list[tuple[int, str]]:
    """The content lines with the number of the line each starts on (RFC 5545 folding)."""
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line[:1] in (" ", "\t") and lines:
            first, previous = lines[-1]
            lines[-1] = (first, previous + line[1:])
        elif line.strip():
            lines.append((number, line))
    return lines


def _structure_problem(lines: list[tuple[int, str]]) -> Issue | None:
    """The first line that is not a property, or a BEGIN without its END; in Spanish."""
    open_components: list[tuple[int, str]] = []
    for number, line in lines:
        name = line.split(":", 1)[0].split(";", 1)[0]
        if ":" not in line or not _NAME.match(name):
            return Issue(
                "la línea no es una propiedad iCalendar (NOMBRE:valor).", number, line.strip()
            )
        upper = line.strip().upper()
        if upper.startswith("BEGIN:"):
            open_components.append((number, upper.removeprefix("BEGIN:")))
        elif upper.startswith("END:"):
            component = upper.removeprefix("END:")
            if not open_components or open_components[-1][1] != component:
                expected = (
                    f"se esperaba END:{open_components[-1][1]}"
                    if open_components
                    else "no hay ningún BEGIN abierto"
                )
                return Issue(f"cierre inesperado: {expected}.", number, line.strip())
            open_components.pop()
    if open_components:
        number, component = open_components[-1]
        return Issue(
            f"falta END:{component} para este BEGIN:{component}; el archivo está incompleto.",
            number,
            f"BEGIN:{component}",
        )
    return None


def _property_line(lines, start: int, name: str) -> tuple[int, str]:
    """Where ``name`` is written in the event that starts at line ``start``."""
    for number, line in lines:
        if number < start:
            continue
        if line.upper().startswith(("END:VEVENT",)):
            break
        try:
            if Contentline(line).parts()[0].upper() == name:
                return number, line.strip()
        except ValueError:
            continue
    return start, name


def _read_event(event, line, lines, result, default_kind, zone, from_quorum) -> CalendarRow | None:
    summary = str(event.get("SUMMARY", "")).strip()
    label = summary or str(event.get("UID", "")) or "VEVENT"
    broken = {name for name, _message in event.errors if name}
    for name in sorted(broken - {"DTSTART", "DTEND", "DURATION"}):
        where, text = _property_line(lines, line, name)
        result.warnings.append(
            Issue(f"se ignora la propiedad {name}, que no se puede leer.", where, text)
        )
    if "DTSTART" in broken or "DTSTART" not in event:
        where, text = _property_line(lines, line, "DTSTART")
        result.errors.append(
            Issue(
                "la fecha de inicio (DTSTART) no se puede leer; escríbala como 20240130 o "
                "20240130T100000."
                if "DTSTART" in broken
                else "el evento no tiene DTSTART (fecha de inicio).",
                where if "DTSTART" in broken else line,
                text if "DTSTART" in broken else label,
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
    status = _STATUSES.get(str(event.get("STATUS", "")).upper(), "")
    if from_quorum:
        # Quórum's own export: the generated DESCRIPTION is not notes.
        notes = str(event.get(ical.PROPERTY_NOTES, "")).strip()
        # A program that cancels the event sets STATUS and leaves our property as it was.
        status = status or str(event.get(ical.PROPERTY_STATUS, "")).strip()
        session_type = _quorum_type(event)
    else:
        notes = str(event.get("DESCRIPTION", "")).strip()
        session_type = None
    if session_type is None:
        try:
            session_type = parse_description(_without_committee(summary))
        except CalendarParseError as error:
            if default_kind is None:
                result.errors.append(Issue(f"{error} (SUMMARY)", line, label))
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
    if place and place == video_link:
        place = ""
    try:
        sequence = max(int(str(event.get("SEQUENCE", 0))), 0)
    except ValueError:
        sequence = 0
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
        uid=str(event.get("UID", "")).strip(),
        sequence=sequence,
        status=status,
    )


def _quorum_type(event) -> SessionType | None:
    kind = str(event.get(ical.PROPERTY_KIND, "")).strip()
    if kind not in KIND_CODES:
        return None
    number = str(event.get(ical.PROPERTY_NUMBER, "")).strip()
    role = str(event.get(ical.PROPERTY_ROLE, "")).strip()
    return SessionType(
        kind,
        int(number) if number.isdigit() and int(number) > 0 else None,
        role if role in Session.Role.values else "",
    )


def _without_committee(summary: str) -> str:
    """ "COTAPREP: Segunda sesión ordinaria" → "Segunda sesión ordinaria"."""
    head, separator, rest = summary.partition(": ")
    if separator and rest and len(head) <= 40:
        try:
            parse_description(rest)
        except CalendarParseError:
            return summary
        return rest
    return summary


def _in_zone(value: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    # A floating time (no zone) is the institution's local time.
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value.astimezone(zone)
