"""Workflows on agendas: the standard points of each kind of session, inserting, reordering."""

import dataclasses
import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from committees.models import Committee, Membership, Person
from committees.spanish import add_months, month_name, months_between, ordinal
from sessions.models import Attendance, Session
from sessions.services import next_session_number, renumber_sessions

from .models import AgendaPoint, Agreement, AgreementFollowUp, Vote

Kind = AgendaPoint.Kind
Standard = AgendaPoint.Standard

# Points that stay at the end of the agenda: specific points are inserted before them.
TRAILING_STANDARDS = (
    Standard.GENERAL_MATTERS,
    Standard.SUMMARY_AND_CLOSING,
    Standard.COMMITTEE_CLOSING,
)
_REORDER_OFFSET = 10_000


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
    if session.points.exists():
        raise ValidationError(_("La sesión ya tiene orden del día."))
    return AgendaPoint.objects.bulk_create(
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


@transaction.atomic
def insert_point(
    session: Session, *, title: str, kind: str, position: int | None = None, **fields
) -> AgendaPoint:
    """Insert a specific point, moving the following ones down one place."""
    Session.objects.select_for_update().filter(pk=session.pk).get()
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
    following = session.points.filter(position__gte=position)
    following.update(position=F("position") + _REORDER_OFFSET)
    following_now = session.points.filter(position__gte=_REORDER_OFFSET)
    following_now.update(position=F("position") - _REORDER_OFFSET + 1)
    point = AgendaPoint(session=session, position=position, title=title, kind=kind, **fields)
    point.full_clean()
    point.save()
    return point


@transaction.atomic
def reorder_points(session: Session, point_ids: list[int]) -> None:
    """Put the session's points in the order given; positions become 1..n."""
    Session.objects.select_for_update().filter(pk=session.pk).get()
    current = set(session.points.values_list("pk", flat=True))
    if len(point_ids) != len(set(point_ids)) or set(point_ids) != current:
        raise ValidationError(
            _(
                "El orden recibido no corresponde a los puntos actuales de la sesión; "
                "recargue la página e intente de nuevo."
            )
        )
    session.points.update(position=F("position") + _REORDER_OFFSET)
    for position, pk in enumerate(point_ids, start=1):
        AgendaPoint.objects.filter(pk=pk).update(position=position)


@transaction.atomic
def delete_point(point: AgendaPoint) -> None:
    """Delete a point and close the gap it leaves."""
    session = point.session
    Session.objects.select_for_update().filter(pk=session.pk).get()
    position = point.position
    point.delete()
    following = session.points.filter(position__gt=position)
    following.update(position=F("position") + _REORDER_OFFSET)
    session.points.filter(position__gt=_REORDER_OFFSET).update(
        position=F("position") - _REORDER_OFFSET - 1
    )


@transaction.atomic
def cast_vote(point: AgendaPoint, membership: Membership, sense: str) -> Vote:
    """
    Record (or change) one member's vote on a point for approval. The session must have
    been opened with quorum, and only a member with vote, present at the session and whose
    term covers its date, may vote (Vote.clean says why not, in Spanish).
    """
    session = point.session
    if session.opened_at is None:
        raise ValidationError(_("No se puede votar: la sesión no se ha abierto con quórum."))
    present = session.attendances.filter(
        membership=membership, status__in=Attendance.PRESENT_STATUSES
    ).exists()
    if membership.has_vote and not present:
        raise ValidationError(
            _("%(name)s no está registrada como presente en la sesión.")
            % {"name": membership.person.full_name}
        )
    vote = Vote.objects.filter(point=point, membership=membership).first() or Vote(
        point=point, membership=membership
    )
    vote.sense = sense
    vote.full_clean()
    vote.save()
    return vote


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


@transaction.atomic
def adopt_agreement(
    point: AgendaPoint,
    *,
    text: str,
    responsible: Person | None = None,
    due_date: datetime.date | None = None,
) -> Agreement:
    """
    Record an agreement adopted under a point, numbered by the committee's pattern. The
    consecutive counts within what the rest of the pattern fixes (per session for the
    default pattern, per year for "{COMMITTEE}/{YEAR}/{SEQ}"), with no gaps: the committee
    row is locked so that two agreements adopted at once never take the same number.
    """
    session = point.session
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
    agreement.save()
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
    """Log the progress of an agreement; a new status, if given, becomes its status."""
    entry = AgreementFollowUp(
        agreement=agreement,
        note=note.strip(),
        date=date,
        new_status=new_status,
        at_point=at_point,
        recorded_by=by,
    )
    entry.full_clean()
    entry.save()
    if new_status and new_status != agreement.status:
        agreement.status = new_status
        agreement.save(update_fields=["status"])
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
