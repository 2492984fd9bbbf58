"""
Workflows on sessions: numbering, convening, quorum, opening, closing, postponing.

Convening, and postponing or cancelling a session that was convened, e-mail a notice to
its participants once the transaction commits (``notifications.announce``); a caller
that must not e-mail anyone passes ``notify=False``.
"""

import dataclasses
import datetime
import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from committees.models import Committee, Membership, rule_parameters
from committees.spanish import long_date

from . import notifications
from .folios import issue_convocatoria_folio
from .models import Attendance, NoticeDelivery, Session
from .seal import SealedRecordError

# Numbers are moved out of the way by this much while they are rewritten, so that the
# unique (committee, kind, number) constraint holds after every single UPDATE.
_RENUMBER_OFFSET = 10_000


def is_number_frozen(session: Session) -> bool:
    """Once a session has been convened (or held, or cancelled) its number never changes."""
    return session.convened_at is not None or session.status in (
        Session.Status.CONVENED,
        Session.Status.HELD,
        Session.Status.CANCELLED,
    )


def next_session_number(committee: Committee, kind: str) -> int:
    """The number a new session of ``kind`` takes before it is placed in date order."""
    numbers = committee.sessions.filter(kind=kind).values_list("number", flat=True)
    return max(numbers, default=0) + 1


@transaction.atomic
def renumber_sessions(committee: Committee, kind: str) -> None:
    """
    Number the not-yet-convened sessions of one kind in date order, around the frozen
    numbers of those already convened.
    """
    sessions = list(
        Session.objects.select_for_update()
        .filter(committee=committee, kind=kind)
        .order_by("date", F("start_time").asc(nulls_first=True), "pk")
    )
    frozen = {s.number for s in sessions if is_number_frozen(s)}
    free = [s for s in sessions if not is_number_frozen(s)]
    wanted = {}
    number = 0
    for session in free:
        number += 1
        while number in frozen:
            number += 1
        wanted[session.pk] = number
    changed = [s for s in free if s.number != wanted[s.pk]]
    if not changed:
        return
    Session.objects.filter(pk__in=[s.pk for s in changed]).update(
        number=F("number") + _RENUMBER_OFFSET
    )
    for session in changed:
        Session.objects.filter(pk=session.pk).update(number=wanted[session.pk])
        session.number = wanted[session.pk]


def _locked(session: Session) -> Session:
    """
    Lock the session's row until the transaction ends and bring the caller's instance up
    to date (renumbering may have moved its number), so every holder of it sees the change.
    """
    Session.objects.select_for_update().filter(pk=session.pk).values_list("pk").get()
    session.refresh_from_db()
    return session


def lock_open_record(session: Session) -> Session:
    """
    Lock the session and refuse if its record is sealed (its acta is approved): the first
    step of every service that writes the record of a session.
    """
    session = _locked(session)
    if session.sealed:
        raise SealedRecordError()
    return session


def as_user(instance, by):
    """Name ``by`` as the author of the history record this instance's save writes."""
    if by is not None:
        instance._history_user = by
    return instance


def local_today(committee: Committee) -> datetime.date:
    """Today in the institution's time zone: the day that decides what may be held."""
    return timezone.localdate(timezone=committee.zone)


def at_session_time(session: Session, time: datetime.time) -> datetime.datetime:
    """A time of the session's own day, as an aware moment in the institution's zone."""
    return datetime.datetime.combine(session.date, time, tzinfo=session.committee.zone)


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indique el motivo.")})
    return reason


def _move(
    session: Session,
    *,
    verb: str,
    new_date: datetime.date,
    reason: str,
    new_start_time: datetime.time | None,
    new_end_time: datetime.time | None,
    status: str,
    notify: bool,
) -> Session:
    """Move a session not yet held to ``new_date``, keeping why, when and its first date."""
    reason = _require_reason(reason)
    session = _locked(session)
    if session.opened_at is not None and session.status == Session.Status.CONVENED:
        raise ValidationError(_("No se puede %(verb)s una sesión en curso.") % {"verb": verb})
    if session.status in (Session.Status.HELD, Session.Status.CANCELLED):
        raise ValidationError(
            _("No se puede %(verb)s una sesión %(status)s.")
            % {"verb": verb, "status": session.get_status_display().lower()}
        )
    session.rescheduled_from = session.rescheduled_from or session.date
    session.date = new_date
    if new_start_time is not None:
        session.start_time = new_start_time
        session.end_time = new_end_time
    session.status = status
    session.status_reason = reason
    session.status_changed_at = timezone.now()
    session.full_clean()
    session.save()
    renumber_sessions(session.committee, session.kind)
    session.refresh_from_db()
    if notify and notifications.was_convened(session):
        notifications.announce(session, NoticeDelivery.Kind.RESCHEDULING)
    return session


@transaction.atomic
def postpone_session(
    session: Session,
    *,
    new_date: datetime.date,
    reason: str,
    new_start_time: datetime.time | None = None,
    new_end_time: datetime.time | None = None,
    notify: bool = True,
) -> Session:
    """
    Move a session that has not been held to a later date, keeping why and when; if it
    had been convened, its participants get the new date by e-mail.
    """
    if new_date <= _locked(session).date:
        raise ValidationError(
            {"new_date": _("La nueva fecha debe ser posterior a la fecha actual de la sesión.")}
        )
    return _move(
        session,
        verb=_("posponer"),
        new_date=new_date,
        reason=reason,
        new_start_time=new_start_time,
        new_end_time=new_end_time,
        status=Session.Status.POSTPONED,
        notify=notify,
    )


@transaction.atomic
def reschedule_session(
    session: Session,
    *,
    new_date: datetime.date,
    reason: str,
    new_start_time: datetime.time | None = None,
    new_end_time: datetime.time | None = None,
    notify: bool = True,
) -> Session:
    """
    Change the date of a session not yet held, earlier or later, keeping its status (a
    session that is held on another day than planned is first moved to it, with the
    reason); if it had been convened, its participants get the new date by e-mail.
    """
    if new_date == _locked(session).date:
        raise ValidationError({"new_date": _("Indique una fecha distinta de la actual.")})
    return _move(
        session,
        verb=_("cambiar la fecha de"),
        new_date=new_date,
        reason=reason,
        new_start_time=new_start_time,
        new_end_time=new_end_time,
        status=session.status,
        notify=notify,
    )


@transaction.atomic
def cancel_session(session: Session, *, reason: str, notify: bool = True) -> Session:
    """
    Cancel a session that has not been held; it stays in the calendar as cancelled. If it
    had been convened, its participants get a cancellation notice by e-mail.
    """
    reason = _require_reason(reason)
    session = _locked(session)
    if session.opened_at is not None and session.status == Session.Status.CONVENED:
        raise ValidationError(_("No se puede cancelar una sesión en curso."))
    if session.status in (Session.Status.HELD, Session.Status.CANCELLED):
        raise ValidationError(
            _("No se puede cancelar una sesión %(status)s.")
            % {"status": session.get_status_display().lower()}
        )
    session.status = Session.Status.CANCELLED
    session.status_reason = reason
    session.status_changed_at = timezone.now()
    session.save()
    if notify and notifications.was_convened(session):
        notifications.announce(session, NoticeDelivery.Kind.CANCELLATION)
    return session


# Attendance is taken once the session is convened (and corrected after it is held).
ROLL_CALL_STATUSES = (Session.Status.CONVENED, Session.Status.HELD)


def roll_call_closed_by(session: Session) -> str:
    """Why the attendance of ``session`` may not be recorded now, if it may not."""
    if session.sealed:
        return str(SealedRecordError().message)
    if session.status not in ROLL_CALL_STATUSES:
        return _("La asistencia se registra una vez convocada la sesión.")
    return ""


def _check_roll_call_open(session: Session) -> None:
    if session.sealed:
        raise SealedRecordError()
    if reason := roll_call_closed_by(session):
        raise ValidationError(reason)


@transaction.atomic
def record_attendance(
    session: Session,
    membership: Membership,
    status: str,
    *,
    arrival_time: datetime.time | None = None,
    by=None,
) -> Attendance:
    """Record (or correct) whether a person was at a session; only people of its committee."""
    session = lock_open_record(session)
    _check_roll_call_open(session)
    return _write_attendance(session, membership, status, arrival_time=arrival_time, by=by)


def _write_attendance(session, membership, status, *, arrival_time, by) -> Attendance:
    attendance = Attendance.objects.filter(session=session, membership=membership).first()
    attendance = attendance or Attendance(session=session, membership=membership)
    attendance.status = status
    attendance.arrival_time = arrival_time
    attendance.recorded_by = by
    attendance.full_clean()
    as_user(attendance, by).save()
    return attendance


@transaction.atomic
def record_roll_call(
    session: Session,
    answers: list[tuple[Membership, str, datetime.time | None]],
    *,
    by=None,
) -> int:
    """
    Record a whole roll call: every answer that differs from what is stored, all of them or
    (on any refusal) none. Returns how many seats changed.
    """
    session = lock_open_record(session)
    _check_roll_call_open(session)
    stored = {
        attendance.membership_id: (attendance.status, attendance.arrival_time)
        for attendance in session.attendances.all()
    }
    changed = 0
    for membership, status, arrival in answers:
        if stored.get(membership.pk) == (status, arrival):
            continue
        _write_attendance(session, membership, status, arrival_time=arrival, by=by)
        changed += 1
    return changed


# --- Convening, quorum, opening and closing ------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Quorum:
    """Who counts for the quorum of a session, and whether it is met."""

    voting_members: int
    present: int
    required: int

    @property
    def is_met(self) -> bool:
        return self.voting_members > 0 and self.present >= self.required

    def __str__(self) -> str:
        members = ngettext(
            "Presentes %(present)s de %(members)s integrante con voto",
            "Presentes %(present)s de %(members)s integrantes con voto",
            self.voting_members,
        ) % {"present": self.present, "members": self.voting_members}
        return _("%(members)s; se requieren %(required)s.") % {
            "members": members,
            "required": self.required,
        }


def required_for_quorum(voting_members: int, rule: str) -> int:
    """How many members with vote make the quorum under the committee's rule (SES-04)."""
    if rule == "majority":
        return voting_members // 2 + 1
    if rule == "two_thirds":
        return math.ceil(voting_members * 2 / 3)
    if rule == "all":
        return voting_members
    raise ValidationError(_("Regla de quórum desconocida: «%(rule)s».") % {"rule": rule})


def preview_quorum(session: Session, memberships, statuses: dict[int, str]) -> Quorum:
    """
    The quorum a roll call would give before it is saved: the rule of compute_quorum
    (members with vote active on the date, present in the room or remotely) applied to the
    seats on the page (``memberships``, already active on the date) and the answers typed.
    """
    voting = [membership for membership in memberships if membership.has_vote]
    present = sum(statuses.get(m.pk) in Attendance.PRESENT_STATUSES for m in voting)
    rule = rule_parameters(session.committee, "SES-04")["quorum"]
    return Quorum(
        voting_members=len(voting),
        present=present,
        required=required_for_quorum(len(voting), rule),
    )


def compute_quorum(session: Session) -> Quorum:
    """
    Only members with vote whose term covers the session's date count, present in the
    room or remotely; the technical secretary, guests and representatives never do.
    """
    voting = Membership.objects.filter(committee_id=session.committee_id).with_vote()
    voting = voting.active_on(session.date)
    present = session.attendances.filter(
        membership__in=voting, status__in=Attendance.PRESENT_STATUSES
    ).count()
    members = voting.count()
    rule = rule_parameters(session.committee, "SES-04")["quorum"]
    return Quorum(
        voting_members=members, present=present, required=required_for_quorum(members, rule)
    )


def notice_hours(session: Session) -> int:
    """The committee's notice period for this kind of session (SES-01), in hours."""
    return rule_parameters(session.committee, "SES-01")[f"{session.kind}_hours"]


def refuse_convening(session: Session) -> None:
    """Raise why ``session`` cannot be convened (its status, an empty agenda), if so."""
    if session.status not in (Session.Status.PLANNED, Session.Status.POSTPONED):
        raise ValidationError(
            _("Solo se convoca una sesión programada o pospuesta; esta está %(status)s.")
            % {"status": session.get_status_display().lower()}
        )
    if not session.points.exists():
        raise ValidationError(_("Agregue al menos un punto al orden del día antes de convocar."))


@transaction.atomic
def convene_session(
    session: Session, *, now: datetime.datetime | None = None, notify: bool = True
) -> list[str]:
    """
    Convene a planned (or postponed) session: it needs an agenda; its number is frozen
    from now on, and the convocation is e-mailed to its participants. Returns warnings,
    e.g. a notice shorter than the committee's rule.
    """
    session = _locked(session)
    now = now or timezone.now()
    refuse_convening(session)
    session.status = Session.Status.CONVENED
    session.convened_at = now
    session.save()
    # In this transaction: a convocation that fails leaves no oficio number taken.
    issue_convocatoria_folio(session, now=now)
    if notify:
        notifications.announce(session, NoticeDelivery.Kind.CONVOCATION)
    warnings = []
    starts = session.starts_at or datetime.datetime.combine(
        session.date, datetime.time.min, tzinfo=session.committee.zone
    )
    hours = notice_hours(session)
    if starts - now < datetime.timedelta(hours=hours):
        warnings.append(
            _(
                "La convocatoria se envía con menos de %(hours)s horas de anticipación, el "
                "plazo del órgano para una %(kind)s."
            )
            % {"hours": hours, "kind": session.get_kind_display().lower()}
        )
    return warnings


def _refuse_before_its_date(session: Session, verb: str, today: datetime.date | None) -> None:
    today = today or local_today(session.committee)
    if session.date > today:
        raise ValidationError(
            _(
                "La sesión está programada para el %(day)s: no se puede %(verb)s antes de esa "
                "fecha. Si se celebró en otra fecha, primero cambie su fecha e indique el motivo."
            )
            % {"day": long_date(session.date), "verb": verb}
        )


@transaction.atomic
def open_session(
    session: Session, *, started_at: datetime.time, today: datetime.date | None = None
) -> Quorum:
    """
    Declare the quorum and open a convened session at the time the secretariat states
    (the record may be entered after the day it was held, never before it); refused when
    there is no quorum.
    """
    session = lock_open_record(session)
    if session.status != Session.Status.CONVENED or session.opened_at is not None:
        raise ValidationError(_("Solo se abre una sesión convocada que aún no ha comenzado."))
    _refuse_before_its_date(session, _("abrir"), today)
    if started_at is None:
        raise ValidationError({"started_at": _("Indique la hora en que inició la sesión.")})
    quorum = compute_quorum(session)
    if not quorum.is_met:
        raise ValidationError(_("No hay quórum. %(detail)s") % {"detail": quorum})
    session.opened_at = at_session_time(session, started_at)
    session.quorum_present = quorum.present
    session.quorum_required = quorum.required
    session.save()
    return quorum


def undecided_points(session: Session):
    """Points for approval of the session with neither a vote nor a stated disposition."""
    return session.points.undecided().order_by("position")


def _check_closing_time(session: Session, ended_at: datetime.time | None) -> None:
    if ended_at is None:
        raise ValidationError({"ended_at": _("Indique la hora en que se clausuró la sesión.")})
    started = timezone.localtime(session.opened_at, session.committee.zone).time()
    if ended_at <= started:
        raise ValidationError(
            {
                "ended_at": _("La hora de clausura debe ser posterior a la de inicio (%(start)s).")
                % {"start": f"{started:%H:%M}"}
            }
        )


@transaction.atomic
def close_session(
    session: Session, *, ended_at: datetime.time, today: datetime.date | None = None
) -> Session:
    """
    Close an open session at the time the secretariat states: it is held from then on.
    Every point for approval needs a result or a stated disposition first.
    """
    session = lock_open_record(session)
    if session.opened_at is None or session.status != Session.Status.CONVENED:
        raise ValidationError(_("Solo se clausura una sesión que se abrió con quórum."))
    _refuse_before_its_date(session, _("clausurar"), today)
    _check_closing_time(session, ended_at)
    undecided = list(undecided_points(session))
    if undecided:
        raise ValidationError(
            ngettext(
                "Antes de clausurar, registre la votación del punto para aprobación que falta "
                "o indique por qué no se votó (retirado, diferido o no votado): %(points)s.",
                "Antes de clausurar, registre la votación de los puntos para aprobación que "
                "faltan o indique por qué no se votaron (retirados, diferidos o no votados): "
                "%(points)s.",
                len(undecided),
            )
            % {"points": "; ".join(f"{point.position}. «{point.title}»" for point in undecided)}
        )
    session.closed_at = at_session_time(session, ended_at)
    session.status = Session.Status.HELD
    session.save()
    return session


@transaction.atomic
def set_session_times(
    session: Session, *, started_at: datetime.time, ended_at: datetime.time | None = None
) -> Session:
    """
    Correct the start (and, once closed, the closing) time the record states; possible
    until the acta is approved.
    """
    session = lock_open_record(session)
    if session.opened_at is None:
        raise ValidationError(_("La sesión aún no se ha abierto: no tiene horas que corregir."))
    if started_at is None:
        raise ValidationError({"started_at": _("Indique la hora en que inició la sesión.")})
    session.opened_at = at_session_time(session, started_at)
    if session.closed_at is not None:
        _check_closing_time(session, ended_at)
        session.closed_at = at_session_time(session, ended_at)
    elif ended_at is not None:
        raise ValidationError(
            {
                "ended_at": _(
                    "La sesión aún no se clausura: su hora de clausura se indica al cerrarla."
                )
            }
        )
    session.save()
    return session


@transaction.atomic
def change_schedule(
    session: Session,
    *,
    date: datetime.date,
    start_time: datetime.time | None,
    end_time: datetime.time | None,
    place: str,
    video_link: str,
    reason: str,
    notify: bool = True,
) -> Session:
    """
    Change when or where a session that has not been held takes place — an earlier date,
    another time, place or link — keeping why in its history; a later date is a
    postponement (``postpone_session``). If it had been convened, its participants get
    the new schedule by e-mail.
    """
    reason = _require_reason(reason)
    session = _locked(session)
    if session.opened_at is not None and session.status == Session.Status.CONVENED:
        raise ValidationError(_("No se puede cambiar el horario de una sesión en curso."))
    if session.status in (Session.Status.HELD, Session.Status.CANCELLED):
        raise ValidationError(
            _("No se puede cambiar el horario de una sesión %(status)s.")
            % {"status": session.get_status_display().lower()}
        )
    wanted = {
        "date": date,
        "start_time": start_time,
        "end_time": end_time,
        "place": place,
        "video_link": video_link,
    }
    if all(getattr(session, name) == value for name, value in wanted.items()):
        return session
    moved = date != session.date
    if moved:
        session.rescheduled_from = session.rescheduled_from or session.date
    for name, value in wanted.items():
        setattr(session, name, value)
    session._change_reason = reason
    session.full_clean()
    session.save()
    if moved:
        renumber_sessions(session.committee, session.kind)
    session.refresh_from_db()
    if notify and notifications.was_convened(session):
        notifications.announce(session, NoticeDelivery.Kind.RESCHEDULING)
    return session
