"""
Actas: drafted from the record of a held session; approved at a later session's point or,
when no later session exists, by circulation among the members with vote; then sealed with
the whole record of their session (sessions.seal).
"""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from agendas.models import AgendaPoint, Vote
from agendas.services import cast_votes, record_minutes
from committees.models import Membership, Person, rule_parameters
from committees.spanish import long_date, spanish_sort_key
from sessions.models import Session
from sessions.seal import SealedRecordError
from sessions.services import as_user, lock_open_record, required_for_quorum

from .models import Acta, ActaApproval, ActaErratum, ActaObservation


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
            "city": committee.institution.city,
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
                "disposition": (
                    {
                        "label": point.get_disposition_display(),
                        "reason": point.disposition_reason,
                    }
                    if point.disposition
                    else None
                ),
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
        # The same people with their post, for the signature lines.
        "signers": [
            {
                "name": a.membership.person.full_name,
                "post": a.membership.person.job_title,
                "role": a.membership.get_role_display(),
            }
            for a in present
            if a.membership.role in (Membership.Role.MEMBER, Membership.Role.TECHNICAL_SECRETARY)
        ],
    }


# The shape of an acta's content (acta_content), as approval freezes it: what the acta page,
# the PDF and verify_documents rely on.
_CONTENT_SHAPE = {
    "committee": ("name", "short_name", "institution"),
    "session": ("title", "kind", "date", "date_text", "place", "started_at", "ended_at"),
    "quorum": ("present", "required", "declared_at"),
}
_POINT_FIELDS = ("position", "title", "kind", "minutes", "votes", "result", "agreements")
_ATTENDANCE_FIELDS = ("name", "role", "status")


def snapshot_problems(snapshot) -> list[str]:
    """
    What is wrong with an approved acta's stored content, in Spanish (empty when sound), so
    that a page can say it instead of failing, and verify_documents can report it.
    """
    if not isinstance(snapshot, dict):
        return [_("El contenido aprobado no está almacenado o no es un documento JSON válido.")]
    problems = []
    for key, fields in _CONTENT_SHAPE.items():
        part = snapshot.get(key)
        if not isinstance(part, dict):
            problems.append(_("Falta la sección «%(key)s».") % {"key": key})
            continue
        missing = [name for name in fields if name not in part]
        if missing:
            problems.append(
                _("A la sección «%(key)s» le faltan: %(fields)s.")
                % {"key": key, "fields": ", ".join(missing)}
            )
    for key, fields in (("points", _POINT_FIELDS), ("attendance", _ATTENDANCE_FIELDS)):
        rows = snapshot.get(key)
        if not isinstance(rows, list) or not all(
            isinstance(row, dict) and all(name in row for name in fields) for row in rows
        ):
            problems.append(_("La lista «%(key)s» está incompleta o dañada.") % {"key": key})
    if not isinstance(snapshot.get("signatories", []), list):
        problems.append(_("La lista de firmantes está dañada."))
    if not isinstance(snapshot.get("approval"), dict):
        problems.append(_("Faltan los datos de la aprobación."))
    return problems


@transaction.atomic
def draft_acta(session: Session) -> Acta:
    """Open the draft acta of a held session (once; the draft then follows the record)."""
    if not session.has_acta:
        raise ValidationError(_("Las reuniones formales de trabajo no levantan acta de sesión."))
    Session.objects.select_for_update().filter(pk=session.pk).values_list("pk").get()
    session.refresh_from_db()
    if session.status != Session.Status.HELD:
        raise ValidationError(_("Solo se levanta el acta de una sesión celebrada."))
    acta, _created = Acta.objects.get_or_create(session=session)
    return acta


def _lock_draft(acta: Acta) -> Acta:
    """Lock the acta's session, then the acta; refuse if it is approved (sealed)."""
    try:
        lock_open_record(acta.session)
    except SealedRecordError:
        acta.status = Acta.Status.APPROVED  # the seal is the approval: say it of the acta
    else:
        acta = Acta.objects.select_for_update().select_related("session__committee").get(pk=acta.pk)
    if acta.is_frozen:
        raise SealedRecordError(
            _(
                "El acta ya fue aprobada y no se puede modificar. Para corregirla, registre una "
                "fe de erratas."
            )
        )
    return acta


@transaction.atomic
def update_minutes(
    acta: Acta, point: AgendaPoint, *, minutes: str, version: str | None = None, by=None
) -> AgendaPoint:
    """What was said under one point, written into the draft acta (not while circulated)."""
    acta = _lock_draft(acta)
    if point.session_id != acta.session_id:
        raise ValidationError({"point": _("El punto es de otra sesión.")})
    if acta.in_circulation:
        raise ValidationError(
            _(
                "El acta está en circulación para su aprobación: retire la circulación para "
                "modificarla (las respuestas recibidas dejarán de contar)."
            )
        )
    return record_minutes(point, minutes=minutes, version=version, by=by)


@transaction.atomic
def add_observation(
    acta: Acta, *, author: Person, text: str, point: AgendaPoint | None = None
) -> ActaObservation:
    """A member's observation on the draft; once the acta is approved it is too late."""
    try:
        acta = _lock_draft(acta)
    except SealedRecordError:
        raise ValidationError(_("El acta ya fue aprobada; ya no recibe observaciones.")) from None
    if point is not None and point.session_id != acta.session_id:
        raise ValidationError({"point": _("El punto es de otra sesión.")})
    if not text.strip():
        raise ValidationError({"text": _("Escriba la observación.")})
    return ActaObservation.objects.create(acta=acta, author=author, text=text.strip(), point=point)


def _seal(acta: Acta, snapshot: dict) -> Acta:
    """
    Freeze the approved acta's content and seal its session with the whole record, in the
    caller's transaction; its PDF/A is archived in the background once that commits.
    """
    acta.status = Acta.Status.APPROVED
    acta.snapshot = snapshot
    acta.full_clean()
    acta.save()
    session = acta.session
    session.sealed_at = timezone.now()
    session.save(update_fields=["sealed_at"])
    # Imported here: the archive prints the acta, and printing reads this module.
    from .archive import schedule_acta_archive

    schedule_acta_archive(acta)
    return acta


@transaction.atomic
def approve_acta(acta: Acta, *, at_point: AgendaPoint) -> Acta:
    """
    Approve the acta at the "Aprobación del acta…" point of a later session, once that
    point's vote approved it. The content is frozen as it stands and the session's record
    is sealed.
    """
    # The approving session first (its vote decides), then the acta's own session.
    lock_open_record(at_point.session)
    at_point = AgendaPoint.objects.select_related("session").get(pk=at_point.pk)
    try:
        acta = _lock_draft(acta)
    except SealedRecordError:
        raise ValidationError(_("Esta acta ya fue aprobada.")) from None
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
    acta.approved_at_point = at_point
    acta.approved_on = at_point.session.date
    return _seal(
        acta,
        {
            **acta_content(acta.session),
            "approval": {
                "mode": "session",
                "session": at_point.session.title,
                "point": at_point.position,
                "date": at_point.session.date.isoformat(),
                "date_text": long_date(at_point.session.date),
                "result": result.label,
            },
        },
    )


@dataclasses.dataclass
class VoteOutcome:
    """What recording a vote did: how many votes changed, and the acta it approved, if any."""

    changed: int
    approved_acta: Acta | None = None
    # The earlier session whose acta the vote approved but which has no draft yet.
    acta_missing: Session | None = None


@transaction.atomic
def record_point_votes(point: AgendaPoint, answers, *, by=None) -> VoteOutcome:
    """
    Record the roll-call vote of a point (agendas.services.cast_votes); when the point
    approves an earlier session's acta and the vote approved it, the acta is approved and
    sealed in the same transaction.
    """
    outcome = VoteOutcome(changed=cast_votes(point, answers, by=by))
    point = AgendaPoint.objects.select_related("session", "approves_acta_of__committee").get(
        pk=point.pk
    )
    if not point.approves_acta_of_id or not point.result.is_approved:
        return outcome
    acta = Acta.objects.filter(session_id=point.approves_acta_of_id).first()
    if acta is None:
        outcome.acta_missing = point.approves_acta_of
    elif not acta.is_frozen:
        outcome.approved_acta = approve_acta(acta, at_point=point)
    return outcome


# --- Approval by circulation -----------------------------------------------------------------


def later_sessions_with_acta(session: Session):
    """Sessions after ``session`` that will (or did) take place and approve actas."""
    return (
        session.committee.sessions.with_acta()
        .in_calendar()
        .filter(date__gt=session.date)
        .exclude(pk=session.pk)
    )


def circulation_refused_by(acta: Acta) -> str:
    """Why ``acta`` may not be circulated for approval now, if it may not."""
    if acta.is_frozen:
        return _("El acta ya fue aprobada.")
    if acta.in_circulation:
        return _("El acta ya está en circulación.")
    session = acta.session
    if session.role != Session.Role.CLOSING and later_sessions_with_acta(session).exists():
        return _(
            "El acta se aprueba en la siguiente sesión del órgano: solo se circula el acta de "
            "la sesión de cierre o de la última sesión, que no tienen una sesión posterior."
        )
    return ""


@dataclasses.dataclass(frozen=True)
class Tally:
    """Where the circulation of an acta stands."""

    voters: list[Membership]
    answers: list[ActaApproval]
    required: int

    @property
    def approvals(self) -> list[ActaApproval]:
        return [a for a in self.answers if a.decision == ActaApproval.Decision.APPROVE]

    @property
    def objections(self) -> list[ActaApproval]:
        return [a for a in self.answers if a.decision == ActaApproval.Decision.OBJECT]

    @property
    def pending(self) -> list[Membership]:
        answered = {answer.membership_id for answer in self.answers}
        return [voter for voter in self.voters if voter.pk not in answered]

    @property
    def reached(self) -> bool:
        return bool(self.voters) and len(self.approvals) >= self.required

    def answer_of(self, membership: Membership | None) -> ActaApproval | None:
        if membership is None:
            return None
        return next((a for a in self.answers if a.membership_id == membership.pk), None)


def circulation_voters(acta: Acta):
    """The members with vote whose term covered the session's date: they approve its acta."""
    return (
        acta.session.committee.memberships.with_vote()
        .active_on(acta.session.date)
        .select_related("person")
    )


def circulation_tally(acta: Acta) -> Tally:
    voters = sorted(circulation_voters(acta), key=lambda m: spanish_sort_key(m.person.name))
    answers = list(
        acta.circulation_answers.filter(withdrawn_at__isnull=True)
        .select_related("membership__person")
        .order_by("decided_at", "pk")
    )
    return Tally(
        voters=voters, answers=answers, required=required_for_quorum(len(voters), "majority")
    )


@transaction.atomic
def circulate_acta(acta: Acta, *, by=None) -> Acta:
    """
    Send the draft acta of a session with no later session (the closing session, or the
    last one held) to the members with vote, who approve it or object from their accounts.
    Its content is fixed while it circulates.
    """
    acta = _lock_draft(acta)
    if reason := circulation_refused_by(acta):
        raise ValidationError(reason)
    if not circulation_voters(acta).exists():
        raise ValidationError(
            _(
                "Nadie tenía un cargo con voto vigente en la fecha de la sesión: no hay a "
                "quién circularla."
            )
        )
    acta.circulated_at = timezone.now()
    acta.save(update_fields=["circulated_at", "updated_at"])
    return acta


@transaction.atomic
def withdraw_circulation(acta: Acta, *, by=None) -> Acta:
    """Stop the circulation (to correct the draft): the answers given stop counting."""
    acta = _lock_draft(acta)
    if not acta.in_circulation:
        raise ValidationError(_("El acta no está en circulación."))
    now = timezone.now()
    for answer in acta.circulation_answers.filter(withdrawn_at__isnull=True):
        answer.withdrawn_at = now
        answer.save(update_fields=["withdrawn_at"])
    acta.circulated_at = None
    acta.save(update_fields=["circulated_at", "updated_at"])
    return acta


@transaction.atomic
def answer_circulation(
    acta: Acta,
    *,
    membership: Membership,
    decision: str,
    text: str = "",
    by=None,
    decided_at: datetime.datetime | None = None,
) -> Acta:
    """
    A member with vote approves the circulated acta, or objects with a text (an answer may
    be changed until the acta is approved). When a majority of the members with vote has
    approved it, the acta is approved "por circulación" and sealed.
    """
    try:
        acta = _lock_draft(acta)
    except SealedRecordError:
        raise ValidationError(_("El acta ya fue aprobada.")) from None
    if not acta.in_circulation:
        raise ValidationError(_("El acta no está en circulación para su aprobación."))
    if not circulation_voters(acta).filter(pk=membership.pk).exists():
        raise ValidationError(
            _(
                "Solo aprueban el acta por circulación las y los integrantes con voto cuyo "
                "cargo estaba vigente el día de la sesión."
            )
        )
    if decision not in ActaApproval.Decision.values:
        raise ValidationError({"decision": _("Elija si aprueba el acta o formula una objeción.")})
    text = (text or "").strip()
    if decision == ActaApproval.Decision.OBJECT and not text:
        raise ValidationError({"text": _("Escriba su objeción.")})
    answer = acta.circulation_answers.filter(
        membership=membership, withdrawn_at__isnull=True
    ).first() or ActaApproval(acta=acta, membership=membership)
    answer.decision = decision
    answer.text = text if decision == ActaApproval.Decision.OBJECT else ""
    # ``decided_at``: when a simulated season places the answer in its own time.
    answer.decided_at = decided_at or timezone.now()
    answer.recorded_by = by
    answer.full_clean()
    as_user(answer, by).save()
    tally = circulation_tally(acta)
    if tally.reached:
        _approve_by_circulation(acta, tally, deciding=answer)
    return acta


def _approve_by_circulation(acta: Acta, tally: Tally, *, deciding: ActaApproval) -> Acta:
    # Approved on the day of the answer that made the majority.
    day = timezone.localtime(deciding.decided_at, acta.session.committee.zone).date()
    acta.approved_on = day
    approvals = [
        {
            "name": answer.membership.person.full_name,
            "date": timezone.localtime(answer.decided_at, acta.session.committee.zone)
            .date()
            .isoformat(),
            "date_text": long_date(
                timezone.localtime(answer.decided_at, acta.session.committee.zone).date()
            ),
        }
        for answer in tally.approvals
    ]
    objections = [
        {"name": answer.membership.person.full_name, "text": answer.text}
        for answer in tally.objections
    ]
    return _seal(
        acta,
        {
            **acta_content(acta.session),
            "approval": {
                "mode": "circulation",
                "date": day.isoformat(),
                "date_text": long_date(day),
                "result": _(
                    "Aprobada por circulación (%(approvals)s de %(voters)s integrantes con voto)"
                )
                % {"approvals": len(tally.approvals), "voters": len(tally.voters)},
                "approvals": approvals,
                "objections": objections,
            },
        },
    )


@transaction.atomic
def record_erratum(acta: Acta, *, text: str, by=None) -> ActaErratum:
    """Correct an approved acta without touching it: a dated, signed fe de erratas."""
    acta = Acta.objects.select_for_update().get(pk=acta.pk)
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
