"""
Check the rows read from any format against the committee, and write all of them or none.

An event already known by its UID — one that Quórum exported (``ical.session_uid``) or one
imported before (``Session.source_uid``) — is not a new session: when its SEQUENCE is
higher than the one last seen, the session is updated through the same services as the
admin's (``postpone_session``, ``cancel_session``, ``change_schedule``); otherwise it
is reported as current. Importing the same file twice changes nothing.
"""

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction

from committees.models import Committee
from committees.spanish import long_date

from .. import ical
from ..models import Session
from ..services import cancel_session, change_schedule, postpone_session
from .base import CalendarRow, Issue, Kind, Role
from .parse import parse_calendar

# A session more than this far from the election day is probably a typo in the year.
ELECTION_DAY_RANGE = datetime.timedelta(days=365)
CHANGE_REASON = "Importación de calendario"
Status = Session.Status


@dataclasses.dataclass
class PlannedSession:
    row: CalendarRow
    session: Session


@dataclasses.dataclass
class SessionUpdate:
    """A known session (matched by UID) that the imported calendar changed."""

    row: CalendarRow
    session: Session
    # What changes, in Spanish, for the preview: "fecha: 26 de enero → 30 de enero de 2024".
    changes: list[str]
    cancel: bool = False


@dataclasses.dataclass
class ImportReport:
    """What an import creates, updates (or would), finds current, skips, warns about, refuses."""

    format: str
    planned: list[PlannedSession] = dataclasses.field(default_factory=list)
    updates: list[SessionUpdate] = dataclasses.field(default_factory=list)
    current: list[Issue] = dataclasses.field(default_factory=list)
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

    @property
    def changed(self) -> list[SessionUpdate]:
        """The updates that change the session (not only the version seen)."""
        return [update for update in self.updates if update.changes]

    @property
    def has_changes(self) -> bool:
        return bool(self.planned or self.changed)

    @property
    def summary(self) -> str:
        """One sentence for the whole import, as the preview and the command show it."""
        if self.errors:
            return _count(
                len(self.errors),
                "Hay {n} problema: no se importará nada hasta corregirlo.",
                "Hay {n} problemas: no se importará nada hasta corregirlos.",
            )
        created = len(self.planned)
        updated = len(self.changed)
        if self.written:
            parts = [
                _count(created, "se creó {n} sesión", "se crearon {n} sesiones") if created else "",
                _count(updated, "se actualizó {n}", "se actualizaron {n}") if updated else "",
            ]
        else:
            parts = [
                _count(created, "se creará {n} sesión", "se crearán {n} sesiones")
                if created
                else "",
                _count(updated, "se actualizará {n}", "se actualizarán {n}") if updated else "",
            ]
        parts = [part for part in parts if part]
        sentence = " y ".join(parts) if parts else "no hay cambios que importar"
        rest = []
        if self.current:
            rest.append(_count(len(self.current), "{n} ya está al día", "{n} ya están al día"))
        if self.duplicates:
            rest.append(
                _count(
                    len(self.duplicates), "{n} se omite por repetida", "{n} se omiten por repetidas"
                )
            )
        if rest:
            sentence += f" ({'; '.join(rest)})"
        return sentence[0].upper() + sentence[1:] + "."


def _count(n: int, singular: str, plural: str) -> str:
    return (singular if n == 1 else plural).format(n=n)


def committee_session_kind(committee: Committee) -> str:
    """The kind a row takes when it does not say its own: the committee's usual meeting."""
    if committee.kind == Committee.Kind.WORKING_GROUP:
        return Kind.WORKING_GROUP
    return Kind.ORDINARY


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
    Check every row against the committee and create all the new sessions and apply all
    the updates, or nothing. Rows without a kind take ``default_kind``, or the
    committee's (``committee_session_kind``). Rows that repeat an existing session (same
    kind and date) are skipped. A row without a number takes the next free number of its
    kind, in date order; numbers given by the input are kept. ``on_created`` runs for each
    new session, in date order (the composing layer passes
    ``agendas.services.add_standard_agenda``: sessions cannot import agendas).
    """
    default_kind = default_kind or committee_session_kind(committee)
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
        # One import at a time per committee: numbers, duplicates and versions are decided
        # below. Its sessions are locked after it, in one statement, before any change.
        list(Committee.objects.select_for_update().filter(pk=committee.pk).values_list("pk"))
        existing = list(committee.sessions.select_for_update().order_by("pk"))
        new_rows = _match_known(parsed.rows, existing, report)
        report.planned = _plan(committee, new_rows, existing, report)
        _warn_term(committee, report)
        _warn_number_order(existing, report)
        report.errors.sort(key=lambda issue: issue.line or 0)
        report.warnings.sort(key=lambda issue: issue.line or 0)
        if report.errors or dry_run:
            return report
        try:
            _apply_updates(report.updates, filename)
        except _UpdateRefused as refused:
            row = refused.update.row
            report.errors.append(Issue(" ".join(refused.error.messages), row.line, row.text))
            transaction.set_rollback(True)
            return report
        for planned in report.planned:
            session = planned.session
            session._change_reason = CHANGE_REASON
            session.save()
            if on_created is not None:
                on_created(session)
        report.written = True
    return report


def _match_known(rows: list[CalendarRow], existing: list[Session], report: ImportReport):
    """
    Split the rows: those whose UID names a session of the committee become updates (or
    are current); the others are returned, to be created. Rows the calendar marks as
    cancelled or held are never created.
    """
    by_uid: dict[str, tuple[Session, bool]] = {}
    for session in existing:
        by_uid[ical.session_uid(session)] = (session, False)
    for session in existing:
        if session.source_uid:
            by_uid[session.source_uid] = (session, True)
    seen_uids: dict[str, CalendarRow] = {}
    new_rows = []
    for row in rows:
        if row.uid and row.uid in seen_uids:
            report.duplicates.append(
                Issue(
                    f"repite el evento (UID) de la línea {seen_uids[row.uid].line}; se omite.",
                    row.line,
                    row.text,
                )
            )
            continue
        if row.uid:
            seen_uids[row.uid] = row
        known = by_uid.get(row.uid) if row.uid else None
        if known is not None:
            _sync(row, *known, report)
        elif row.status == Status.CANCELLED:
            report.warnings.append(
                Issue("el evento está cancelado; no se importa.", row.line, row.text)
            )
        elif row.status == Status.HELD:
            report.warnings.append(
                Issue(
                    "el calendario de origen dice que esta sesión ya se celebró; no se importa "
                    "como programada.",
                    row.line,
                    row.text,
                )
            )
        else:
            new_rows.append(row)
    return new_rows


def _sync(row: CalendarRow, session: Session, by_source: bool, report: ImportReport) -> None:
    """Decide what a known event does to its session; nothing is written here."""
    name = f"la {session.reference} del {long_date(session.date)}"
    seen = session.source_sequence or 0
    if not by_source:
        # Quórum's own event: its SEQUENCE is the session's revision.
        seen = max(session.revision, seen)
    if row.sequence <= seen:
        report.current.append(
            Issue(f"{name} ya está al día (versión {row.sequence}).", row.line, row.text)
        )
        return
    changes = _changes(session, row)
    cancel = row.status == Status.CANCELLED and session.status != Status.CANCELLED
    in_course = session.opened_at is not None and session.status == Status.CONVENED
    if session.status == Status.HELD or in_course:
        if changes or cancel:
            state = "se celebró" if session.status == Status.HELD else "está en curso"
            report.warnings.append(
                Issue(f"{name} ya {state}: el calendario no la cambia.", row.line, row.text)
            )
        else:
            report.current.append(Issue(f"{name} ya está al día.", row.line, row.text))
        return
    if session.status == Status.CANCELLED:
        if row.status != Status.CANCELLED:
            report.warnings.append(
                Issue(
                    f"{name} está cancelada en Quórum; un calendario no la reactiva.",
                    row.line,
                    row.text,
                )
            )
        else:
            report.current.append(Issue(f"{name} ya está cancelada.", row.line, row.text))
        return
    if row.status == Status.HELD:
        report.warnings.append(
            Issue(
                f"el calendario de origen da por celebrada {name}; registre su celebración en "
                "la página de la sesión.",
                row.line,
                row.text,
            )
        )
        return
    if cancel:
        changes = ["se cancela"]
    elif row.end_time is not None and row.start_time is None:
        report.errors.append(
            Issue("la hora de término requiere hora de inicio.", row.line, row.text)
        )
        return
    report.updates.append(SessionUpdate(row=row, session=session, changes=changes, cancel=cancel))


def _time(value: datetime.time | None) -> str:
    return f"{value:%H:%M}" if value else "sin hora"


def _changes(session: Session, row: CalendarRow) -> list[str]:
    changes = []
    if row.date != session.date:
        changes.append(f"fecha: {long_date(session.date)} → {long_date(row.date)}")
    if (row.start_time, row.end_time) != (session.start_time, session.end_time):
        before = _time(session.start_time) + (
            f"–{_time(session.end_time)}" if session.end_time else ""
        )
        after = _time(row.start_time) + (f"–{_time(row.end_time)}" if row.end_time else "")
        changes.append(f"horario: {before} → {after}")
    if row.place != session.place:
        changes.append(f"lugar: «{session.place or 'sin lugar'}» → «{row.place or 'sin lugar'}»")
    if row.video_link != session.video_link:
        changes.append(
            f"enlace: «{session.video_link or 'sin enlace'}» → «{row.video_link or 'sin enlace'}»"
        )
    return changes


class _UpdateRefused(Exception):
    def __init__(self, update: SessionUpdate, error: ValidationError):
        super().__init__(update, error)
        self.update, self.error = update, error


def _apply_updates(updates: list[SessionUpdate], filename: str | None) -> None:
    """Each update through the lifecycle services; a refusal raises (the caller rolls back)."""
    for update in updates:
        try:
            _apply_update(update, filename)
        except ValidationError as error:
            raise _UpdateRefused(update, error) from error


def _apply_update(update: SessionUpdate, filename: str | None) -> None:
    source = f" ({filename})" if filename else ""
    reason = f"Cambio en el calendario importado{source}."
    session, row = update.session, update.row
    if update.cancel:
        cancel_session(session, reason=f"Cancelada en el calendario importado{source}.")
    elif update.changes:
        details = (row.place, row.video_link) != (session.place, session.video_link)
        cleared_time = row.start_time is None and session.start_time is not None
        if row.date > session.date:
            if details or cleared_time:
                # Place, link or an all-day day first, quietly: one notice, the new date's.
                change_schedule(
                    session,
                    date=session.date,
                    start_time=row.start_time,
                    end_time=row.end_time,
                    place=row.place,
                    video_link=row.video_link,
                    reason=reason,
                    notify=False,
                )
            postpone_session(
                session,
                new_date=row.date,
                reason=reason,
                new_start_time=row.start_time,
                new_end_time=row.end_time,
            )
        else:
            change_schedule(
                session,
                date=row.date,
                start_time=row.start_time,
                end_time=row.end_time,
                place=row.place,
                video_link=row.video_link,
                reason=reason,
            )
    Session.objects.filter(pk=session.pk).update(source_sequence=row.sequence)


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
            source_uid=row.uid,
            source_sequence=row.sequence if row.uid else None,
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
