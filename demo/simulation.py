"""
A simulated season of the demo committee, played through the same services the pages use:
convening, attendance, quorum, votes, agreements with follow-up, actas drafted and approved
at the following session, and the informes (bimonthly and final) written and presented at
their points. Every simulated session and informe says so.
"""

import dataclasses
import datetime

from django.db import transaction

from agendas.models import AgendaPoint, Agreement
from agendas.services import (
    adopt_agreement,
    follow_up_agreement,
    insert_point,
    installation_date,
    open_agreements_on,
    record_minutes,
)
from committees.models import Committee, Membership
from committees.spanish import add_months, long_date
from reports.informes import (
    create_informe,
    final_period,
    present_informe,
    update_informe_text,
)
from reports.models import Informe
from reports.services import (
    answer_circulation,
    circulate_acta,
    circulation_voters,
    draft_acta,
    record_point_votes,
)
from sessions.models import Attendance, Session
from sessions.services import (
    close_session,
    convene_session,
    open_session,
    record_attendance,
)

SIMULATION_NOTE = "Registro simulado para la demostración (load_demo --simulate)."
PLACE = "Sala de sesiones del Consejo General, IEPC Jalisco (Florencia 2370, Guadalajara)"
# Who misses which session: a season where everyone attends is not a realistic record.
ABSENCES = {
    ("ordinary", 4): "César Ledesma Ugalde",
    ("work_meeting", 5): "Ignacio Alberto Alarcón Alonzo",
}


@dataclasses.dataclass
class SimulationSummary:
    sessions_held: int = 0
    votes: int = 0
    agreements: int = 0
    follow_ups: int = 0
    actas_drafted: int = 0
    actas_approved: int = 0
    actas_approved_by_circulation: int = 0
    informes_presented: int = 0


def _at(session: Session, time: datetime.time, days_before: int = 0) -> datetime.datetime:
    day = session.date - datetime.timedelta(days=days_before)
    return datetime.datetime.combine(day, time, tzinfo=session.committee.zone)


def _schedule(session: Session) -> None:
    ordinary = session.kind != Session.Kind.WORK_MEETING
    session.start_time = datetime.time(11, 0) if ordinary else datetime.time(10, 0)
    session.end_time = datetime.time(13, 30) if ordinary else datetime.time(12, 0)
    session.place = PLACE
    session.video_link = "https://reuniones.iepcjalisco.org.mx/cotaprep"
    if SIMULATION_NOTE not in session.notes:
        session.notes = f"{session.notes}\n{SIMULATION_NOTE}".strip()
    session.save()


def _ensure_extraordinary_acta_point(committee: Committee) -> None:
    """
    The work plan's closing session approves the acta of the seventh ordinary session but
    not the extraordinary one held in between; the simulation adds that point so that every
    acta but the last is approved.
    """
    closing = committee.sessions.get(role=Session.Role.CLOSING)
    extraordinary = committee.sessions.filter(kind=Session.Kind.EXTRAORDINARY).first()
    if extraordinary is None or closing.points.filter(approves_acta_of=extraordinary).exists():
        return
    acta_point = closing.points.get(standard=AgendaPoint.Standard.PREVIOUS_ACTA)
    insert_point(
        closing,
        title=f"Aprobación del acta de la {extraordinary.reference} del {committee.short_name}",
        kind=AgendaPoint.Kind.APPROVAL,
        position=acta_point.position + 1,
        standard=AgendaPoint.Standard.PREVIOUS_ACTA,
        approves_acta_of=extraordinary,
    )


@transaction.atomic
def simulate_season(
    committee: Committee, *, until: datetime.date | None = None
) -> SimulationSummary:
    """
    Hold every planned session of the committee (with ``until``, those before that day), in
    date order. Safe to run again. Without ``until`` the season is over, and the last acta
    is approved by circulation; with it, that acta stays a draft open to observations.
    """
    summary = SimulationSummary()
    _ensure_extraordinary_acta_point(committee)
    seats = list(committee.memberships.select_related("person"))
    secretary = next(m for m in seats if m.role == Membership.Role.TECHNICAL_SECRETARY)
    # Sessions held by an earlier run that predates the informes get theirs now.
    for session in committee.sessions.filter(status=Session.Status.HELD).order_by("date"):
        _present_informes(session, summary)
    sessions = committee.sessions.filter(status=Session.Status.PLANNED).order_by("date")
    if until is not None:
        sessions = sessions.filter(date__lt=until)
    for session in sessions:
        _hold(session, seats, secretary, summary, done_when_due=until is not None)
    if until is None:
        _circulate_last_acta(committee, summary)
    return summary


def _circulate_last_acta(committee: Committee, summary: SimulationSummary) -> None:
    """
    The acta of the last session held (the closing session) has no later session to
    approve it: it is circulated and each member with vote approves it in the days after.
    """
    last = (
        committee.sessions.with_acta()
        .filter(status=Session.Status.HELD)
        .order_by("-date", "-start_time")
        .first()
    )
    acta = getattr(last, "acta", None) if last else None
    if acta is None or acta.is_frozen:
        return
    if acta.circulated_at is None:
        circulate_acta(acta)
    for days, voter in enumerate(circulation_voters(acta).order_by("person__name"), start=2):
        acta.refresh_from_db()
        if acta.is_frozen:
            break
        answer_circulation(
            acta,
            membership=voter,
            decision="approve",
            decided_at=_at(last, datetime.time(12), days_before=-days),
        )
    acta.refresh_from_db()
    if acta.is_frozen:
        summary.actas_approved += 1
        summary.actas_approved_by_circulation += 1


def _hold(session, seats, secretary, summary: SimulationSummary, *, done_when_due=False) -> None:
    _schedule(session)
    notice_days = 2 if session.kind == Session.Kind.EXTRAORDINARY else 5
    # A simulation sends no mail: the demo people are real public servants.
    convene_session(
        session, now=_at(session, datetime.time(10), days_before=notice_days), notify=False
    )
    absent = ABSENCES.get((session.kind, session.number))
    for seat in seats:
        if not seat.is_active_on(session.date):
            continue
        if seat.person.name == absent:
            record_attendance(session, seat, Attendance.Status.ABSENT)
        else:
            record_attendance(
                session, seat, Attendance.Status.PRESENT, arrival_time=session.start_time
            )
    open_session(session, started_at=session.start_time)
    voters = [
        seat
        for seat in seats
        if seat.has_vote and seat.is_active_on(session.date) and seat.person.name != absent
    ]
    for point in session.points.order_by("position"):
        record_minutes(point, minutes=_minutes(point, secretary))
        if point.standard == AgendaPoint.Standard.AGREEMENTS_FOLLOW_UP:
            summary.follow_ups += _follow_up(session, point, done_when_due=done_when_due)
        if point.kind != AgendaPoint.Kind.APPROVAL:
            continue
        outcome = record_point_votes(point, [(voter, "for") for voter in voters])
        summary.votes += outcome.changed
        if outcome.approved_acta is not None:
            summary.actas_approved += 1
        elif not point.standard:
            adopt_agreement(
                point,
                text=agreement_text(point.title),
                responsible=secretary.person,
                due_date=session.date + datetime.timedelta(days=30),
            )
            summary.agreements += 1
    close_session(session, ended_at=session.end_time)
    summary.sessions_held += 1
    if session.has_acta:
        draft_acta(session)
        summary.actas_drafted += 1
    _present_informes(session, summary)


APPROVAL_OPENINGS = (
    ("Aprobación del ", "Se aprueba el "),
    ("Aprobación de la ", "Se aprueba la "),
    ("Aprobación de los ", "Se aprueban los "),
    ("Aprobación de las ", "Se aprueban las "),
)


def agreement_text(title: str) -> str:
    """ "Aprobación del dictamen…" becomes "Se aprueba el dictamen…" (not "Se aprueba: Aprob…")."""
    for opening, verb in APPROVAL_OPENINGS:
        if title.startswith(opening):
            return f"{verb}{title[len(opening) :]}."
    return f"Se aprueba: {title[:1].lower()}{title[1:]}."


def _minutes(point: AgendaPoint, secretary: Membership) -> str:
    if point.kind == AgendaPoint.Kind.APPROVAL:
        return (
            f"La Secretaría Técnica, a cargo de {secretary.person.full_name}, presentó el punto "
            "y lo sometió a votación."
        )
    if point.kind == AgendaPoint.Kind.GENERAL_MATTERS:
        return "No se registraron asuntos generales."
    return "La Secretaría Técnica presentó el punto; las y los integrantes hicieron comentarios."


def _follow_up(session: Session, point: AgendaPoint, *, done_when_due: bool = False) -> int:
    """
    Report on every open agreement; those of earlier months are reported as done (with
    ``done_when_due``, those whose due date has passed, so that a season still under way
    keeps agreements open).
    """
    count = 0
    for agreement in open_agreements_on(session.committee, session.date):
        if done_when_due:
            done = agreement.due_date is not None and agreement.due_date < session.date
        else:
            done = agreement.point.session.date.month != session.date.month
        follow_up_agreement(
            agreement,
            note="Se informó su cumplimiento." if done else "Se informó el avance.",
            date=session.date,
            new_status=Agreement.Status.DONE if done else Agreement.Status.IN_PROGRESS,
            at_point=point,
        )
        count += 1
    return count


# --- Informes -----------------------------------------------------------------------------

INFORME_STANDARDS = (AgendaPoint.Standard.BIMONTHLY_INFORME, AgendaPoint.Standard.FINAL_INFORME)


def _present_informes(session: Session, summary: SimulationSummary) -> None:
    """Write and present the informe due at each informe point of a held session (once)."""
    points = session.points.filter(standard__in=INFORME_STANDARDS).order_by("position")
    for point in points:
        if point.presented_informes.exists():
            continue
        informe = _informe_due_at(point)
        if informe.status != Informe.Status.DRAFT:
            continue
        update_informe_text(informe, **_informe_text(informe))
        present_informe(informe, at_point=point)
        summary.informes_presented += 1


def _informe_due_at(point: AgendaPoint) -> Informe:
    """
    The informe a point presents, created if missing. A bimonthly one is numbered by the
    order of the informe points in the calendar and covers the two months before the
    session's month (from the installation, for the first one); the final one, the term.
    """
    committee = point.session.committee
    if point.standard == AgendaPoint.Standard.FINAL_INFORME:
        existing = committee.informes.filter(kind=Informe.Kind.FINAL).first()
        start, end = final_period(committee)
        return existing or create_informe(
            committee, kind=Informe.Kind.FINAL, period_start=start, period_end=end
        )
    earlier = AgendaPoint.objects.filter(
        session__committee=committee,
        standard=AgendaPoint.Standard.BIMONTHLY_INFORME,
        session__date__lt=point.session.date,
    ).count()
    number = earlier + 1
    existing = committee.informes.filter(kind=Informe.Kind.BIMONTHLY, number=number).first()
    if existing is not None:
        return existing
    month = point.session.date.replace(day=1)
    start = add_months(month, -2)
    installed = installation_date(committee)
    if installed and installed > start:
        start = installed
    return create_informe(
        committee,
        kind=Informe.Kind.BIMONTHLY,
        number=number,
        period_start=start,
        period_end=month - datetime.timedelta(days=1),
    )


INFORME_NOTE = "[Texto simulado para la demostración (load_demo --simulate).]"


def _informe_text(informe: Informe) -> dict:
    """Narrative sections as a secretariat would write them, marked as simulated."""
    committee = informe.committee
    held = list(
        committee.sessions.filter(
            status=Session.Status.HELD,
            date__gte=informe.period_start,
            date__lte=informe.period_end,
        ).order_by("date")
    )
    meetings = sum(1 for s in held if s.kind == Session.Kind.WORK_MEETING)
    topics = list(
        AgendaPoint.objects.filter(session__in=held, standard="")
        .order_by("session__date", "position")
        .values_list("title", flat=True)[:3]
    )
    agreements = committee.agreements.filter(
        point__session__in=[s.pk for s in held if s.has_acta]
    ).count()
    period = f"del {long_date(informe.period_start)} al {long_date(informe.period_end)}"
    narrative = [
        INFORME_NOTE,
        f"En el periodo {period}, el {committee.short_name} celebró "
        f"{_count(len(held) - meetings, 'sesión', 'sesiones')} y "
        f"{_count(meetings, 'reunión formal', 'reuniones formales')} de trabajo con las "
        "representaciones de partidos políticos, con la asistencia y el quórum que se "
        f"detallan en este informe, y adoptó {_count(agreements, 'acuerdo', 'acuerdos')}.",
    ]
    if topics:
        narrative.append(
            "Entre los asuntos analizados destacan: "
            + "; ".join(title[:1].lower() + title[1:] for title in topics)
            + "."
        )
    if informe.kind == Informe.Kind.FINAL:
        narrative.append(
            f"Con este informe, el {committee.short_name} da cuenta del cumplimiento de las "
            "atribuciones que le confirió su acuerdo de integración durante todo su encargo."
        )
        return {
            "narrative": "\n\n".join(narrative),
            "plans": "",
            "recommendations": "\n\n".join(
                [
                    INFORME_NOTE,
                    "Aprobar el calendario de sesiones con reuniones formales de trabajo en "
                    "todos los meses del encargo, incluido el de la jornada electoral.",
                    "Presentar cada informe bimestral dentro de los dos meses siguientes al "
                    "anterior, para no acumular periodos sin informar.",
                    "Entregar los documentos de cada sesión con la convocatoria, para que las "
                    "y los integrantes los revisen con anticipación.",
                ]
            ),
        }
    upcoming = list(
        AgendaPoint.objects.filter(
            session__committee=committee,
            standard="",
            session__date__gt=informe.period_end,
            session__date__lte=add_months(informe.period_end, 2),
        )
        .order_by("session__date", "position")
        .values_list("title", flat=True)[:3]
    )
    plans = [INFORME_NOTE]
    if upcoming:
        plans.append(
            "Para el siguiente bimestre se prevé: "
            + "; ".join(title[:1].lower() + title[1:] for title in upcoming)
            + "."
        )
    else:
        plans.append("Para el siguiente bimestre se prevé continuar con el seguimiento del PREP.")
    return {"narrative": "\n\n".join(narrative), "plans": "\n\n".join(plans), "recommendations": ""}


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
