"""
Check the rows read from any format against the committee, and write all of them or none.
"""

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction

from committees.models import Committee
from committees.spanish import long_date

from ..models import Session
from .base import CalendarRow, Issue, Kind, Role
from .parse import parse_calendar

# A session more than this far from the election day is probably a typo in the year.
ELECTION_DAY_RANGE = datetime.timedelta(days=365)
CHANGE_REASON = "Importación de calendario"


@dataclasses.dataclass
class PlannedSession:
    row: CalendarRow
    session: Session


@dataclasses.dataclass
class ImportReport:
    """What an import creates (or would create), skips, warns about and refuses."""

    format: str
    planned: list[PlannedSession] = dataclasses.field(default_factory=list)
    duplicates: list[Issue] = dataclasses.field(default_factory=list)
    warnings: list[Issue] = dataclasses.field(default_factory=list)
    errors: list[Issue] = dataclasses.field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def sessions(self) -> list[Session]:
        return [planned.session for planned in self.planned]


def import_calendar(
    committee: Committee,
    data: str | bytes,
    *,
    filename: str | None = None,
    default_kind: str | None = None,
    dry_run: bool = False,
    on_created: Callable[[Session], None] | None = None,
) -> ImportReport:
    """
    Check every row against the committee and create all the new sessions, or none.
    Rows that repeat an existing session (same kind and date) are skipped. A row without
    a number takes the next free number of its kind, in date order; numbers given by the
    input are kept. ``on_created`` runs for each new session, in date order (the composing
    layer passes ``agendas.services.add_standard_agenda``: sessions cannot import agendas).
    """
    parsed = parse_calendar(data, filename=filename, default_kind=default_kind, zone=committee.zone)
    report = ImportReport(
        format=parsed.format,
        errors=list(parsed.errors),
        warnings=list(parsed.warnings),
        dry_run=dry_run,
    )
    if not parsed.rows:
        return report
    with transaction.atomic():
        # One import at a time per committee: numbers and duplicates are decided below.
        list(Committee.objects.select_for_update().filter(pk=committee.pk).values_list("pk"))
        existing = list(committee.sessions.all())
        report.planned = _plan(committee, parsed.rows, existing, report)
        _warn_term(committee, report)
        _warn_number_order(existing, report)
        report.errors.sort(key=lambda issue: issue.line or 0)
        report.warnings.sort(key=lambda issue: issue.line or 0)
        if report.errors or dry_run:
            return report
        for planned in report.planned:
            session = planned.session
            session._change_reason = CHANGE_REASON
            session.save()
            if on_created is not None:
                on_created(session)
        report.written = True
    return report


def _plan(
    committee: Committee, rows: list[CalendarRow], existing: list[Session], report: ImportReport
) -> list[PlannedSession]:
    by_kind_date = {(session.kind, session.date): session for session in existing}
    by_kind_number = {(session.kind, session.number): session for session in existing}
    roles = {session.role: session for session in existing if session.role}
    seen: dict[tuple, CalendarRow] = {}
    fresh: list[CalendarRow] = []
    for row in rows:
        duplicate = by_kind_date.get((row.kind, row.date))
        if duplicate is not None:
            report.duplicates.append(
                Issue(
                    f"ya existe la {duplicate.reference} del {long_date(duplicate.date)}; "
                    "no se duplica.",
                    row.line,
                    row.text,
                )
            )
            continue
        earlier = seen.get((row.kind, row.date))
        if earlier is not None and (earlier.number is None or row.number in (None, earlier.number)):
            report.duplicates.append(
                Issue(
                    f"repite la fila de la línea {earlier.line}; no se duplica.", row.line, row.text
                )
            )
            continue
        seen[(row.kind, row.date)] = row
        fresh.append(row)

    numbers = defaultdict(set)
    for session in existing:
        numbers[session.kind].add(session.number)
    taken: dict[tuple, CalendarRow] = {}
    for row in fresh:
        if row.number is None:
            continue
        if (row.kind, row.number) in taken:
            other = taken[(row.kind, row.number)]
            report.errors.append(
                Issue(
                    f"el número {row.number} de {_kind_label(row.kind)} ya lo usa la fila de "
                    f"la línea {other.line}.",
                    row.line,
                    row.text,
                )
            )
        taken[(row.kind, row.number)] = row
        numbers[row.kind].add(row.number)
    by_date = sorted(
        fresh, key=lambda row: (row.date, row.start_time or datetime.time.min, row.line)
    )
    for row in by_date:
        if row.number is None:
            row.number = max(numbers[row.kind], default=0) + 1
            numbers[row.kind].add(row.number)

    planned = []
    role_rows: dict[str, CalendarRow] = {}
    for row in by_date:
        problems = []
        clash = by_kind_number.get((row.kind, row.number))
        if clash is not None:
            problems.append(
                f"ya existe la {clash.reference} ({long_date(clash.date)}) con ese número."
            )
        if row.role:
            holder = roles.get(row.role)
            if holder is not None:
                problems.append(
                    f"el órgano ya tiene sesión de {_role_label(row.role)} "
                    f"({long_date(holder.date)})."
                )
            elif row.role in role_rows:
                problems.append(
                    f"la fila de la línea {role_rows[row.role].line} ya es la sesión de "
                    f"{_role_label(row.role)}."
                )
            role_rows.setdefault(row.role, row)
        session = Session(
            committee=committee,
            kind=row.kind,
            number=row.number,
            role=row.role,
            date=row.date,
            start_time=row.start_time,
            end_time=row.end_time,
            place=row.place,
            video_link=row.video_link,
            notes=row.notes,
        )
        try:
            # Uniqueness is checked above, against the sessions loaded once: no query per row.
            session.full_clean(
                exclude=["committee"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            problems += error.messages
        for problem in problems:
            report.errors.append(Issue(problem, row.line, row.text))
        planned.append(PlannedSession(row=row, session=session))
    return planned


def _kind_label(kind: str) -> str:
    return str(Kind(kind).label).lower()


def _role_label(role: str) -> str:
    return str(Role(role).label).lower()


def _warn_term(committee: Committee, report: ImportReport) -> None:
    """A date outside the committee's term, or far from election day, is probably a typo."""
    start, end = committee.installed_on, committee.closed_on
    election_day = committee.election_day
    for planned in report.planned:
        row = planned.row
        reason = None
        if start and row.date < start:
            reason = f"es anterior a la instalación del órgano ({long_date(start)})."
        elif end and row.date > end:
            reason = f"es posterior a la conclusión del órgano ({long_date(end)})."
        elif election_day and abs(row.date - election_day) > ELECTION_DAY_RANGE:
            reason = f"está a más de un año de la jornada electoral ({long_date(election_day)})."
        if reason:
            report.warnings.append(
                Issue(f"la fecha ({long_date(row.date)}) {reason}", row.line, row.text)
            )


def _warn_number_order(existing: list[Session], report: ImportReport) -> None:
    """Within a kind, numbers should follow the dates (existing sessions included)."""
    new = {id(planned.session): planned.row for planned in report.planned}
    by_kind = defaultdict(list)
    for session in [*existing, *report.sessions]:
        by_kind[session.kind].append(session)
    for sessions in by_kind.values():
        sessions.sort(key=lambda session: session.number)
        for previous, session in zip(sessions, sessions[1:], strict=False):
            if session.date >= previous.date:
                continue
            row = new.get(id(session)) or new.get(id(previous))
            if row is None:
                continue
            report.warnings.append(
                Issue(
                    f"la {session.reference} ({long_date(session.date)}) es anterior a la "
                    f"{previous.reference} ({long_date(previous.date)}): los números no siguen "
                    "el orden de las fechas.",
                    row.line,
                    row.text,
                )
            )
