"""
Workflows on agendas and the record under them: the standard points of each kind of
session; inserting, editing, moving and deleting points; documents; votes and what became of
a point not voted; agreements and their follow-up.

Every write locks the session first (``lock_open_record``), then reads what it checks: the
record is not sealed, the agenda is the version the person saw, the session is at the stage
the write needs. Concurrent requests therefore apply one after the other or are refused with
a message; none is lost.
"""

import dataclasses
import datetime
import hashlib
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from committees.models import Committee, Membership, Person
from committees.spanish import add_months, month_name, months_between, ordinal
from sessions.models import Attendance, Session
from sessions.seal import SealedRecordError
from sessions.services import as_user, lock_open_record, next_session_number, renumber_sessions

from .models import AgendaPoint, Agreement, AgreementFollowUp, Document, Vote

Kind = AgendaPoint.Kind
Standard = AgendaPoint.Standard

# Points that stay at the end of the agenda: specific points are inserted before them.
TRAILING_STANDARDS = (
    Standard.GENERAL_MATTERS,
    Standard.SUMMARY_AND_CLOSING,
    Standard.COMMITTEE_CLOSING,
)
_REORDER_OFFSET = 10_000

CONFLICT_MESSAGE = _(
    "Otra persona modificó el orden del día mientras usted lo editaba. Se muestra la versión "
    "actual; su cambio no se aplicó. Revíselo y envíelo de nuevo."
)


class AgendaConflict(ValidationError):
    """The agenda changed since the page that sent the write was loaded."""

    def __init__(self, message=CONFLICT_MESSAGE):
        super().__init__(message, code="conflict")


def agenda_version(session: Session) -> str:
    """
    A fingerprint of the agenda as a person sees it. Forms carry it; a write made on an
    older version is refused, so two people editing at once never overwrite each other.
    """
    rows = session.points.order_by("position").values_list(
        "pk", "position", "title", "kind", "presenter", "description"
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()[:16]


def point_version(point: AgendaPoint) -> str:
    """A fingerprint of one point's editable fields, for its edit form."""
    values = (point.pk, point.title, point.kind, point.presenter, point.description)
    return hashlib.sha256(repr(values).encode()).hexdigest()[:16]


def lock_agenda(session: Session, version: str | None = None) -> Session:
    """
    Lock the session, refuse if its record is sealed, and refuse a write made on an agenda
    other than ``version`` (None: a caller without a form, such as the demo or the admin).
    Must run inside the caller's transaction.
    """
    session = lock_open_record(session)
    if version is not None and version != agenda_version(session):
        raise AgendaConflict()
    return session


def _record_positions(points, *, by, reason: str) -> None:
    """Positions are rewritten with update(): write their history rows ourselves."""
    if points:
        AgendaPoint.history.bulk_history_create(
            points, update=True, default_user=by, default_change_reason=reason
        )


@dataclasses.dataclass(frozen=True)
class PointSpec:
    """A point to create: what the standard agenda of a session calls for."""

    title: str
    kind: str
    standard: str = ""
    approves_acta_of: Session | None = None


def standard_agenda(session: Session) -> list[PointSpec]:
    """The standard points of ``session``'s kind, in order (DESIGN.md, "Standard agendas")."""
    committee = session.committee
    if session.role == Session.Role.INSTALLATION:
        return [
            _agenda_point(),
            PointSpec(
                _("Presentación e instalación del %(name)s (%(short_name)s)") % _names(committee),
                Kind.PROCEDURAL,
                Standard.INSTALLATION,
            ),
            PointSpec(
                _("Aprobación del Plan de Trabajo y Calendario de Sesiones del %(short_name)s")
                % _names(committee),
                Kind.APPROVAL,
                Standard.WORK_PLAN,
            ),
            _general_matters_point(),
            _summary_point(),
        ]
    if session.kind == Session.Kind.ORDINARY:
        points = [_agenda_point(), *_review_points(session)]
        if session.role == Session.Role.CLOSING:
            points.append(
                PointSpec(
                    _("Presentación del informe final de actividades %(of_this_body)s")
                    % {"of_this_body": _of_this_body(committee)},
                    Kind.INFORMATIVE,
                    Standard.FINAL_INFORME,
                )
            )
            points += [
                _general_matters_point(),
                PointSpec(
                    _("Cierre y clausura del %(name)s (%(short_name)s)") % _names(committee),
                    Kind.CLOSING,
                    Standard.COMMITTEE_CLOSING,
                ),
            ]
            return points
        informe = _bimonthly_informe_point(session)
        if informe:
            points.append(informe)
        return [*points, _general_matters_point(), _summary_point()]
    if session.kind == Session.Kind.EXTRAORDINARY:
        return [_agenda_point(), _summary_point()]
    # Formal work meetings and working-group meetings: their own points, then the close.
    return [
        PointSpec(_("Resumen y cierre de la reunión"), Kind.CLOSING, Standard.SUMMARY_AND_CLOSING)
    ]


def _agenda_point() -> PointSpec:
    return PointSpec(_("Lectura y aprobación del orden del día"), Kind.APPROVAL, Standard.AGENDA)


def _general_matters_point() -> PointSpec:
    return PointSpec(_("Asuntos generales"), Kind.GENERAL_MATTERS, Standard.GENERAL_MATTERS)


def _summary_point() -> PointSpec:
    return PointSpec(
        _("Resumen y clausura de la sesión"), Kind.CLOSING, Standard.SUMMARY_AND_CLOSING
    )


def _review_points(session: Session) -> list[PointSpec]:
    """Previous acta, follow-up of agreements and last month's progress."""
    committee = session.committee
    points = []
    previous = (
        Session.objects.filter(committee=committee, date__lt=session.date)
        .with_acta()
        .in_calendar()
        .exclude(pk=session.pk)
        .order_by("-date", F("start_time").desc(nulls_last=True))
        .first()
    )
    if previous is not None:
        points.append(
            PointSpec(
                _("Aprobación del acta de la %(session)s del %(short_name)s")
                % {"session": previous.reference, "short_name": committee.short_name},
                Kind.APPROVAL,
                Standard.PREVIOUS_ACTA,
                approves_acta_of=previous,
            )
        )
        points.append(
            PointSpec(
                _(
                    "Seguimiento y estado en que se encuentran los acuerdos tomados en "
                    "sesiones y reuniones anteriores"
                ),
                Kind.INFORMATIVE,
                Standard.AGREEMENTS_FOLLOW_UP,
            )
        )
    installed = installation_date(committee)
    last_month = add_months(session.date.replace(day=1), -1)
    if installed is None or installed.replace(day=1) <= last_month:
        title = _(
            "Presentación del avance de las actividades correspondientes al mes de %(month)s"
        ) % {"month": month_name(last_month.month)}
        if committee.subject:
            title += _(", relacionadas con %(subject)s") % {"subject": committee.subject}
        points.append(PointSpec(title, Kind.INFORMATIVE, Standard.MONTHLY_PROGRESS))
    return points


def installation_date(committee: Committee) -> datetime.date | None:
    if committee.installed_on:
        return committee.installed_on
    installation = committee.sessions.filter(role=Session.Role.INSTALLATION).first()
    return installation.date if installation else None


def _bimonthly_informe_point(session: Session) -> PointSpec | None:
    """
    The Nth bimonthly informe is due at the first ordinary session of the month after
    each two-month period counted from the installation month.
    """
    installed = installation_date(session.committee)
    if installed is None:
        return None
    elapsed = months_between(installed, session.date)
    if elapsed < 2 or elapsed % 2:
        return None
    month_start = session.date.replace(day=1)
    earlier_this_month = (
        Session.objects.filter(
            committee=session.committee,
            kind=Session.Kind.ORDINARY,
            date__gte=month_start,
            date__lt=session.date,
        )
        .in_calendar()
        .exclude(pk=session.pk)
        .exists()
    )
    if earlier_this_month:
        return None
    number = elapsed // 2
    first = add_months(month_start, -2)
    second = add_months(month_start, -1)
    if first.year == second.year:
        months = _("%(first)s y %(second)s") % {
            "first": month_name(first.month),
            "second": month_name(second.month),
        }
    else:
        months = _("%(first)s de %(first_year)s y %(second)s de %(second_year)s") % {
            "first": month_name(first.month),
            "first_year": first.year,
            "second": month_name(second.month),
            "second_year": second.year,
        }
    return PointSpec(
        _(
            "Presentación del %(nth)s informe de actividades correspondientes a los meses "
            "de %(months)s %(of_this_body)s"
        )
        % {
            "nth": ordinal(number, feminine=False, apocope=True),
            "months": months,
            "of_this_body": _of_this_body(session.committee),
        },
        Kind.INFORMATIVE,
        Standard.BIMONTHLY_INFORME,
    )


def _of_this_body(committee: Committee) -> str:
    return {
        Committee.Kind.TECHNICAL_ADVISORY: _("de este Comité"),
        Committee.Kind.WORKING_GROUP: _("de este Grupo de Trabajo"),
        Committee.Kind.COMMISSION: _("de esta Comisión"),
    }.get(committee.kind, _("de este órgano"))


def _names(committee: Committee) -> dict:
    return {"name": committee.name, "short_name": committee.short_name}


@transaction.atomic
def add_standard_agenda(session: Session) -> list[AgendaPoint]:
    """Give a session with no points the standard points of its kind."""
    session = lock_open_record(session)
    if session.points.exists():
        raise ValidationError(_("La sesión ya tiene orden del día."))
    points = AgendaPoint.objects.bulk_create(
        [
            AgendaPoint(
                session=session,
                position=position,
                title=spec.title,
                kind=spec.kind,
                standard=spec.standard,
                approves_acta_of=spec.approves_acta_of,
            )
            for position, spec in enumerate(standard_agenda(session), start=1)
        ]
    )
    # bulk_create() writes no history: the standard agenda's creation is recorded here.
    AgendaPoint.history.bulk_history_create(
        points, default_change_reason=_("Orden del día estándar")
    )
    return points


@transaction.atomic
def schedule_session(*, committee: Committee, kind: str, date: datetime.date, **fields) -> Session:
    """Create a session, numbered in date order within its kind, with its standard agenda."""
    session = Session(
        committee=committee,
        kind=kind,
        date=date,
        number=next_session_number(committee, kind),
        **fields,
    )
    session.full_clean()
    session.save()
    renumber_sessions(committee, kind)
    session.refresh_from_db()
    add_standard_agenda(session)
    return session


def _default_insert_position(session: Session) -> int:
    """Before the trailing standard points (general matters, closing), or at the end."""
    positions = list(
        session.points.filter(standard__in=TRAILING_STANDARDS).values_list("position", flat=True)
    )
    if positions:
        return min(positions)
    last = session.points.aggregate(last=Max("position"))["last"] or 0
    return last + 1


def _shift(session: Session, *, from_position: int, by: int, reason: str, user) -> None:
    """Move the points at ``from_position`` and after by ``by`` places (+1 or -1)."""
    following = list(session.points.filter(position__gte=from_position).order_by("position"))
    if not following:
        return
    AgendaPoint.objects.filter(pk__in=[point.pk for point in following]).update(
        position=F("position") + _REORDER_OFFSET
    )
    AgendaPoint.objects.filter(pk__in=[point.pk for point in following]).update(
        position=F("position") - _REORDER_OFFSET + by
    )
    for point in following:
        point.position += by
    _record_positions(following, by=user, reason=reason)


@transaction.atomic
def insert_point(
    session: Session,
    *,
    title: str,
    kind: str,
    position: int | None = None,
    version: str | None = None,
    by=None,
    **fields,
) -> AgendaPoint:
    """Insert a specific point, moving the following ones down one place."""
    session = lock_agenda(session, version)
    count = session.points.count()
    if position is None:
        position = _default_insert_position(session)
    if not 1 <= position <= count + 1:
        raise ValidationError(
            {
                "position": _("El número de punto debe estar entre 1 y %(last)s.")
                % {"last": count + 1}
            }
        )
    _shift(session, from_position=position, by=1, reason=_("Se insertó un punto antes"), user=by)
    point = AgendaPoint(session=session, position=position, title=title, kind=kind, **fields)
    point.full_clean()
    as_user(point, by).save()
    return point


EDITABLE_POINT_FIELDS = ("title", "kind", "presenter", "description")


@transaction.atomic
def update_point(point: AgendaPoint, *, version: str | None = None, by=None, **values):
    """
    Change a point's title, kind, presenter or description, refused when the point
    changed since ``version`` (its edit form's fingerprint) or the record is sealed.
    """
    lock_agenda(point.session)
    point = AgendaPoint.objects.select_related("session").get(pk=point.pk)
    if version is not None and version != point_version(point):
        raise AgendaConflict(
            _(
                "Otra persona modificó este punto mientras usted lo editaba; su cambio no se "
                "aplicó. Revise la versión actual y envíe el formulario de nuevo."
            )
        )
    unknown = set(values) - set(EDITABLE_POINT_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    if values.get("kind", point.kind) != point.kind and point.votes.exists():
        raise ValidationError(
            {"kind": _("El punto ya tiene votos registrados: su tipo ya no cambia.")}
        )
    for name, value in values.items():
        setattr(point, name, value)
    point.full_clean()
    as_user(point, by).save()
    return point


@transaction.atomic
def reorder_points(
    session: Session, point_ids: list[int], *, version: str | None = None, by=None
) -> None:
    """Put the session's points in the order given; positions become 1..n."""
    session = lock_agenda(session, version)
    points = {point.pk: point for point in session.points.all()}
    if len(point_ids) != len(set(point_ids)) or set(point_ids) != set(points):
        raise AgendaConflict(
            _(
                "El orden recibido no corresponde a los puntos actuales de la sesión; "
                "recargue la página e intente de nuevo."
            )
        )
    moved = [
        points[pk]
        for position, pk in enumerate(point_ids, start=1)
        if points[pk].position != position
    ]
    if not moved:
        return
    AgendaPoint.objects.filter(pk__in=[point.pk for point in moved]).update(
        position=F("position") + _REORDER_OFFSET
    )
    for position, pk in enumerate(point_ids, start=1):
        if points[pk].position != position:
            AgendaPoint.objects.filter(pk=pk).update(position=position)
            points[pk].position = position
    _record_positions(moved, by=by, reason=_("Cambio de orden"))


@transaction.atomic
def move_point(point: AgendaPoint, *, direction: str, version: str | None = None, by=None) -> bool:
    """
    Move a point one place up or down, swapping it with its neighbour. Returns whether it
    moved (the first point does not go up, nor the last down).
    """
    session = lock_agenda(point.session, version)
    order = list(session.points.order_by("position").values_list("pk", flat=True))
    if point.pk not in order:
        raise AgendaConflict()
    index = order.index(point.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(order):
        return False
    order[index], order[target] = order[target], order[index]
    reorder_points(session, order, by=by)
    return True


def point_deletion_refused_by(point: AgendaPoint) -> str:
    """Why a point may not be deleted, if it may not."""
    if point.votes.exists() or point.agreements.exists():
        return _("No se puede eliminar un punto que ya tiene votos o acuerdos registrados.")
    if point.approved_actas.exists() or point.presented_informes.exists():
        return _(
            "No se puede eliminar un punto en el que se aprobó un acta o se presentó un informe."
        )
    return ""


@transaction.atomic
def delete_point(point: AgendaPoint, *, version: str | None = None, by=None) -> None:
    """Delete a point (and the documents under it) and close the gap it leaves."""
    session = lock_agenda(point.session, version)
    point = AgendaPoint.objects.get(pk=point.pk)
    if reason := point_deletion_refused_by(point):
        raise ValidationError(reason)
    position = point.position
    for document in point.documents.all():
        document.delete()
    point.delete()
    _shift(
        session,
        from_position=position + 1,
        by=-1,
        reason=_("Se eliminó un punto anterior"),
        user=by,
    )


@transaction.atomic
def add_document(point: AgendaPoint, *, title: str, file, by=None) -> Document:
    """A document presented under a point, while the session's record is open."""
    lock_open_record(point.session)
    document = Document(point=point, title=title, file=file, uploaded_by=by)
    document.full_clean()
    as_user(document, by).save()
    return document


@transaction.atomic
def take_up_deferred_point(
    session: Session, deferred: AgendaPoint, *, version: str | None = None, by=None
) -> AgendaPoint:
    """
    Put a point deferred at an earlier session on this session's agenda, linked to it (so
    the deferred point is no longer offered).
    """
    lock_agenda(session, version)
    deferred = AgendaPoint.objects.select_for_update().select_related("session").get(pk=deferred.pk)
    if (
        deferred.session.committee_id != session.committee_id
        or deferred.session.date >= session.date
        or deferred.disposition != AgendaPoint.Disposition.DEFERRED
    ):
        raise ValidationError(_("Ese punto no es un punto diferido de una sesión anterior."))
    if AgendaPoint.objects.filter(carried_from=deferred).exists():
        raise ValidationError(_("Ese punto diferido ya se incluyó en otra sesión."))
    return insert_point(
        session,
        title=deferred.title,
        kind=deferred.kind,
        description=deferred.description,
        presenter=deferred.presenter,
        carried_from=deferred,
        by=by,
    )


def deferred_points_for(session: Session):
    """Points deferred at earlier sessions of the committee, not taken up yet."""
    return (
        AgendaPoint.objects.deferred()
        .filter(session__committee_id=session.committee_id, session__date__lt=session.date)
        .select_related("session")
        .order_by("session__date", "position")
    )


def minutes_version(point: AgendaPoint) -> str:
    """
    A fingerprint of a point's minutes as the page showed them: a save made over text that
    someone else changed meanwhile is refused, so nobody overwrites another's minutes.
    """
    return hashlib.sha256(point.minutes.encode()).hexdigest()[:16]


class MinutesConflict(ValidationError):
    def __init__(self):
        super().__init__(
            _(
                "Otra persona modificó el desarrollo de este punto mientras usted lo editaba; "
                "su texto no se guardó. Abajo está lo que usted escribió y arriba el texto "
                "actual: revíselo y guárdelo de nuevo."
            ),
            code="stale",
        )


@transaction.atomic
def record_minutes(
    point: AgendaPoint, *, minutes: str, version: str | None = None, by=None
) -> AgendaPoint:
    """
    What was said under a point (its minutes), while the record is open and its acta, if
    drafted, is not circulating for approval (its content is fixed then).
    """
    session = lock_open_record(point.session)
    point = AgendaPoint.objects.get(pk=point.pk, session=session)
    if version is not None and version != minutes_version(point):
        raise MinutesConflict()
    # The acta is read through the reverse relation: agendas never imports reports.
    acta = getattr(session, "acta", None)
    if acta is not None and acta.circulated_at is not None:
        raise ValidationError(
            _(
                "El acta está en circulación para su aprobación: retire la circulación para "
                "modificarla (las respuestas recibidas dejarán de contar)."
            )
        )
    point.minutes = minutes
    point.full_clean()
    as_user(point, by).save()
    return point


# --- Votes and dispositions ------------------------------------------------------------------


def vote_closed_by(point: AgendaPoint) -> str:
    """
    Why the vote on ``point`` may no longer be recorded or changed, if it may not: the
    record is sealed, this vote approved an earlier acta (it then stands as cast), or the
    point was stated as not voted. (A session not yet opened is refused by cast_votes.)
    """
    session = point.session
    if session.sealed:
        return str(SealedRecordError().message)
    if point.approved_actas.exists():
        return _("Esta votación aprobó el acta de una sesión anterior: ya no se modifica.")
    if point.disposition:
        return _(
            "El punto quedó sin votación (%(disposition)s): quite esa indicación para votarlo."
        ) % {"disposition": point.get_disposition_display().lower()}
    return ""


def _lock_point_for_vote(point: AgendaPoint) -> AgendaPoint:
    lock_open_record(point.session)
    point = AgendaPoint.objects.select_related("session__committee").get(pk=point.pk)
    if not point.is_votable:
        raise ValidationError(_("Solo se votan los puntos para aprobación."))
    if reason := vote_closed_by(point):
        raise ValidationError(reason)
    if point.session.opened_at is None:
        raise ValidationError(_("No se puede votar: la sesión no se ha abierto con quórum."))
    return point


def _write_vote(point: AgendaPoint, membership: Membership, sense: str, *, by) -> Vote:
    present = point.session.attendances.filter(
        membership=membership, status__in=Attendance.PRESENT_STATUSES
    ).exists()
    if membership.has_vote and membership.is_active_on(point.session.date) and not present:
        raise ValidationError(
            _("%(name)s no está registrada como presente en la sesión.")
            % {"name": membership.person.full_name}
        )
    vote = Vote.objects.filter(point=point, membership=membership).first() or Vote(
        point=point, membership=membership
    )
    vote.sense = sense
    vote.recorded_by = by
    vote.full_clean()
    as_user(vote, by).save()
    return vote


@transaction.atomic
def cast_vote(point: AgendaPoint, membership: Membership, sense: str, *, by=None) -> Vote:
    """
    Record (or change) one member's vote on a point for approval. The session must have
    been opened with quorum, and only a member with vote, present at the session and whose
    term covers its date, may vote (Vote.clean says why not, in Spanish).
    """
    point = _lock_point_for_vote(point)
    return _write_vote(point, membership, sense, by=by)


class VotesRefused(ValidationError):
    """Some votes of a roll-call vote were refused; ``refused`` says whose and why."""

    def __init__(self, refused: dict):
        self.refused = refused
        messages = {message for errors in refused.values() for message in errors}
        super().__init__(sorted(messages))


@transaction.atomic
def cast_votes(point: AgendaPoint, answers: list[tuple[Membership, str]], *, by=None) -> int:
    """
    Record a roll-call vote: each answer that differs from the vote stored, all of them or,
    if any is refused, none (VotesRefused names each refused seat). Returns how many changed.
    """
    point = _lock_point_for_vote(point)
    stored = {vote.membership_id: vote.sense for vote in point.votes.all()}
    refused = {}
    changed = 0
    for membership, sense in answers:
        if stored.get(membership.pk) == sense:
            continue
        try:
            with transaction.atomic():
                _write_vote(point, membership, sense, by=by)
        except ValidationError as error:
            refused[membership] = error.messages
        else:
            changed += 1
    if refused:
        raise VotesRefused(refused)
    return changed


@transaction.atomic
def dispose_point(
    point: AgendaPoint, *, disposition: str, reason: str = "", by=None
) -> AgendaPoint:
    """
    State why a point for approval was not voted (withdrawn, deferred to a later session,
    not put to a vote), or clear that statement (``disposition=""``). Refused once votes
    were recorded: the point then has a result.
    """
    lock_open_record(point.session)
    point = AgendaPoint.objects.select_related("session").get(pk=point.pk)
    if not point.is_votable:
        raise ValidationError(_("Solo los puntos para aprobación llevan votación."))
    if point.session.opened_at is None:
        raise ValidationError(_("Lo que pasó con un punto se registra una vez abierta la sesión."))
    if disposition and point.votes.exists():
        raise ValidationError(
            _("El punto ya tiene votos registrados: su resultado es el de la votación.")
        )
    if disposition not in AgendaPoint.Disposition.values:
        raise ValidationError({"disposition": _("Elija una opción válida.")})
    reason = (reason or "").strip()
    if disposition and not reason:
        raise ValidationError({"reason": _("Indique el motivo.")})
    if not disposition and AgendaPoint.objects.filter(carried_from=point).exists():
        raise ValidationError(
            _("El punto diferido ya se incluyó en una sesión posterior: su indicación no cambia.")
        )
    point.disposition = disposition
    point.disposition_reason = reason if disposition else ""
    point.full_clean()
    as_user(point, by).save()
    return point


SESSION_CODES = {
    Session.Kind.ORDINARY: "SO",
    Session.Kind.EXTRAORDINARY: "SE",
    Session.Kind.WORK_MEETING: "RT",
    Session.Kind.WORKING_GROUP: "RG",
}


def agreement_number(committee: Committee, session: Session, sequence: int) -> str:
    """The committee's pattern filled in: "COTAPREP/2024/SO03/A02"."""
    return committee.agreement_number_pattern.format(
        COMMITTEE=committee.short_name,
        YEAR=session.date.year,
        SESSION=f"{SESSION_CODES[session.kind]}{session.number:02d}",
        SEQ=f"A{sequence:02d}",
    )


def _same_scope_regex(committee: Committee, session: Session) -> str:
    """Numbers that differ from this session's only in {SEQ} (works on SQLite and PostgreSQL)."""
    fixed = [
        re.escape(
            part.format(
                COMMITTEE=committee.short_name,
                YEAR=session.date.year,
                SESSION=f"{SESSION_CODES[session.kind]}{session.number:02d}",
            )
        )
        for part in committee.agreement_number_pattern.split("{SEQ}")
    ]
    return "^" + "A[0-9]+".join(fixed) + "$"


def agreements_closed_by(session: Session) -> str:
    """Why no agreement may be registered under the session's points now, if none may."""
    if session.sealed:
        return str(SealedRecordError().message)
    if session.opened_at is None:
        return _("Los acuerdos se registran en una sesión abierta o celebrada.")
    return ""


@transaction.atomic
def adopt_agreement(
    point: AgendaPoint,
    *,
    text: str,
    responsible: Person | None = None,
    due_date: datetime.date | None = None,
    by=None,
) -> Agreement:
    """
    Record an agreement adopted under a point, numbered by the committee's pattern. The
    consecutive counts within what the rest of the pattern fixes (per session for the
    default pattern, per year for "{COMMITTEE}/{YEAR}/{SEQ}"), with no gaps: the session,
    then the committee row, are locked so that two agreements adopted at once never take
    the same number, and none lands in a record just sealed.
    """
    session = lock_open_record(point.session)
    if reason := agreements_closed_by(session):
        raise ValidationError(reason)
    committee = Committee.objects.select_for_update().get(pk=session.committee_id)
    if not text.strip():
        raise ValidationError({"text": _("Escriba el texto del acuerdo.")})
    siblings = committee.agreements.filter(number__regex=_same_scope_regex(committee, session))
    sequence = (siblings.aggregate(last=Max("sequence"))["last"] or 0) + 1
    agreement = Agreement(
        committee=committee,
        point=point,
        sequence=sequence,
        number=agreement_number(committee, session, sequence),
        text=text.strip(),
        responsible=responsible,
        due_date=due_date,
    )
    agreement.full_clean()
    as_user(agreement, by).save()
    return agreement


@transaction.atomic
def follow_up_agreement(
    agreement: Agreement,
    *,
    note: str,
    date: datetime.date,
    new_status: str = "",
    at_point: AgendaPoint | None = None,
    by=None,
) -> AgreementFollowUp:
    """
    Log the progress of an agreement; a new status, if given, becomes its status. Goes on
    after the session's record is sealed: only the status of a sealed agreement changes.
    """
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    entry = AgreementFollowUp(
        agreement=agreement,
        note=note.strip(),
        date=date,
        new_status=new_status,
        at_point=at_point,
        recorded_by=by,
    )
    entry.full_clean()
    as_user(entry, by).save()
    if new_status and new_status != agreement.status:
        agreement.status = new_status
        as_user(agreement, by).save(update_fields=["status"])
    return entry


def open_agreements_on(committee: Committee, day: datetime.date):
    """
    The agreements adopted before ``day`` that were still open on that day, judged by the
    dated follow-up log (an agreement closed later was open then).
    """
    status_then = (
        AgreementFollowUp.objects.filter(agreement=OuterRef("pk"), date__lte=day)
        .exclude(new_status="")
        .order_by("-date", "-recorded_at")
        .values("new_status")[:1]
    )
    return (
        committee.agreements.filter(point__session__date__lt=day)
        .annotate(status_then=Coalesce(Subquery(status_then), Value(Agreement.Status.PENDING)))
        .filter(status_then__in=Agreement.OPEN_STATUSES)
        .select_related("point__session", "responsible")
        .order_by(
            "point__session__date", "point__session__start_time", "point__session_id", "sequence"
        )
    )
