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

from . import notifications
from .models import Attendance, NoticeDelivery, Session

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


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indique el motivo.")})
    return reason


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
    reason = _require_reason(reason)
    session = _locked(session)
    if session.opened_at is not None and session.status == Session.Status.CONVENED:
        raise ValidationError(_("No se puede posponer una sesión en curso."))
    if session.status in (Session.Status.HELD, Session.Status.CANCELLED):
        raise ValidationError(
            _("No se puede posponer una sesión %(status)s.")
            % {"status": session.get_status_display().lower()}
        )
    if new_date <= session.date:
        raise ValidationError(
            {"new_date": _("La nueva fecha debe ser posterior a la fecha actual de la sesión.")}
        )
    session.rescheduled_from = session.rescheduled_from or session.date
    session.date = new_date
    if new_start_time is not None:
        session.start_time = new_start_time
        session.end_time = new_end_time
    session.status = Session.Status.POSTPONED
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
    attendance = Attendance.objects.filter(session=session, membership=membership).first()
    attendance = attendance or Attendance(session=session, membership=membership)
    attendance.status = status
    attendance.arrival_time = arrival_time
    attendance.recorded_by = by
    attendance.full_clean()
    attendance.save()
    return attendance


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
    if session.status not in (Session.Status.PLANNED, Session.Status.POSTPONED):
        raise ValidationError(
            _("Solo se convoca una sesión programada o pospuesta; esta está %(status)s.")
            % {"status": session.get_status_display().lower()}
        )
    if not session.points.exists():
        raise ValidationError(_("Agregue al menos un punto al orden del día antes de convocar."))
    session.status = Session.Status.CONVENED
    session.convened_at = now
    session.save()
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


@transaction.atomic
def open_session(session: Session, *, now: datetime.datetime | None = None) -> Quorum:
    """Declare the quorum and open a convened session; refused when there is no quorum."""
    session = _locked(session)
    if session.status != Session.Status.CONVENED or session.opened_at is not None:
        raise ValidationError(_("Solo se abre una sesión convocada que aún no ha comenzado."))
    quorum = compute_quorum(session)
    if not quorum.is_met:
        raise ValidationError(_("No hay quórum. %(detail)s") % {"detail": quorum})
    session.opened_at = now or timezone.now()
    session.quorum_present = quorum.present
    session.quorum_required = quorum.required
    session.save()
    return quorum


@transaction.atomic
def close_session(session: Session, *, now: datetime.datetime | None = None) -> Session:
    """Close an open session: it is held from now on."""
    session = _locked(session)
    if session.opened_at is None or session.status != Session.Status.CONVENED:
        raise ValidationError(_("Solo se clausura una sesión que se abrió con quórum."))
    session.closed_at = now or timezone.now()
    session.status = Session.Status.HELD
    session.save()
    return session


@transaction.atomic
def reschedule_session(
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
