"""
Informes of a committee: bimonthly (numbered, for a two-month period) and final (the whole
term). Their content is compiled from the records; the secretariat writes the narrative
sections while the informe is a draft, then presents it at the informe point of a held
session, which archives it.
"""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from agendas.models import AgendaPoint, Agreement, AgreementFollowUp, Document
from agendas.services import SESSION_CODES, installation_date
from committees.models import Committee, Membership
from committees.spanish import add_months, long_date, months_between, spanish_sort_key
from config.site import absolute_url
from sessions.folios import issue_informe_folio
from sessions.models import Attendance, Folio, Session

from . import archive, compliance
from .letterhead import letterhead
from .models import Acta, Informe
from .verification import qr_svg, verify_url

# The standard point at which each kind of informe is presented.
PRESENTING_STANDARD = {
    Informe.Kind.BIMONTHLY: AgendaPoint.Standard.BIMONTHLY_INFORME,
    Informe.Kind.FINAL: AgendaPoint.Standard.FINAL_INFORME,
}

# The attendance matrix: one letter per seat and session, explained by the legend.
ATTENDANCE_MARKS = {
    Attendance.Status.PRESENT: "A",
    Attendance.Status.REMOTE: "D",
    Attendance.Status.ABSENT: "F",
    Attendance.Status.EXCUSED: "J",
}
NO_RECORD_MARK = "—"
NO_SEAT_MARK = "·"
# Columns per block of the printed matrix, so that it fits the width of a letter page.
MATRIX_COLUMNS_PER_BLOCK = 10


@dataclasses.dataclass(frozen=True)
class InformeProposal:
    """What the next bimonthly informe of a committee would be: its number and period."""

    number: int
    period_start: datetime.date | None
    period_end: datetime.date | None


def _month_end(day: datetime.date) -> datetime.date:
    return add_months(day.replace(day=1), 1) - datetime.timedelta(days=1)


def bimonthly_period(start: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The two-month period that begins on ``start``: to the end of the following month."""
    return start, _month_end(add_months(start.replace(day=1), 1))


def propose_next_informe(committee: Committee) -> InformeProposal:
    """
    The next bimonthly informe: numbered after the last one, for the two months after its
    period; the first one starts at the installation. Periods never run past the
    committee's conclusion. Dates are None when the committee has no installation date.
    """
    last = committee.informes.filter(kind=Informe.Kind.BIMONTHLY).order_by("-number").first()
    if last is not None:
        number, start = last.number + 1, last.period_end + datetime.timedelta(days=1)
    else:
        number, start = 1, installation_date(committee)
    if start is None:
        return InformeProposal(number, None, None)
    start, end = bimonthly_period(start)
    if committee.closed_on and committee.closed_on >= start:
        end = min(end, committee.closed_on)
    return InformeProposal(number, start, end)


def final_period(committee: Committee) -> tuple[datetime.date | None, datetime.date | None]:
    """The whole term: from the installation to the conclusion (or the last session)."""
    start = installation_date(committee)
    end = committee.closed_on
    if end is None:
        last = committee.sessions.in_calendar().order_by("-date").first()
        end = last.date if last else None
    return start, end


def _period_text(start: datetime.date, end: datetime.date) -> str:
    return _("del %(start)s al %(end)s") % {"start": long_date(start), "end": long_date(end)}


# --- Services -----------------------------------------------------------------------------


@transaction.atomic
def create_informe(
    committee: Committee,
    *,
    kind: str,
    number: int | None = None,
    period_start: datetime.date,
    period_end: datetime.date,
) -> Informe:
    """
    A draft informe. A bimonthly one is numbered (the next number when none is given) and
    covers at most two calendar months that no other bimonthly informe covers; the final
    one has no number and is one per committee. Both lie within the committee's term.
    """
    # Two secretaries creating informes at once must not take the same number.
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    if kind not in Informe.Kind.values:
        raise ValidationError({"kind": _("Elija el tipo de informe: bimestral o final.")})
    errors = {}
    if period_end < period_start:
        errors["period_end"] = _("El fin del periodo no puede ser anterior a su inicio.")
    installed = installation_date(committee)
    if installed and period_start < installed:
        errors["period_start"] = _(
            "El periodo no puede empezar antes de la instalación del órgano (%(day)s)."
        ) % {"day": long_date(installed)}
    if committee.closed_on and period_end > committee.closed_on:
        errors.setdefault("period_end", _(
            "El periodo no puede terminar después de la conclusión del órgano (%(day)s)."
        ) % {"day": long_date(committee.closed_on)})  # fmt: skip
    if kind == Informe.Kind.BIMONTHLY:
        if number is None:
            number = propose_next_informe(committee).number
        errors.update(_bimonthly_errors(committee, number, period_start, period_end))
    else:
        number = None
        existing = committee.informes.filter(kind=Informe.Kind.FINAL).first()
        if existing is not None:
            errors["kind"] = _("Este órgano ya tiene su informe final.")
    if errors:
        raise ValidationError(errors)
    informe = Informe(
        committee=committee,
        kind=kind,
        number=number,
        period_start=period_start,
        period_end=period_end,
    )
    informe.full_clean()
    informe.save()
    return informe


def _bimonthly_errors(committee, number, start, end) -> dict:
    errors = {}
    if number < 1:
        errors["number"] = _("Los informes bimestrales se numeran a partir de 1.")
    else:
        taken = committee.informes.filter(kind=Informe.Kind.BIMONTHLY, number=number).first()
        if taken is not None:
            errors["number"] = _("Ya existe el %(title)s de este órgano.") % {"title": taken.title}
    if end >= start and months_between(start, end) > 1:
        errors["period_end"] = _(
            "Un informe bimestral abarca a lo más dos meses del calendario; este periodo va "
            "%(period)s."
        ) % {"period": _period_text(start, end)}
    elif end >= start:
        overlapping = (
            committee.informes.filter(
                kind=Informe.Kind.BIMONTHLY, period_start__lte=end, period_end__gte=start
            )
            .order_by("period_start")
            .first()
        )
        if overlapping is not None:
            errors["period_start"] = _(
                "El periodo se traslapa con el del %(title)s (%(period)s)."
            ) % {
                "title": overlapping.title,
                "period": _period_text(overlapping.period_start, overlapping.period_end),
            }
    return errors


@transaction.atomic
def update_informe_text(
    informe: Informe, *, narrative: str, plans: str, recommendations: str
) -> Informe:
    """The sections the secretariat writes; only while the informe is a draft."""
    locked = Informe.objects.select_for_update().get(pk=informe.pk)
    if locked.status != Informe.Status.DRAFT:
        raise ValidationError(_("El informe ya fue presentado y no se puede modificar."))
    locked.narrative = narrative.strip()
    locked.plans = plans.strip()
    locked.recommendations = recommendations.strip()
    locked.save(update_fields=["narrative", "plans", "recommendations"])
    informe.narrative, informe.plans = locked.narrative, locked.plans
    informe.recommendations = locked.recommendations
    return informe


def presentation_points(informe: Informe):
    """
    The points where ``informe`` may be presented: its kind's points of held sessions where
    no other informe was presented.
    """
    return (
        AgendaPoint.objects.filter(
            session__committee_id=informe.committee_id,
            session__status=Session.Status.HELD,
            standard=PRESENTING_STANDARD[informe.kind],
            presented_informes__isnull=True,
        )
        .select_related("session")
        .order_by("session__date", "position")
    )


@transaction.atomic
def present_informe(informe: Informe, *, at_point: AgendaPoint) -> Informe:
    """
    Present a draft informe at the informe point of its kind in a held session of the same
    committee, on or after the last day of its period, once its narrative is written. The
    informe is archived when the transaction commits.
    """
    locked = Informe.objects.select_for_update().get(pk=informe.pk)
    session = at_point.session
    if locked.status != Informe.Status.DRAFT:
        raise ValidationError(_("Este informe ya fue presentado."))
    if session.committee_id != locked.committee_id:
        raise ValidationError(_("El punto es de una sesión de otro órgano."))
    if at_point.standard != PRESENTING_STANDARD[locked.kind]:
        raise ValidationError(
            _("El punto «%(title)s» no es el de presentación del %(kind)s.")
            % {"title": at_point.title, "kind": locked.get_kind_display().lower()}
        )
    if session.status != Session.Status.HELD:
        raise ValidationError(
            _("El informe se presenta en una sesión celebrada; la %(session)s está %(status)s.")
            % {"session": session.reference, "status": session.get_status_display().lower()}
        )
    if session.date < locked.period_end:
        raise ValidationError(
            _(
                "El informe se presenta al concluir su periodo (%(end)s); la %(session)s fue "
                "el %(day)s."
            )
            % {
                "end": long_date(locked.period_end),
                "session": session.reference,
                "day": long_date(session.date),
            }
        )
    other = Informe.objects.filter(presented_at_point=at_point).exclude(pk=locked.pk).first()
    if other is not None:
        raise ValidationError(
            _("En ese punto ya se presentó el %(title)s.") % {"title": other.title}
        )
    if not locked.narrative.strip():
        raise ValidationError(_("Escriba la presentación del informe antes de presentarlo."))
    locked.status = Informe.Status.PRESENTED
    locked.presented_at_point = at_point
    locked.presented_on = session.date
    locked.full_clean()
    locked.save()
    # The folio is taken in this transaction, so the archived PDF prints it.
    issue_informe_folio(locked)
    archive.schedule_informe_archive(locked)
    informe.status, informe.presented_at_point = locked.status, at_point
    informe.presented_on = locked.presented_on
    return informe


# --- What the informe says ----------------------------------------------------------------


def committee_header(committee: Committee, title: str, *, address: str) -> dict:
    """
    What every page carries (as reports.documents does for a session's documents); ``address``
    is the absolute address of the document's page on this site.
    """
    return letterhead(committee, title, address=address)


def session_key(session: Session) -> str:
    """
    The short key of a session in the attendance matrix, as agreement numbers code it:
    "SO3", "RT4".
    """
    return f"{SESSION_CODES.get(session.kind, 'S')}{session.number:02d}"


def _status_on(agreement: Agreement, day: datetime.date) -> tuple[str, AgreementFollowUp | None]:
    """
    The agreement's status on ``day`` and its latest follow-up by then, read from the dated
    log (prefetched in order): the current status, unless the log changed it afterwards.
    """
    entries = list(agreement.follow_ups.all())
    until = [entry for entry in entries if entry.date <= day]
    changed_later = any(entry.new_status for entry in entries if entry.date > day)
    status = agreement.status
    if changed_later:
        dated = [entry.new_status for entry in until if entry.new_status]
        status = dated[-1] if dated else Agreement.Status.PENDING
    return status, (until[-1] if until else None)


def _agreement_row(agreement: Agreement, day: datetime.date) -> dict:
    status, follow_up = _status_on(agreement, day)
    session = agreement.point.session
    return {
        "number": agreement.number,
        "text": agreement.text,
        "session": session.title,
        "session_date": long_date(session.date),
        "responsible": agreement.responsible.full_name if agreement.responsible else "",
        "due_date": long_date(agreement.due_date) if agreement.due_date else "",
        "status": str(Agreement.Status(status).label),
        "is_open": status in Agreement.OPEN_STATUSES,
        "follow_up": (
            {"date": long_date(follow_up.date), "note": follow_up.note} if follow_up else None
        ),
    }


def _session_row(session: Session, attendances: list[Attendance]) -> dict:
    present = sum(1 for a in attendances if a.is_present)
    if session.quorum_present is not None:
        quorum = _("%(present)s con voto; se requerían %(required)s") % {
            "present": session.quorum_present,
            "required": session.quorum_required,
        }
    elif session.has_acta:
        quorum = _("No consta")
    else:
        quorum = _("No se requiere")
    return {
        "key": session_key(session),
        "title": session.title,
        "kind": session.get_kind_display(),
        "date": session.date.isoformat(),
        "date_text": long_date(session.date),
        "short_date": f"{session.date:%d/%m}",
        "status": session.get_status_display(),
        "rescheduled_from": long_date(session.rescheduled_from) if session.rescheduled_from else "",
        "present": present,
        "recorded": len(attendances),
        "quorum": quorum,
    }


def _role_order(role: str) -> int:
    return Membership.Role.values.index(role) if role in Membership.Role.values else 99


def _seats_in(memberships: list[Membership], start: datetime.date, end: datetime.date):
    """The seats held at some time in [start, end], by role, then by name (Spanish order)."""
    seats = [m for m in memberships if m.start <= end and (m.end is None or m.end >= start)]
    return sorted(seats, key=lambda m: (_role_order(m.role), spanish_sort_key(m.person.name)))


def _attendance_matrix(seats, sessions, attendance_of) -> dict:
    """
    Rows: the seats, grouped by role; columns: the held sessions, in blocks narrow enough to
    fit the page. ``attendance_of`` maps (session pk, membership pk) to an attendance.
    """
    rows = []
    for seat in seats:
        cells = []
        for session in sessions:
            record = attendance_of.get((session.pk, seat.pk))
            if record is not None:
                cells.append(ATTENDANCE_MARKS.get(record.status, NO_RECORD_MARK))
            elif seat.is_active_on(session.date):
                cells.append(NO_RECORD_MARK)
            else:
                cells.append(NO_SEAT_MARK)
        recorded = [c for c in cells if c not in (NO_RECORD_MARK, NO_SEAT_MARK)]
        rows.append(
            {
                "name": seat.person.full_name,
                "role": seat.role,
                "party": seat.party.acronym if seat.party else "",
                "cells": cells,
                "attended": sum(1 for c in recorded if c in ("A", "D")),
                "recorded": len(recorded),
            }
        )
    groups = []
    for row in rows:
        if not groups or groups[-1]["role"] != row["role"]:
            groups.append({"role": row["role"], "rows": []})
        groups[-1]["rows"].append(row)
    for group in groups:
        label = Membership.Role(group["role"]).label
        group["heading"] = Membership.group_heading(label, len(group["rows"]))
    columns = [
        {"key": session_key(s), "short_date": f"{s.date:%d/%m}", "title": s.title} for s in sessions
    ]
    size = MATRIX_COLUMNS_PER_BLOCK
    blocks = []
    for first in range(0, max(len(columns), 1), size):
        last_block = first + size >= len(columns)
        blocks.append(
            {
                "columns": columns[first : first + size],
                "groups": [
                    {
                        "heading": group["heading"],
                        "rows": [
                            {**row, "cells": row["cells"][first : first + size]}
                            for row in group["rows"]
                        ],
                    }
                    for group in groups
                ],
                "totals": last_block,
            }
        )
    return {
        "columns": columns,
        "groups": groups,
        "blocks": blocks if columns else [],
        "legend": [
            ("A", _("asistió en persona")),
            ("D", _("asistió a distancia")),
            ("F", _("faltó")),
            ("J", _("ausencia justificada")),
            (NO_RECORD_MARK, _("sin registro de asistencia")),
            (NO_SEAT_MARK, _("sin cargo vigente en esa fecha")),
        ],
    }


def _secretary(memberships: list[Membership], day: datetime.date) -> Membership | None:
    secretaries = [m for m in memberships if m.role == Membership.Role.TECHNICAL_SECRETARY]
    active = [m for m in secretaries if m.is_active_on(day)]
    pool = active or secretaries
    return max(pool, key=lambda m: m.start) if pool else None


def compliance_day(informe: Informe) -> datetime.date:
    """The day the compliance section judges the record on: presentation, or period end."""
    return informe.presented_on or informe.period_end


def informe_context(informe: Informe) -> dict:
    """
    Everything the informe states, compiled from the records of its committee, plain data
    for the template, read in a fixed number of queries whatever the number of sessions,
    seats or agreements.
    """
    committee = Committee.objects.select_related("institution", "process").get(
        pk=informe.committee_id
    )
    start, end = informe.period_start, informe.period_end
    is_final = informe.kind == Informe.Kind.FINAL
    sessions = list(committee.sessions.order_by("date", "start_time", "kind", "number"))
    held = [s for s in sessions if s.status == Session.Status.HELD and start <= s.date <= end]
    memberships = list(committee.memberships.select_related("person", "party"))
    attendance_by_session: dict[int, list[Attendance]] = {s.pk: [] for s in held}
    attendance_of = {}
    for record in Attendance.objects.filter(session__in=[s.pk for s in held]):
        attendance_by_session[record.session_id].append(record)
        attendance_of[(record.session_id, record.membership_id)] = record
    agreements = list(
        committee.agreements.filter(point__session__date__lte=end)
        .select_related("point__session", "responsible")
        .prefetch_related(
            Prefetch(
                "follow_ups", queryset=AgreementFollowUp.objects.order_by("date", "recorded_at")
            )
        )
        .order_by("point__session__date", "point__session__start_time", "sequence")
    )
    agreement_rows = [_agreement_row(a, end) for a in agreements]
    adopted = [
        row
        for agreement, row in zip(agreements, agreement_rows, strict=True)
        if start <= agreement.point.session.date <= end
    ]
    secretary = _secretary(memberships, end)
    presented = None
    if informe.presented_at_point_id:
        point = AgendaPoint.objects.select_related("session").get(pk=informe.presented_at_point_id)
        presented = {
            "session": point.session.title,
            "session_reference": point.session.reference,
            "point": point.position,
            "date": informe.presented_on.isoformat() if informe.presented_on else "",
            "date_text": long_date(informe.presented_on) if informe.presented_on else "",
        }
    header = committee_header(
        committee,
        informe.title,
        # The informe's page shows the archived file's SHA-256 once it is presented.
        address=absolute_url(reverse("reports:informe", args=[informe.pk])),
    )
    folio = Folio.objects.filter(informe=informe).values_list("code", flat=True).first()
    if folio:
        header["folio"] = folio
        header["verify_url"] = verify_url(folio=folio)
        header["verify_qr"] = qr_svg(header["verify_url"])
    context = {
        "header": header,
        "informe": {
            "pk": informe.pk,
            "title": informe.title,
            "kind": informe.kind,
            "kind_label": informe.get_kind_display(),
            "is_final": is_final,
            "number": informe.number,
            "status": informe.get_status_display(),
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "period_text": _period_text(start, end),
            "narrative": informe.narrative,
            "plans": informe.plans,
            "recommendations": informe.recommendations,
        },
        "is_draft": informe.status == Informe.Status.DRAFT,
        "presented": presented,
        "committee": {
            "name": committee.name,
            "short_name": committee.short_name,
            "institution": committee.institution.name,
            "process": committee.process.name if committee.process else "",
        },
        "sessions_held": [_session_row(s, attendance_by_session[s.pk]) for s in held],
        "attendance": _attendance_matrix(_seats_in(memberships, start, end), held, attendance_of),
        "secretary": {
            "name": secretary.person.full_name if secretary else "",
            "job_title": secretary.person.job_title if secretary else "",
        },
        "compliance_day": long_date(compliance_day(informe)),
        # The shared compliance include names the mode it reports on.
        "compliance_on": compliance.RECORD,
        # The annex: only the rules that apply and could be decided, each with its article.
        "compliance": [
            result
            for result in compliance.check_committee(
                committee, on=compliance.RECORD, today=compliance_day(informe)
            )
            if result.result != "undecidable" and result.cites
        ],
    }
    if is_final:
        context.update(_final_sections(committee, sessions, held, memberships, agreement_rows))
    else:
        context.update(
            {
                "agreements_adopted": adopted,
                "agreements_open": [row for row in agreement_rows if row["is_open"]],
                "documents": _documents(held),
                "next_period": _next_period(sessions, end),
            }
        )
    return context


def _documents(held: list[Session]) -> list[dict]:
    documents = (
        Document.objects.filter(point__session__in=[s.pk for s in held])
        .select_related("point__session")
        .order_by("point__session__date", "point__position", "title")
    )
    return [
        {
            "title": document.title,
            "session": document.point.session.title,
            "date_text": long_date(document.point.session.date),
            "point": document.point.position,
        }
        for document in documents
    ]


def _next_period(sessions: list[Session], end: datetime.date) -> dict:
    first = end + datetime.timedelta(days=1)
    _start, last = bimonthly_period(first)
    planned = [
        s for s in sessions if first <= s.date <= last and s.status != Session.Status.CANCELLED
    ]
    return {
        "period_text": _period_text(first, last),
        "sessions": [
            {
                "title": s.title,
                "kind": s.get_kind_display(),
                "date": s.date.isoformat(),
                "date_text": long_date(s.date),
                "status": s.get_status_display(),
            }
            for s in planned
        ],
    }


def _final_sections(committee, sessions, held, memberships, agreement_rows) -> dict:
    counts = []
    for kind, label in Session.Kind.choices:
        of_kind = [s for s in sessions if s.kind == kind]
        if not of_kind:
            continue
        counts.append(
            {
                "kind": label,
                "held": sum(1 for s in of_kind if s.status == Session.Status.HELD),
                "cancelled": sum(1 for s in of_kind if s.status == Session.Status.CANCELLED),
                "planned": len(of_kind),
            }
        )
    actas = {
        acta.session_id: acta
        for acta in Acta.objects.filter(session__committee=committee).select_related(
            "approved_at_point__session"
        )
    }
    acta_rows = []
    for session in sessions:
        if not session.has_acta or session.status != Session.Status.HELD:
            continue
        acta = actas.get(session.pk)
        approving = acta.approved_at_point.session if acta and acta.approved_at_point else None
        acta_rows.append(
            {
                "session": session.title,
                "date_text": long_date(session.date),
                "status": acta.get_status_display() if acta else _("Sin elaborar"),
                "approved_on": long_date(acta.approved_on) if acta and acta.approved_on else "",
                "approved_at": approving.reference if approving else "",
                "approved_at_point": acta.approved_at_point.position if approving else None,
            }
        )
    seats = sorted(
        memberships, key=lambda m: (_role_order(m.role), spanish_sort_key(m.person.name))
    )
    return {
        "integration": {
            "legal_basis": committee.legal_basis,
            "integration_act": committee.integration_act,
            "integrated_on": long_date(committee.integrated_on) if committee.integrated_on else "",
            "installed_on": long_date(committee.installed_on) if committee.installed_on else "",
            "closed_on": long_date(committee.closed_on) if committee.closed_on else "",
            "attributions": [
                {"label": a.label, "text": a.text} for a in committee.attributions.all()
            ],
            "members": [
                {
                    "name": seat.person.full_name,
                    "role": seat.get_role_display(),
                    "party": seat.party.acronym if seat.party else "",
                    "term": _period_text(seat.start, seat.end)
                    if seat.end
                    else _("desde el %(start)s") % {"start": long_date(seat.start)},
                    "appointing_act": seat.appointing_act,
                }
                for seat in seats
            ],
        },
        "session_counts": counts,
        "held_total": len(held),
        "calendar": [_session_row(s, []) for s in sessions],
        "agreements_all": agreement_rows,
        "actas": acta_rows,
    }
