"""
Checks a committee's calendar ("plan") or its records ("record") against the rules kept as
data (committees.Rule): the Reglamento de Elecciones for a COTAPREP and the defaults for every
collegiate body. Thresholds always come from the rules' parameters, with the committee's own
values on top (as ``rule_parameters`` reads them); missing data makes a rule undecidable,
never an exception. The number of queries does not grow with the number of sessions.
"""

import dataclasses
import datetime
from collections.abc import Callable

from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from agendas.models import AgendaPoint, Agreement, AgreementFollowUp, Vote
from committees.models import Committee, Membership, Rule
from committees.spanish import add_months, capitalize_first, long_date, month_name
from reports.models import Acta, Informe
from sessions.models import Session
from sessions.services import required_for_quorum

PASS = "pass"  # noqa: S105 - a verdict, not a password
FAIL = "fail"
UNDECIDABLE = "undecidable"
PLAN = "plan"
RECORD = "record"


@dataclasses.dataclass
class RuleResult:
    """How a committee stands against one rule, with the facts that decided it."""

    rule: str
    result: str
    level: str
    cites: str
    certainty: str
    statement: str
    evidence: list[str]
    objects: list[tuple[str, str | None]] = dataclasses.field(default_factory=list)


class Undecidable(Exception):  # noqa: N818 - a verdict, not an error
    """Raised by a check when the data it needs is missing; the message says which."""


@dataclasses.dataclass
class Outcome:
    result: str
    evidence: list[str]
    objects: list[tuple[str, str | None]] = dataclasses.field(default_factory=list)


class _Context:
    """What every check reads, loaded once per committee."""

    def __init__(self, committee: Committee, on: str, today: datetime.date):
        self.committee = committee
        self.on = on
        self.today = today
        self.all_sessions = list(
            committee.sessions.order_by("date", "start_time", "kind", "number")
        )
        if on == PLAN:
            self.sessions = [s for s in self.all_sessions if s.status != Session.Status.CANCELLED]
        else:
            # The record as of ``today``: an informe checks the record up to its cut date.
            self.sessions = [
                s for s in self.all_sessions if s.status == Session.Status.HELD and s.date <= today
            ]
        self.memberships = list(committee.memberships.select_related("person"))

    @property
    def election_day(self) -> datetime.date:
        election_day = self.committee.election_day
        if election_day is None:
            raise Undecidable(
                _("Falta el dato: jornada electoral (el órgano no tiene proceso electoral).")
            )
        return election_day

    @property
    def installed_on(self) -> datetime.date:
        if self.committee.installed_on:
            return self.committee.installed_on
        installation = next((s for s in self.sessions if s.role == Session.Role.INSTALLATION), None)
        if installation is None:
            raise Undecidable(_("Falta el dato: fecha de instalación del órgano."))
        return installation.date

    def require_sessions(self) -> list[Session]:
        if not self.sessions:
            if self.on == PLAN:
                raise Undecidable(_("El órgano no tiene sesiones en su calendario."))
            raise Undecidable(_("El órgano aún no ha celebrado sesiones."))
        return self.sessions

    def require_memberships(self) -> list[Membership]:
        if not self.memberships:
            raise Undecidable(_("Falta el dato: el órgano no tiene integrantes registrados."))
        return self.memberships

    def members_on(self, day: datetime.date, roles) -> list[Membership]:
        return [m for m in self.memberships if m.role in roles and m.is_active_on(day)]


def check_committee(
    committee: Committee, *, on: str = PLAN, today: datetime.date | None = None
) -> list[RuleResult]:
    """The result of every rule that applies to the committee's kind, in code order."""
    if on not in (PLAN, RECORD):
        raise ValueError(f"Unknown check mode: {on!r}")
    context = _Context(committee, on, today or timezone.localdate())
    # The parameters as rule_parameters() reads them (the committee's own values over the
    # rule's), loaded in two queries for every rule instead of two per rule.
    overrides = {o.rule_id: o.parameters for o in committee.rule_overrides.all()}
    results = []
    for rule in Rule.objects.order_by("code"):
        if not rule.applies_to_committee(committee):
            continue
        check = CHECKS.get(rule.code)
        try:
            if check is None:
                reason = NOT_CHECKED.get(rule.code) or _("Esta regla aún no se revisa.")
                raise Undecidable(str(reason))
            outcome = check(context, {**rule.parameters, **overrides.get(rule.pk, {})})
        except Undecidable as reason:
            outcome = Outcome(UNDECIDABLE, [str(reason)])
        except KeyError as missing:
            outcome = Outcome(
                UNDECIDABLE,
                [_("Falta el parámetro %(name)s de la regla.") % {"name": missing}],
            )
        results.append(
            RuleResult(
                rule=rule.code,
                result=outcome.result,
                level=rule.level,
                cites=rule.cites,
                certainty=rule.certainty,
                statement=rule.statement,
                evidence=outcome.evidence,
                objects=outcome.objects,
            )
        )
    return results


def default_mode(committee: Committee) -> str:
    """The plan until the committee holds its first session; then what it has held."""
    held = committee.sessions.filter(status=Session.Status.HELD).exists()
    return RECORD if held else PLAN


# Failing levels from the worst: an error is worse than a warning.
LEVEL_ORDER = (Rule.Level.ERROR, Rule.Level.WARNING, Rule.Level.INFO)


@dataclasses.dataclass
class Summary:
    """How many rules pass, fail and cannot be decided, and the worst level that fails."""

    on: str
    passed: int
    failed: int
    undecidable: int
    worst_level: str | None

    @property
    def text(self) -> str:
        """ "Cumplimiento del calendario: 2 reglas no se cumplen (5 no decidibles)"."""
        scope = _("del calendario") if self.on == PLAN else _("de lo celebrado")
        if self.failed:
            verdict = ngettext(
                "%(count)s regla no se cumple", "%(count)s reglas no se cumplen", self.failed
            ) % {"count": self.failed}
        else:
            verdict = _("ninguna regla incumplida")
        if self.undecidable:
            verdict += ngettext(
                " (%(count)s no decidible)", " (%(count)s no decidibles)", self.undecidable
            ) % {"count": self.undecidable}
        return _("Cumplimiento %(scope)s: %(verdict)s") % {"scope": scope, "verdict": verdict}


def summarize(results: list[RuleResult], on: str) -> Summary:
    failing = {r.level for r in results if r.result == FAIL}
    return Summary(
        on=on,
        passed=sum(r.result == PASS for r in results),
        failed=sum(r.result == FAIL for r in results),
        undecidable=sum(r.result == UNDECIDABLE for r in results),
        worst_level=next((level for level in LEVEL_ORDER if level in failing), None),
    )


def committee_summary(committee: Committee) -> Summary:
    """The summary of the committee's default mode (what its page shows)."""
    on = default_mode(committee)
    return summarize(check_committee(committee, on=on), on)


# --- Helpers ------------------------------------------------------------------------------


def _session_label(session: Session) -> str:
    return f"{session.title} ({long_date(session.date)})"


def _session_reference(session: Session) -> str:
    """The session as it reads inside a sentence: "tercera sesión ordinaria (30 de …)"."""
    return f"{session.reference} ({long_date(session.date)})"


def _session_object(session: Session) -> tuple[str, str | None]:
    return (_session_label(session), reverse("sessions:detail", args=[session.pk]))


def _month_label(year: int, month: int) -> str:
    return capitalize_first(f"{month_name(month)} de {year}")


def _months(first: datetime.date, last: datetime.date) -> list[tuple[int, int]]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _month_end(year: int, month: int) -> datetime.date:
    return add_months(datetime.date(year, month, 1), 1) - datetime.timedelta(days=1)


def _verdict(failures: list[str], passes: list[str], objects=None) -> Outcome:
    if failures:
        return Outcome(FAIL, failures, objects or [])
    return Outcome(PASS, passes, objects or [])


def _deadline_before_election(context: _Context, when, months: int, what: str) -> Outcome:
    deadline = add_months(context.election_day, -months)
    if when is None:
        raise Undecidable(_("Falta el dato: %(what)s.") % {"what": what})
    facts = _("%(what)s: %(when)s; límite: %(deadline)s (%(months)s meses antes de la jornada "
              "electoral del %(day)s).") % {
        "what": capitalize_first(what),
        "when": long_date(when),
        "deadline": long_date(deadline),
        "months": months,
        "day": long_date(context.election_day),
    }  # fmt: skip
    return Outcome(PASS if when <= deadline else FAIL, [facts])


# --- PREP rules ---------------------------------------------------------------------------


def check_prep_02(context: _Context, params: dict) -> Outcome:
    parent = context.committee.parent
    when = parent.integrated_on if parent and parent.kind == Committee.Kind.COMMISSION else None
    return _deadline_before_election(
        context,
        when,
        params["months_before_election_day"],
        _("fecha del acuerdo que designa a la comisión de seguimiento"),
    )


def check_prep_03(context: _Context, params: dict) -> Outcome:
    return _deadline_before_election(
        context,
        context.committee.integrated_on,
        params["months_before_election_day"],
        _("fecha de integración del comité"),
    )


def _term(context: _Context) -> tuple[datetime.date, datetime.date]:
    committee = context.committee
    start = committee.installed_on or committee.integrated_on
    if start is None:
        raise Undecidable(_("Falta el dato: fecha de integración o de instalación del órgano."))
    dates = [s.date for s in context.sessions]
    end = committee.closed_on or max([start, *dates])
    return start, end


def _checkpoints(context: _Context) -> list[datetime.date]:
    """
    The term's start, each session and every day a seat begins or ends within the term:
    the count of seats only changes on those days, so checking them checks every day.
    """
    context.require_memberships()
    start, end = _term(context)
    days = {start, *(s.date for s in context.sessions if start <= s.date <= end)}
    for membership in context.memberships:
        days.add(membership.start)
        if membership.end:
            days.add(membership.end + datetime.timedelta(days=1))
    return sorted(day for day in days if start <= day <= end)


def check_prep_04(context: _Context, params: dict) -> Outcome:
    kind = context.committee.institution.kind
    low, high = params["min_members"], params[f"max_members_{kind}"]
    failures = []
    counts = set()
    for day in _checkpoints(context):
        count = len(context.members_on(day, Membership.VOTING_ROLES))
        counts.add(count)
        if not low <= count <= high:
            failures.append(
                _("%(day)s: %(count)s integrantes con voto (se requieren de %(low)s a "
                  "%(high)s).") % {"day": long_date(day), "count": count, "low": low, "high": high}
            )  # fmt: skip
    counts_text = ", ".join(str(c) for c in sorted(counts))
    return _verdict(
        failures,
        [
            _("Integrantes con voto durante toda la vigencia: %(counts)s (de %(low)s a "
              "%(high)s para un %(kind)s).") % {
                "counts": counts_text,
                "low": low,
                "high": high,
                "kind": context.committee.institution.get_kind_display(),
            }
        ],
    )  # fmt: skip


def check_prep_05(context: _Context, params: dict) -> Outcome:
    expected = params["technical_secretaries"]
    roles = (Membership.Role.TECHNICAL_SECRETARY,)
    failures = []
    for day in _checkpoints(context):
        count = len(context.members_on(day, roles))
        if count != expected:
            failures.append(
                _("%(day)s: %(count)s secretarías técnicas vigentes (debe haber %(expected)s).")
                % {"day": long_date(day), "count": count, "expected": expected}
            )
    return _verdict(
        failures,
        [_("Una secretaría técnica vigente en cada sesión y durante toda la vigencia.")],
    )


def _votes(context: _Context) -> list[Vote]:
    return list(
        Vote.objects.filter(point__session__in=[s.pk for s in context.require_sessions()])
        .select_related("membership__person", "point__session")
        .order_by("point__session__date", "point__position", "membership__person__name")
    )


def check_prep_07(context: _Context, params: dict) -> Outcome:
    votes = _votes(context)
    if not votes:
        return Outcome(PASS, [_("Aún no hay votaciones.")])
    failures, objects = [], []
    for vote in votes:
        session = vote.point.session
        seat = vote.membership
        if seat.committee_id != context.committee.pk:
            reason = _("no forma parte del órgano")
        elif not seat.has_vote:
            reason = _("participa con voz, sin voto (%(role)s)") % {"role": seat.get_role_display()}
        elif not seat.is_active_on(session.date):
            reason = _("su cargo no estaba vigente ese día")
        else:
            continue
        failures.append(
            _("%(session)s, punto %(position)s: votó %(person)s, que %(reason)s.")
            % {
                "session": _session_label(session),
                "position": vote.point.position,
                "person": seat.person,
                "reason": reason,
            }
        )
        objects.append(_session_object(session))
    return _verdict(
        failures,
        [_("Votos: %(count)s, todos de integrantes con voto vigentes.") % {"count": len(votes)}],
        objects,
    )


def check_prep_08(context: _Context, params: dict) -> Outcome:
    votes = _votes(context)
    if not votes:
        return Outcome(PASS, [_("Aún no hay votaciones.")])
    speakers = (Membership.Role.GUEST, Membership.Role.PARTY_REPRESENTATIVE)
    failures = [
        _("%(session)s, punto %(position)s: votó %(person)s (%(role)s).")
        % {
            "session": _session_label(vote.point.session),
            "position": vote.point.position,
            "person": vote.membership.person,
            "role": vote.membership.get_role_display(),
        }
        for vote in votes
        if vote.membership.role in speakers
    ]
    return _verdict(failures, [_("Ninguna persona invitada ni representación de partido votó.")])


def _monthly(context: _Context, minimum: int, kinds, what: str) -> Outcome:
    """Each month from the installation's through the election day's has ``minimum``."""
    first, last = context.installed_on, context.election_day
    sessions = context.require_sessions()
    failures, passes = [], []
    for year, month in _months(first, last):
        count = sum(
            1 for s in sessions if s.kind in kinds and (s.date.year, s.date.month) == (year, month)
        )
        label = _month_label(year, month)
        if count >= minimum:
            passes.append(f"{label}: {count}.")
            continue
        if context.on == RECORD and _month_end(year, month) >= context.today:
            # The month is not over: what is missing may still be held.
            continue
        if count == 0:
            failures.append(_("%(month)s: ninguna %(what)s.") % {"month": label, "what": what})
        else:
            failures.append(
                _("%(month)s: %(count)s %(what)s (mínimo %(minimum)s).")
                % {"month": label, "count": count, "what": what, "minimum": minimum}
            )
    return _verdict(failures, passes)


def check_prep_09(context: _Context, params: dict) -> Outcome:
    # Installation and closing sessions are ordinary sessions; extraordinary ones do not count.
    return _monthly(
        context, params["min_ordinary_per_month"], (Session.Kind.ORDINARY,), _("sesión ordinaria")
    )


def check_prep_10(context: _Context, params: dict) -> Outcome:
    return _monthly(
        context,
        params["min_work_meetings_per_month"],
        (Session.Kind.WORK_MEETING,),
        _("reunión formal de trabajo"),
    )


@dataclasses.dataclass
class _InformeEvent:
    day: datetime.date
    kind: str
    label: str
    informe: Informe | None = None
    session: Session | None = None


def _informes(context: _Context) -> list[_InformeEvent]:
    """
    Informes presented (records) plus the informe points of the sessions in scope that no
    record points to: on the plan, the points are the planned informes.
    """
    standards = {
        AgendaPoint.Standard.BIMONTHLY_INFORME: Informe.Kind.BIMONTHLY,
        AgendaPoint.Standard.FINAL_INFORME: Informe.Kind.FINAL,
    }
    records = list(
        context.committee.informes.filter(
            status__in=(Informe.Status.PRESENTED, Informe.Status.PUBLISHED),
            presented_on__isnull=False,
        )
    )
    if context.on == RECORD:
        records = [informe for informe in records if informe.presented_on <= context.today]
    events = [
        _InformeEvent(
            informe.presented_on,
            informe.kind,
            f"{informe.title.lower()} ({long_date(informe.presented_on)})",
            informe=informe,
        )
        for informe in records
    ]
    linked = {informe.presented_at_point_id for informe in records}
    points = AgendaPoint.objects.filter(
        session__in=[s.pk for s in context.sessions], standard__in=list(standards)
    ).select_related("session")
    for point in points:
        if point.pk not in linked:
            label = _("informe %(kind)s del %(day)s (%(session)s)") % {
                "kind": _("final") if point.standard == AgendaPoint.Standard.FINAL_INFORME
                else _("bimestral"),
                "day": long_date(point.session.date),
                "session": point.session.reference,
            }  # fmt: skip
            kind = standards[point.standard]
            events.append(_InformeEvent(point.session.date, kind, label, session=point.session))
    return sorted(events, key=lambda event: event.day)


@dataclasses.dataclass(frozen=True)
class _Period:
    """What one bimonthly informe covers, as presented or, on the plan, as its point implies."""

    start: datetime.date
    end: datetime.date
    presented: datetime.date
    label: str
    session: Session | None


def _bimonthly_periods(context: _Context, events: list[_InformeEvent]) -> list[_Period]:
    """
    A presented informe's own period; a planned informe point's period is the two months
    before its session's month (from the installation, for the first), as the standard
    agenda names them.
    """
    installed = context.installed_on
    periods = []
    for event in events:
        if event.kind != Informe.Kind.BIMONTHLY:
            continue
        if event.informe is not None:
            informe = event.informe
            session = informe.presented_at_point.session if informe.presented_at_point else None
            periods.append(
                _Period(
                    informe.period_start,
                    informe.period_end,
                    event.day,
                    informe.title,
                    session,
                )
            )
            continue
        month = event.day.replace(day=1)
        start = max(add_months(month, -2), installed)
        periods.append(
            _Period(
                start,
                month - datetime.timedelta(days=1),
                event.day,
                capitalize_first(event.label),
                event.session,
            )
        )
    return sorted(periods, key=lambda period: (period.start, period.presented))


def check_prep_11(context: _Context, params: dict) -> Outcome:
    """
    The informes' periods are contiguous from the installation, each at most ``months``
    long and presented within the month after it ends (later is a warning); no stretch
    longer than ``months`` goes unreported before the final informe. On the plan, each
    informe point stands for the period its standard agenda names.
    """
    months = params["max_months_between_informes"]
    context.require_sessions()  # Informes are presented at sessions.
    installed = context.installed_on
    events = _informes(context)
    failures, passes, objects = [], [], []
    expected = installed
    for period in _bimonthly_periods(context, events):
        text = {
            "label": period.label,
            "start": long_date(period.start),
            "end": long_date(period.end),
        }
        if period.start > expected:
            failures.append(
                _("Del %(from)s al %(to)s no lo cubre ningún informe (el %(label)s empieza el "
                  "%(start)s).") % {
                    **text,
                    "from": long_date(expected),
                    "to": long_date(period.start - datetime.timedelta(days=1)),
                }
            )  # fmt: skip
            if period.session:
                objects.append(_session_object(period.session))
        elif period.start < expected:
            failures.append(
                _("%(label)s: su periodo empieza el %(start)s y se traslapa con el anterior, "
                  "que termina el %(previous)s.") % {
                    **text,
                    "previous": long_date(expected - datetime.timedelta(days=1)),
                }
            )  # fmt: skip
        if period.end >= add_months(period.start, months):
            failures.append(
                _("%(label)s: su periodo (del %(start)s al %(end)s) dura más de %(months)s meses.")
                % {**text, "months": months}
            )
        else:
            passes.append(_("%(label)s: periodo del %(start)s al %(end)s.") % text)
        due = _month_end(*_next_month(period.end))
        if period.presented > due:
            passes.append(
                _("Advertencia: el %(label)s se presenta el %(presented)s, después del mes "
                  "siguiente a su periodo (a más tardar el %(due)s).") % {
                    **text,
                    "label": period.label[:1].lower() + period.label[1:],
                    "presented": long_date(period.presented),
                    "due": long_date(due),
                }
            )  # fmt: skip
        expected = max(expected, period.end + datetime.timedelta(days=1))
    final = next((event for event in events if event.kind == Informe.Kind.FINAL), None)
    if final is not None:
        # The final informe reports the last stretch: at most ``months`` since the last period.
        text = {
            "label": capitalize_first(final.label),
            "from": long_date(expected),
            "months": months,
        }
        if final.day >= add_months(expected, months):
            failures.append(
                _("%(label)s: desde el %(from)s pasan más de %(months)s meses sin informe.") % text
            )
            if final.session:
                objects.append(_session_object(final.session))
        else:
            passes.append(_("%(label)s: informa desde el %(from)s.") % text)
        return _verdict(failures, passes, objects)
    # Without the final informe yet, what has passed since the last period must fit in one.
    end = context.committee.closed_on or context.election_day
    if context.on == RECORD:
        end = min(end, context.today)
    if add_months(expected, months) <= end:
        failures.append(
            _("Del %(from)s al %(to)s (más de %(months)s meses) no lo cubre ningún informe.")
            % {"from": long_date(expected), "to": long_date(end), "months": months}
        )
    return _verdict(failures, passes, objects)


def _next_month(day: datetime.date) -> tuple[int, int]:
    return (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)


def _days(delta: datetime.timedelta) -> str:
    return _("%(days)s días") % {"days": delta.days}


def check_prep_13(context: _Context, params: dict) -> Outcome:
    election_day = context.election_day
    context.require_sessions()  # Informes are presented at sessions.
    finals = [event for event in _informes(context) if event.kind == Informe.Kind.FINAL]
    month = _month_label(election_day.year, election_day.month)
    if not finals:
        if context.on == RECORD and _month_end(election_day.year, election_day.month) >= (
            context.today
        ):
            raise Undecidable(
                _("El informe final aún no se presenta y el mes de la jornada electoral no ha "
                  "concluido.")
            )  # fmt: skip
        if context.on == PLAN:
            return Outcome(FAIL, [_("El calendario no prevé el informe final.")])
        return Outcome(FAIL, [_("No se ha presentado el informe final.")])
    final = finals[0]
    text = _("%(label)s; la jornada electoral es el %(election)s (mes: %(month)s).") % {
        "label": capitalize_first(final.label),
        "election": long_date(election_day),
        "month": month.lower(),
    }
    in_month = (final.day.year, final.day.month) == (election_day.year, election_day.month)
    return Outcome(PASS if in_month else FAIL, [text])


def check_prep_14(context: _Context, params: dict) -> Outcome:
    sessions = context.require_sessions()
    ordinary = [s for s in sessions if s.kind == Session.Kind.ORDINARY]
    if not ordinary:
        raise Undecidable(_("No hay sesiones ordinarias."))
    first = ordinary[0]
    approval = (
        AgendaPoint.objects.filter(
            session__in=[s.pk for s in sessions if s.date <= first.date],
            standard=AgendaPoint.Standard.WORK_PLAN,
        )
        .select_related("session")
        .first()
    )
    failures, passes = [], []
    if approval is None:
        failures.append(
            _("Ningún punto aprueba el calendario a más tardar en la %(session)s.")
            % {"session": _session_reference(first)}
        )
    else:
        passes.append(
            _("El calendario se aprueba en la %(session)s.")
            % {"session": _session_reference(approval.session)}
        )
    for session in sessions:
        moved = session.rescheduled_from and session.rescheduled_from != session.date
        if moved and not session.status_reason.strip():
            failures.append(
                _("%(session)s: se movió del %(before)s sin registrar el motivo.")
                % {
                    "session": _session_label(session),
                    "before": long_date(session.rescheduled_from),
                }
            )
    return _verdict(failures, passes)


def check_prep_15(context: _Context, params: dict) -> Outcome:
    minimum = params["min_points_before_convening"]
    convened = [s for s in context.require_sessions() if s.convened_at is not None]
    if not convened:
        return Outcome(PASS, [_("Aún no se ha convocado ninguna sesión.")])
    counts = dict(
        AgendaPoint.objects.filter(session__in=[s.pk for s in convened])
        .values_list("session")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {s.pk: counts.get(s.pk, 0) for s in convened}
    failures = [
        _("%(session)s: convocada con %(count)s puntos en el orden del día.")
        % {"session": _session_label(s), "count": counts[s.pk]}
        for s in convened
        if counts[s.pk] < minimum
    ]
    return _verdict(
        failures,
        [
            _("Sesiones convocadas con orden del día: %(count)s (según el orden del día actual).")
            % {"count": len(convened)}
        ],
    )


def check_prep_17(context: _Context, params: dict) -> Outcome:
    closed_on = context.committee.closed_on
    if closed_on is None:
        raise Undecidable(_("Falta el dato: fecha de conclusión del órgano."))
    sessions = context.require_sessions()
    failures, objects = [], []
    for session in sessions:
        if session.date > closed_on:
            failures.append(
                _("%(session)s: después de la conclusión (%(closed)s).")
                % {"session": _session_label(session), "closed": long_date(closed_on)}
            )
            objects.append(_session_object(session))
    last = sessions[-1]
    closing = next((s for s in sessions if s.role == Session.Role.CLOSING), None)
    passes = [_("Ninguna sesión después del %(closed)s.") % {"closed": long_date(closed_on)}]
    if closing is None and context.on == RECORD and context.today <= closed_on:
        passes.append(_("La sesión de cierre aún no se celebra."))
    elif closing is None:
        failures.append(_("No hay sesión de cierre."))
    elif closing.date < last.date:
        failures.append(
            _("La última es la %(last)s, no la sesión de cierre (%(closing)s).")
            % {"last": _session_reference(last), "closing": long_date(closing.date)}
        )
        objects.append(_session_object(last))
    else:
        passes.append(
            _("La última es la sesión de cierre (%(day)s).") % {"day": long_date(closing.date)}
        )
    return _verdict(failures, passes, objects)


# --- Rules for every collegiate body ------------------------------------------------------


def check_ses_01(context: _Context, params: dict) -> Outcome:
    checked, failures = 0, []
    for session in context.require_sessions():
        starts = session.starts_at
        if session.convened_at is None or starts is None:
            continue
        checked += 1
        hours = params[f"{session.kind}_hours"]
        if session.convened_at > starts - datetime.timedelta(hours=hours):
            failures.append(
                _("%(session)s: convocada con %(given)s horas de anticipación (se requieren "
                  "%(hours)s).") % {
                    "session": _session_label(session),
                    "given": int((starts - session.convened_at).total_seconds() // 3600),
                    "hours": hours,
                }
            )  # fmt: skip
    if not checked:
        return Outcome(PASS, [_("Aún no hay sesiones convocadas con hora de inicio.")])
    return _verdict(
        failures, [_("Convocatorias con la anticipación debida: %(count)s.") % {"count": checked}]
    )


def check_ses_04(context: _Context, params: dict) -> Outcome:
    rule = params["quorum"]
    held = [
        s
        for s in context.require_sessions()
        if s.status == Session.Status.HELD and s.kind in Session.KINDS_WITH_ACTA
    ]
    if not held:
        return Outcome(PASS, [_("Aún no hay sesiones celebradas.")])
    failures, missing, objects = [], [], []
    for session in held:
        voting = len(context.members_on(session.date, Membership.VOTING_ROLES))
        required = required_for_quorum(voting, rule)
        if session.quorum_present is None:
            missing.append(
                _("%(session)s: no se registró el quórum.") % {"session": _session_label(session)}
            )
        elif session.quorum_present < required:
            failures.append(
                _("%(session)s: %(present)s presentes de %(voting)s; se requieren %(required)s.")
                % {
                    "session": _session_label(session),
                    "present": session.quorum_present,
                    "voting": voting,
                    "required": required,
                }
            )
            objects.append(_session_object(session))
    if failures:
        return Outcome(FAIL, failures + missing, objects)
    if missing:
        return Outcome(UNDECIDABLE, missing)
    return Outcome(PASS, [_("Sesiones celebradas con quórum: %(count)s.") % {"count": len(held)}])


def check_ses_07(context: _Context, params: dict) -> Outcome:
    extraordinary = [s for s in context.require_sessions() if s.kind == Session.Kind.EXTRAORDINARY]
    if not extraordinary:
        return Outcome(PASS, [_("No hay sesiones extraordinarias.")])
    forbidden = AgendaPoint.objects.filter(session__in=[s.pk for s in extraordinary]).filter(
        kind=AgendaPoint.Kind.GENERAL_MATTERS
    ) | AgendaPoint.objects.filter(
        session__in=[s.pk for s in extraordinary],
        standard__in=(
            AgendaPoint.Standard.GENERAL_MATTERS,
            AgendaPoint.Standard.AGREEMENTS_FOLLOW_UP,
        ),
    )
    failures = [
        _("%(session)s, punto %(position)s: %(title)s.")
        % {"session": _session_label(p.session), "position": p.position, "title": p.title}
        for p in forbidden.select_related("session").distinct()
    ]
    return _verdict(
        failures,
        [
            _("Sesiones extraordinarias sin asuntos generales ni seguimiento: %(count)s.")
            % {"count": len(extraordinary)}
        ],
    )


def check_ses_08(context: _Context, params: dict) -> Outcome:
    window = params["max_sessions_later"]
    sessions = [s for s in context.require_sessions() if s.kind in Session.KINDS_WITH_ACTA]
    # Whether any session with an acta comes after (in the calendar, not only on the record):
    # the acta of the last one is approved by circulation.
    calendar = [
        s
        for s in context.all_sessions
        if s.kind in Session.KINDS_WITH_ACTA and s.status != Session.Status.CANCELLED
    ]
    approvals = {}  # session pk → sessions whose agenda approves its acta
    points = AgendaPoint.objects.filter(
        session__in=[s.pk for s in sessions], approves_acta_of__isnull=False
    )
    for point in points:
        approvals.setdefault(point.approves_acta_of_id, set()).add(point.session_id)
    circulated = {}  # session pk → day its acta was approved by circulation
    if context.on == RECORD:
        approvals = {}
        actas = (
            Acta.objects.filter(
                session__in=[s.pk for s in sessions], approved_on__lte=context.today
            )
            .exclude(status=Acta.Status.DRAFT)
            .select_related("approved_at_point")
        )
        for acta in actas:
            if acta.approved_at_point is None:
                circulated[acta.session_id] = acta.approved_on
            else:
                approvals.setdefault(acta.session_id, set()).add(acta.approved_at_point.session_id)
    failures, passes, objects = [], [], []
    for index, session in enumerate(sessions):
        later = sessions[index + 1 :]
        label = _session_reference(session)
        last_in_calendar = session.role == Session.Role.CLOSING or not any(
            s.date > session.date for s in calendar if s.pk != session.pk
        )
        if session.pk in circulated:
            if last_in_calendar:
                passes.append(
                    _("Acta de la %(session)s: aprobada por circulación el %(day)s (no hay "
                      "sesión posterior).") % {
                        "session": label, "day": long_date(circulated[session.pk])
                    }
                )  # fmt: skip
            else:
                failures.append(
                    _("Acta de la %(session)s: se aprobó por circulación aunque una sesión "
                      "posterior podía aprobarla.") % {"session": label}
                )  # fmt: skip
                objects.append(_session_object(session))
            continue
        allowed = {s.pk for s in later[:window]}
        approving = approvals.get(session.pk, set())
        if approving & allowed:
            continue
        if approving:
            failures.append(
                _("Acta de la %(session)s: se aprueba más de %(window)s sesiones después.")
                % {"session": label, "window": window}
            )
            objects.append(_session_object(session))
        elif not later and last_in_calendar:
            if context.on == PLAN:
                passes.append(
                    _("Acta de la %(session)s: sin sesión posterior, se aprobará por "
                      "circulación entre las y los integrantes con voto.") % {"session": label}
                )  # fmt: skip
            else:
                failures.append(
                    _("Acta de la %(session)s: no hay sesión posterior; debe aprobarse por "
                      "circulación entre las y los integrantes con voto.") % {"session": label}
                )  # fmt: skip
                objects.append(_session_object(session))
        elif context.on == RECORD and len(later) < window:
            passes.append(
                _("Acta de la %(session)s: aún puede aprobarse en la siguiente sesión.")
                % {"session": label}
            )
        else:
            failures.append(
                _("Acta de la %(session)s: no la aprueba ninguna de las sesiones siguientes "
                  "(plazo: %(window)s sesiones).") % {"session": label, "window": window}
            )  # fmt: skip
            objects.append(_session_object(session))
    if not failures:
        passes.insert(
            0,
            _("Cada acta se aprueba a más tardar %(window)s sesiones después, o por "
              "circulación la de la última sesión.") % {"window": window},
        )  # fmt: skip
    return _verdict(failures, passes, objects)


def check_ses_11(context: _Context, params: dict) -> Outcome:
    ordinary = [s for s in context.require_sessions() if s.kind == Session.Kind.ORDINARY]
    with_follow_up = set(
        AgendaPoint.objects.filter(
            session__in=[s.pk for s in ordinary],
            standard=AgendaPoint.Standard.AGREEMENTS_FOLLOW_UP,
        ).values_list("session_id", flat=True)
    )
    without = [s for s in ordinary if s.pk not in with_follow_up]
    open_counts = _open_agreement_counts(context.committee, [s.date for s in without])
    failures = []
    for session in without:
        open_count = open_counts[session.date]
        if open_count:
            failures.append(
                _("%(session)s: %(count)s acuerdos abiertos y ningún punto de seguimiento.")
                % {"session": _session_label(session), "count": open_count}
            )
    return _verdict(
        failures,
        [_("Cada sesión ordinaria con acuerdos abiertos tiene punto de seguimiento.")],
    )


def _open_agreement_counts(
    committee: Committee, days: list[datetime.date]
) -> dict[datetime.date, int]:
    """
    How many agreements were open on each day, judged as open_agreements_on() judges them
    (adopted before the day; the status of the last follow-up entry dated on or before it,
    pending without one), from one load of the agreements and their logs.
    """
    if not days:
        return {}
    agreements = committee.agreements.select_related("point__session").prefetch_related(
        Prefetch(
            "follow_ups",
            queryset=AgreementFollowUp.objects.exclude(new_status="").order_by(
                "date", "recorded_at"
            ),
        )
    )
    counts = dict.fromkeys(days, 0)
    for agreement in agreements:
        adopted = agreement.point.session.date
        log = list(agreement.follow_ups.all())
        for day in counts:
            if adopted >= day:
                continue
            entries = [entry for entry in log if entry.date <= day]
            status = entries[-1].new_status if entries else Agreement.Status.PENDING
            if status in Agreement.OPEN_STATUSES:
                counts[day] += 1
    return counts


def check_ses_13(context: _Context, params: dict) -> Outcome:
    changed = [
        s
        for s in context.all_sessions
        if s.status in (Session.Status.POSTPONED, Session.Status.CANCELLED)
    ]
    failures = []
    for session in changed:
        missing = []
        if not session.status_reason.strip():
            missing.append(_("el motivo"))
        if session.status_changed_at is None:
            missing.append(_("cuándo se avisó"))
        if missing:
            failures.append(
                _("%(session)s (%(status)s): falta %(missing)s.")
                % {
                    "session": _session_label(session),
                    "status": session.get_status_display().lower(),
                    "missing": _(" y ").join(missing),
                }
            )
    if not changed:
        return Outcome(PASS, [_("Ninguna sesión pospuesta ni cancelada.")])
    return _verdict(
        failures, [_("Cada sesión pospuesta o cancelada registra el motivo y el aviso.")]
    )


def check_cal_01(context: _Context, params: dict) -> Outcome:
    sessions = context.require_sessions()
    failures, objects = [], []
    by_kind: dict[str, list[Session]] = {}
    for session in sessions:
        by_kind.setdefault(session.kind, []).append(session)
    for same_kind in by_kind.values():
        for earlier, later in zip(same_kind, same_kind[1:], strict=False):
            if later.number < earlier.number:
                failures.append(
                    _("%(first)s va antes que %(second)s, de número menor.")
                    % {"first": _session_label(earlier), "second": _session_label(later)}
                )
                objects.append(_session_object(earlier))
    for index, session in enumerate(sessions):
        for other in sessions[index + 1 :]:
            if other.date != session.date:
                break
            if _overlap(session, other):
                failures.append(
                    _("%(one)s y %(other)s coinciden el %(day)s a las %(time)s.")
                    % {
                        "one": session.title,
                        "other": other.title,
                        "day": long_date(session.date),
                        "time": session.start_time.strftime("%H:%M"),
                    }
                )
                objects.append(_session_object(other))
    committee = context.committee
    for session in sessions:
        before = committee.installed_on and session.date < committee.installed_on
        after = committee.closed_on and session.date > committee.closed_on
        if before or after:
            failures.append(
                _("%(session)s: fuera de la vigencia del órgano.")
                % {"session": _session_label(session)}
            )
            objects.append(_session_object(session))
    return _verdict(
        failures,
        [
            _("Sesiones revisadas: %(count)s; números en orden de fecha, sin coincidencias de "
              "horario y dentro de la vigencia.") % {"count": len(sessions)}
        ],
        objects,
    )  # fmt: skip


def _overlap(one: Session, other: Session) -> bool:
    if one.start_time is None or other.start_time is None:
        return False
    if one.start_time == other.start_time:
        return True
    first, second = sorted((one, other), key=lambda s: s.start_time)
    return first.end_time is not None and second.start_time < first.end_time


CHECKS: dict[str, Callable[[_Context, dict], Outcome]] = {
    "PREP-02": check_prep_02,
    "PREP-03": check_prep_03,
    "PREP-04": check_prep_04,
    "PREP-05": check_prep_05,
    "PREP-07": check_prep_07,
    "PREP-08": check_prep_08,
    "PREP-09": check_prep_09,
    "PREP-10": check_prep_10,
    "PREP-11": check_prep_11,
    "PREP-13": check_prep_13,
    "PREP-14": check_prep_14,
    "PREP-15": check_prep_15,
    "PREP-17": check_prep_17,
    "SES-01": check_ses_01,
    "SES-04": check_ses_04,
    "SES-07": check_ses_07,
    "SES-08": check_ses_08,
    "SES-11": check_ses_11,
    "SES-13": check_ses_13,
    "CAL-01": check_cal_01,
}

# Why a rule is not checked yet: the data it needs is not kept.
NOT_CHECKED = {
    "PREP-01": gettext_lazy("Falta el dato: fecha de designación de la instancia interna."),
    "PREP-12": gettext_lazy(
        "Falta el dato: las pruebas y simulacros del PREP aún no se registran."
    ),
    "SES-02": _(
        "Falta el dato: el contenido de cada convocatoria enviada aún no se conserva por separado."
    ),
    "SES-06": _(
        "El resultado de cada votación se calcula al registrarla; esta revisión aún no se "
        "automatiza."
    ),
    "SES-12": _("Falta el dato: la regla de numeración anual de los acuerdos aún no se registra."),
}
