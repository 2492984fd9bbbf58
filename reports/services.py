"""Actas: drafted from the record of a held session, approved at a later one, then frozen."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from agendas.models import AgendaPoint, Vote
from committees.models import Membership, Person, rule_parameters
from committees.spanish import long_date, spanish_sort_key
from sessions.models import Session

from .models import Acta, ActaErratum, ActaObservation


def _local_time(moment: datetime.datetime | None, session: Session) -> str:
    return timezone.localtime(moment, session.committee.zone).strftime("%H:%M") if moment else ""


def acta_content(session: Session) -> dict:
    """
    Everything an acta states, read from the record of the session: header, attendance by
    role with the quorum declared, each point with its minutes, votes by name and the
    agreements adopted, and who signs. Plain data, so approval can freeze it as JSON.
    """
    committee = session.committee
    attendances = sorted(
        session.attendances.select_related("membership__person", "membership__party"),
        key=lambda a: (a.membership.role, spanish_sort_key(a.membership.person.name)),
    )
    points = list(
        session.points.order_by("position").prefetch_related(
            Prefetch("votes", queryset=Vote.objects.select_related("membership__person")),
            "agreements",
        )
    )
    present = [a for a in attendances if a.is_present]
    secretary = next(
        (
            a.membership.person
            for a in present
            if a.membership.role == Membership.Role.TECHNICAL_SECRETARY
        ),
        None,
    )
    return {
        "committee": {
            "name": committee.name,
            "short_name": committee.short_name,
            "institution": committee.institution.name,
        },
        "session": {
            "title": session.title,
            "kind": session.get_kind_display(),
            "number": session.number,
            "date": session.date.isoformat(),
            "date_text": long_date(session.date),
            "place": session.place,
            "video_link": session.video_link,
            "started_at": _local_time(session.opened_at, session),
            "ended_at": _local_time(session.closed_at, session),
        },
        "quorum": {
            "present": session.quorum_present,
            "required": session.quorum_required,
            "declared_at": _local_time(session.opened_at, session),
        },
        "technical_secretary": secretary.full_name if secretary else "",
        "attendance": [
            {
                "name": a.membership.person.full_name,
                "role": a.membership.get_role_display(),
                "party": a.membership.party.acronym if a.membership.party else "",
                "status": a.get_status_display(),
                "arrival": a.arrival_time.strftime("%H:%M") if a.arrival_time else "",
            }
            for a in attendances
        ],
        "points": [
            {
                "position": point.position,
                "title": point.title,
                "kind": point.get_kind_display(),
                "minutes": point.minutes,
                "votes": [
                    {"name": vote.membership.person.full_name, "sense": vote.get_sense_display()}
                    for vote in sorted(
                        point.votes.all(), key=lambda v: spanish_sort_key(v.membership.person.name)
                    )
                ],
                "result": point.result.label if point.is_votable else "",
                "agreements": [
                    {"number": agreement.number, "text": agreement.text}
                    for agreement in point.agreements.all()
                ],
            }
            for point in points
        ],
        "signatories": [
            a.membership.person.full_name
            for a in present
            if a.membership.role in (Membership.Role.MEMBER, Membership.Role.TECHNICAL_SECRETARY)
        ],
    }


@transaction.atomic
def draft_acta(session: Session) -> Acta:
    """Open the draft acta of a held session (once; the draft then follows the record)."""
    if not session.has_acta:
        raise ValidationError(_("Las reuniones formales de trabajo no levantan acta de sesión."))
    if session.status != Session.Status.HELD:
        raise ValidationError(_("Solo se levanta el acta de una sesión celebrada."))
    acta, _created = Acta.objects.get_or_create(session=session)
    return acta


@transaction.atomic
def add_observation(
    acta: Acta, *, author: Person, text: str, point: AgendaPoint | None = None
) -> ActaObservation:
    """A member's observation on the draft; once the acta is approved it is too late."""
    if acta.is_frozen:
        raise ValidationError(_("El acta ya fue aprobada; ya no recibe observaciones."))
    if point is not None and point.session_id != acta.session_id:
        raise ValidationError({"point": _("El punto es de otra sesión.")})
    if not text.strip():
        raise ValidationError({"text": _("Escriba la observación.")})
    return ActaObservation.objects.create(acta=acta, author=author, text=text.strip(), point=point)


@transaction.atomic
def approve_acta(acta: Acta, *, at_point: AgendaPoint) -> Acta:
    """
    Approve the acta at the "Aprobación del acta…" point of a later session, once that
    point's vote approved it. The content is frozen as it stands; later edits are refused.
    Once committed, its PDF/A is archived in the background.
    """
    acta = Acta.objects.select_for_update().select_related("session__committee").get(pk=acta.pk)
    if acta.is_frozen:
        raise ValidationError(_("Esta acta ya fue aprobada."))
    if at_point.approves_acta_of_id != acta.session_id:
        raise ValidationError(
            _("El punto «%(title)s» no aprueba el acta de esta sesión.") % {"title": at_point.title}
        )
    if at_point.session.date <= acta.session.date:
        raise ValidationError(_("El acta se aprueba en una sesión posterior."))
    result = at_point.result
    if not result.is_approved:
        raise ValidationError(
            _("La votación del punto no aprobó el acta (%(result)s).") % {"result": result.label}
        )
    acta.status = Acta.Status.APPROVED
    acta.approved_at_point = at_point
    acta.approved_on = at_point.session.date
    acta.snapshot = {
        **acta_content(acta.session),
        "approval": {
            "session": at_point.session.title,
            "point": at_point.position,
            "date": at_point.session.date.isoformat(),
            "date_text": long_date(at_point.session.date),
            "result": result.label,
        },
    }
    acta.full_clean()
    acta.save()
    # Imported here: the archive prints the acta, and printing reads this module.
    from .archive import schedule_acta_archive

    schedule_acta_archive(acta)
    return acta


@transaction.atomic
def record_erratum(acta: Acta, *, text: str, by=None) -> ActaErratum:
    """Correct an approved acta without touching it: a dated, signed fe de erratas."""
    if not acta.is_frozen:
        raise ValidationError(_("El acta aún es un proyecto: corríjala directamente."))
    if not text.strip():
        raise ValidationError({"text": _("Escriba la corrección.")})
    return ActaErratum.objects.create(acta=acta, text=text.strip(), recorded_by=by)


def actas_pending_approval(committee, *, sessions_later: int | None = None):
    """
    Held sessions whose acta is still a draft (or missing) after more than
    ``sessions_later`` later sessions with an acta were held (SES-08's parameter).
    """
    held = list(
        committee.sessions.with_acta()
        .filter(status=Session.Status.HELD)
        .select_related("acta")
        .order_by("date", "start_time")
    )
    if sessions_later is None:
        sessions_later = rule_parameters(committee, "SES-08")["max_sessions_later"]
    pending = []
    for index, session in enumerate(held):
        acta = getattr(session, "acta", None)
        if (acta is None or not acta.is_frozen) and len(held) - index - 1 >= sessions_later:
            pending.append(session)
    return pending
