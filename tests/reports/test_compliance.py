import contextlib
import datetime
import io
import json
import zoneinfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from agendas.models import AgendaPoint, AgreementFollowUp, Vote
from agendas.services import open_agreements_on
from committees.models import Committee, Institution, Membership, Rule, RuleOverride
from reports.compliance import (
    FAIL,
    PASS,
    UNDECIDABLE,
    _open_agreement_counts,
    check_committee,
)
from reports.models import Acta, Informe
from sessions.models import Session
from tests.factories import (
    make_agreement,
    make_committee,
    make_institution,
    make_membership,
    make_point,
    make_process,
    make_session,
)

pytestmark = pytest.mark.django_db

D = datetime.date
ELECTION_DAY = D(2024, 6, 2)


def cotaprep(*, members=3, institution_kind=Institution.Kind.OPL, election_day=ELECTION_DAY,
             **overrides) -> Committee:  # fmt: skip
    """A COTAPREP like the demo's: 3 members with vote and one technical secretary."""
    process = make_process(
        institution=make_institution(kind=institution_kind), election_day=election_day
    )
    fields = {"process": process, "integrated_on": D(2023, 10, 25), **overrides}
    committee = make_committee(**fields)
    for _ in range(members):
        make_membership(committee)
    make_membership(committee, role=Membership.Role.TECHNICAL_SECRETARY)
    return committee


def result(committee, code, *, on="plan", today=None):
    by_code = {r.rule: r for r in check_committee(committee, on=on, today=today)}
    return by_code[code]


def held(session, *, present=None) -> Session:
    session.status = Session.Status.HELD
    session.quorum_present = present
    session.save()
    return session


# --- PREP-03: integration ≤ election day − 7 months ----------------------------------------


def test_integration_exactly_seven_months_before_election_day_passes():
    committee = cotaprep(integrated_on=D(2023, 11, 2))
    outcome = result(committee, "PREP-03")
    assert outcome.result == PASS
    assert "límite: 2 de noviembre de 2023" in outcome.evidence[0]


def test_integration_one_day_later_fails():
    assert result(cotaprep(integrated_on=D(2023, 11, 3)), "PREP-03").result == FAIL


def test_months_before_a_31st_clamp_to_the_end_of_a_shorter_month():
    # 31 March 2024 minus one month is 29 February 2024 (a leap year), not 2 March.
    committee = cotaprep(election_day=D(2024, 3, 31), integrated_on=D(2024, 2, 29))
    RuleOverride.objects.create(
        committee=committee,
        rule=Rule.objects.get(code="PREP-03"),
        parameters={"months_before_election_day": 1},
    )
    assert result(committee, "PREP-03").result == PASS
    committee.integrated_on = D(2024, 3, 1)
    committee.save()
    assert result(committee, "PREP-03").result == FAIL


def test_an_override_changes_the_result():
    committee = cotaprep(integrated_on=D(2023, 10, 25))
    assert result(committee, "PREP-03").result == PASS
    RuleOverride.objects.create(
        committee=committee,
        rule=Rule.objects.get(code="PREP-03"),
        parameters={"months_before_election_day": 8},
    )
    outcome = result(committee, "PREP-03")
    assert outcome.result == FAIL
    assert "límite: 2 de octubre de 2023" in outcome.evidence[0]


# --- PREP-04 and PREP-05: size of the committee -------------------------------------------


@pytest.mark.parametrize(
    ("members", "kind", "expected"),
    [
        (2, Institution.Kind.OPL, FAIL),
        (3, Institution.Kind.OPL, PASS),
        (5, Institution.Kind.OPL, PASS),
        (6, Institution.Kind.OPL, FAIL),
        (6, Institution.Kind.INE, PASS),
        (8, Institution.Kind.INE, FAIL),
    ],
)
def test_committee_size_depends_on_the_institution(members, kind, expected):
    committee = cotaprep(members=members, institution_kind=kind)
    make_session(committee, date=D(2023, 12, 18))
    assert result(committee, "PREP-04").result == expected


def test_size_is_checked_on_every_day_of_the_term():
    committee = cotaprep()
    # One seat ends early and is filled a week later: 2 members with vote in between.
    seat = committee.memberships.filter(role=Membership.Role.MEMBER).first()
    seat.end = D(2024, 2, 10)
    seat.save()
    make_membership(committee, start=D(2024, 2, 18))
    outcome = result(committee, "PREP-04")
    assert outcome.result == FAIL
    assert outcome.evidence == [
        "11 de febrero de 2024: 2 integrantes con voto (se requieren de 3 a 5)."
    ]


def test_the_technical_secretary_does_not_count_as_a_member():
    committee = cotaprep(members=2)
    make_membership(committee, role=Membership.Role.TECHNICAL_SECRETARY)
    assert result(committee, "PREP-04").result == FAIL


def test_two_technical_secretaries_on_a_session_date_fail():
    committee = cotaprep()
    assert result(committee, "PREP-05").result == PASS
    make_membership(
        committee, role=Membership.Role.TECHNICAL_SECRETARY, start=D(2024, 3, 1), end=None
    )
    make_session(committee, date=D(2024, 3, 19))
    outcome = result(committee, "PREP-05")
    assert outcome.result == FAIL
    assert "1 de marzo de 2024: 2 secretarías técnicas vigentes" in outcome.evidence[0]


# --- PREP-07: only members with vote vote ---------------------------------------------------


def test_without_votes_the_plan_passes_vacuously():
    committee = cotaprep()
    make_session(committee)
    outcome = result(committee, "PREP-07")
    assert (outcome.result, outcome.evidence) == (PASS, ["Aún no hay votaciones."])


def test_a_vote_of_the_technical_secretary_fails():
    committee = cotaprep()
    session = held(make_session(committee, date=D(2023, 12, 18)), present=3)
    point = make_point(session)
    member = committee.memberships.filter(role=Membership.Role.MEMBER).first()
    secretary = committee.memberships.get(role=Membership.Role.TECHNICAL_SECRETARY)
    Vote.objects.create(point=point, membership=member, sense=Vote.Sense.FOR)
    assert result(committee, "PREP-07", on="record").result == PASS
    # The model's clean() refuses it; records imported around it must still be caught.
    Vote.objects.create(point=point, membership=secretary, sense=Vote.Sense.FOR)
    outcome = result(committee, "PREP-07", on="record")
    assert outcome.result == FAIL
    assert "participa con voz, sin voto" in outcome.evidence[0]
    assert outcome.objects[0][1] == f"/sesiones/{session.pk}/"


# --- PREP-09 and PREP-10: monthly sessions and work meetings --------------------------------


def short_term_committee(**overrides) -> Committee:
    """Installed in April, election day in June: April, May and June are judged."""
    return cotaprep(
        integrated_on=D(2023, 10, 25),
        installed_on=D(2024, 4, 10),
        closed_on=D(2024, 6, 30),
        **overrides,
    )


def test_a_month_with_only_an_extraordinary_session_fails():
    committee = short_term_committee()
    make_session(committee, date=D(2024, 4, 10), role=Session.Role.INSTALLATION)
    extraordinary = make_session(committee, kind=Session.Kind.EXTRAORDINARY, date=D(2024, 5, 20))
    make_session(committee, date=D(2024, 6, 28), role=Session.Role.CLOSING)
    outcome = result(committee, "PREP-09")
    assert outcome.result == FAIL
    assert outcome.evidence == ["Mayo de 2024: ninguna sesión ordinaria."]
    extraordinary.kind = Session.Kind.ORDINARY
    extraordinary.number = 3
    extraordinary.save()
    assert result(committee, "PREP-09").result == PASS


def test_the_minimum_per_month_comes_from_the_rule():
    committee = short_term_committee()
    for day in (D(2024, 4, 10), D(2024, 5, 20), D(2024, 6, 28)):
        make_session(committee, date=day)
    RuleOverride.objects.create(
        committee=committee,
        rule=Rule.objects.get(code="PREP-09"),
        parameters={"min_ordinary_per_month": 2},
    )
    outcome = result(committee, "PREP-09")
    assert outcome.result == FAIL
    assert "Abril de 2024: 1 sesión ordinaria (mínimo 2)." in outcome.evidence


def test_work_meetings_are_judged_through_the_election_day_month_only():
    committee = short_term_committee()
    for day in (D(2024, 4, 29), D(2024, 5, 31), D(2024, 7, 10)):
        make_session(committee, kind=Session.Kind.WORK_MEETING, date=day)
    outcome = result(committee, "PREP-10")
    assert outcome.result == FAIL
    assert outcome.evidence == ["Junio de 2024: ninguna reunión formal de trabajo."]


def test_on_the_record_a_month_not_over_is_not_judged_yet():
    committee = short_term_committee()
    held(make_session(committee, date=D(2024, 4, 10)), present=3)
    make_session(committee, date=D(2024, 5, 20))  # planned, not held yet
    assert result(committee, "PREP-09", on="record", today=D(2024, 5, 15)).result == PASS
    outcome = result(committee, "PREP-09", on="record", today=D(2024, 6, 1))
    assert outcome.evidence == ["Mayo de 2024: ninguna sesión ordinaria."]


# --- PREP-11 and PREP-13: informes ---------------------------------------------------------


def informe_point(committee, day, *, final=False):
    session = make_session(committee, date=day)
    standard = AgendaPoint.Standard.FINAL_INFORME if final else "bimonthly_informe"
    return make_point(session, kind=AgendaPoint.Kind.INFORMATIVE, standard=standard)


def test_informes_two_months_apart_pass_and_a_three_month_gap_fails():
    committee = cotaprep(installed_on=D(2024, 1, 10), closed_on=D(2024, 6, 30))
    informe_point(committee, D(2024, 3, 10))  # exactly 2 months after installation
    informe_point(committee, D(2024, 5, 10))
    informe_point(committee, D(2024, 6, 28), final=True)
    assert result(committee, "PREP-11").result == PASS
    committee.sessions.get(date=D(2024, 5, 10)).delete()
    outcome = result(committee, "PREP-11")
    assert outcome.result == FAIL
    assert outcome.evidence == [
        "Informe final del 28 de junio de 2024 (tercera sesión ordinaria): desde el 1 de marzo "
        "de 2024 pasan más de 2 meses sin informe."
    ]


def presented_informe(point, kind, start, end, number=None):
    point.session.status = Session.Status.HELD
    point.session.save()
    return Informe.objects.create(
        committee=point.session.committee,
        kind=kind,
        number=number,
        period_start=start,
        period_end=end,
        status=Informe.Status.PRESENTED,
        presented_at_point=point,
        presented_on=point.session.date,
    )


def test_on_the_record_bimonthly_periods_follow_each_other_and_the_final_covers_the_term():
    committee = cotaprep(installed_on=D(2024, 1, 1), closed_on=D(2024, 6, 30))
    bimonthly = Informe.Kind.BIMONTHLY
    presented_informe(
        informe_point(committee, D(2024, 3, 1)), bimonthly, D(2024, 1, 1), D(2024, 2, 29), 1
    )
    second = presented_informe(
        informe_point(committee, D(2024, 5, 1)), bimonthly, D(2024, 3, 1), D(2024, 4, 30), 2
    )
    presented_informe(
        informe_point(committee, D(2024, 6, 28), final=True),
        Informe.Kind.FINAL,
        D(2024, 1, 1),
        D(2024, 6, 30),
    )
    today = D(2024, 6, 30)
    assert result(committee, "PREP-11", on="record", today=today).result == PASS

    Informe.objects.filter(pk=second.pk).update(period_start=D(2024, 3, 15))
    outcome = result(committee, "PREP-11", on="record", today=today)
    assert outcome.result == FAIL
    assert outcome.evidence == [
        "Del 1 de marzo de 2024 al 14 de marzo de 2024 no lo cubre ningún informe (el Segundo "
        "informe de actividades empieza el 15 de marzo de 2024)."
    ]


def test_a_period_longer_than_two_months_fails_and_a_late_presentation_warns():
    committee = cotaprep(installed_on=D(2024, 1, 1), closed_on=D(2024, 6, 30))
    bimonthly = Informe.Kind.BIMONTHLY
    # Presented in April: later than the month after its period (due by 31 March).
    first = presented_informe(
        informe_point(committee, D(2024, 4, 2)), bimonthly, D(2024, 1, 1), D(2024, 2, 29), 1
    )
    today = D(2024, 4, 30)
    outcome = result(committee, "PREP-11", on="record", today=today)
    assert outcome.result == PASS
    assert (
        "Advertencia: el primer informe de actividades se presenta el 2 de abril de 2024, "
        "después del mes siguiente a su periodo (a más tardar el 31 de marzo de 2024)."
    ) in outcome.evidence

    Informe.objects.filter(pk=first.pk).update(period_end=D(2024, 3, 15))
    outcome = result(committee, "PREP-11", on="record", today=today)
    assert outcome.result == FAIL
    assert (
        "Primer informe de actividades: su periodo (del 1 de enero de 2024 al 15 de marzo de "
        "2024) dura más de 2 meses."
    ) in outcome.evidence


def test_the_first_informe_one_day_late_fails():
    committee = cotaprep(installed_on=D(2024, 1, 10), closed_on=D(2024, 3, 31))
    informe_point(committee, D(2024, 3, 11), final=True)
    assert result(committee, "PREP-11").result == FAIL


def test_the_final_informe_in_the_election_day_month_passes():
    committee = cotaprep()
    informe_point(committee, D(2024, 6, 30), final=True)
    assert result(committee, "PREP-13").result == PASS
    committee.sessions.update(date=D(2024, 7, 1))
    assert result(committee, "PREP-13").result == FAIL


def test_a_plan_without_final_informe_fails():
    committee = cotaprep()
    make_session(committee)
    outcome = result(committee, "PREP-13")
    assert (outcome.result, outcome.evidence) == (
        FAIL,
        ["El calendario no prevé el informe final."],
    )


# --- PREP-17, SES-04, SES-08, CAL-01 ------------------------------------------------------


def test_a_session_after_the_closing_fails():
    committee = cotaprep()
    make_session(committee, date=D(2024, 6, 30), role=Session.Role.CLOSING)
    assert result(committee, "PREP-17").result == PASS
    late = make_session(committee, kind=Session.Kind.EXTRAORDINARY, date=D(2024, 7, 2))
    outcome = result(committee, "PREP-17")
    assert outcome.result == FAIL
    assert (late.title + " (2 de julio de 2024)", f"/sesiones/{late.pk}/") in outcome.objects


def test_quorum_below_the_majority_fails():
    committee = cotaprep()
    session = held(make_session(committee, date=D(2023, 12, 18)), present=2)
    assert result(committee, "SES-04", on="record").result == PASS
    held(session, present=1)
    outcome = result(committee, "SES-04", on="record")
    assert outcome.result == FAIL
    assert "1 presentes de 3; se requieren 2" in outcome.evidence[0]


def test_an_acta_approved_three_sessions_later_fails():
    committee = cotaprep()
    sessions = [
        held(make_session(committee, date=D(2024, month, 10)), present=3) for month in (1, 2, 3, 4)
    ]
    point = make_point(sessions[3], approves_acta_of=sessions[0])
    Acta.objects.create(
        session=sessions[0],
        status=Acta.Status.APPROVED,
        approved_at_point=point,
        approved_on=sessions[3].date,
    )
    outcome = result(committee, "SES-08", on="record")
    assert outcome.result == FAIL
    assert outcome.evidence[0].startswith("Acta de la primera sesión ordinaria (10 de enero")


def test_numbers_out_of_date_order_within_a_kind_fail():
    committee = cotaprep()
    make_session(committee, number=2, date=D(2024, 1, 10))
    make_session(committee, number=1, date=D(2024, 2, 10))
    # Another kind numbers on its own.
    make_session(committee, kind=Session.Kind.WORK_MEETING, number=1, date=D(2024, 1, 5))
    outcome = result(committee, "CAL-01")
    assert outcome.result == FAIL
    assert len(outcome.evidence) == 1


def test_two_sessions_at_the_same_time_fail():
    committee = cotaprep()
    make_session(committee, date=D(2024, 1, 10), start_time=datetime.time(11))
    make_session(
        committee,
        kind=Session.Kind.WORK_MEETING,
        date=D(2024, 1, 10),
        start_time=datetime.time(10),
        end_time=datetime.time(12),
    )
    assert result(committee, "CAL-01").result == FAIL


def test_a_session_outside_the_term_fails():
    committee = cotaprep()
    make_session(committee, date=D(2023, 10, 30))
    outcome = result(committee, "CAL-01")
    assert outcome.result == FAIL
    assert "fuera de la vigencia" in outcome.evidence[0]


def test_cancelled_sessions_are_not_in_the_plan():
    committee = cotaprep()
    make_session(committee, date=D(2023, 12, 18))
    make_session(
        committee,
        date=D(2023, 12, 18),
        status=Session.Status.CANCELLED,
        status_reason="Se reprograma.",
    )
    assert result(committee, "CAL-01").result == PASS


# --- Scope and bad data --------------------------------------------------------------------


def test_a_working_group_gets_no_prep_rules():
    group = make_committee(kind=Committee.Kind.WORKING_GROUP, parent=make_committee())
    codes = [r.rule for r in check_committee(group)]
    assert codes
    assert not [code for code in codes if code.startswith("PREP-")]
    assert {"SES-04", "SES-08", "CAL-01"} <= set(codes)


def test_a_cotaprep_gets_every_rule():
    codes = [r.rule for r in check_committee(cotaprep())]
    assert codes == list(Rule.objects.order_by("code").values_list("code", flat=True))


def test_results_carry_the_rule_data():
    outcome = result(cotaprep(), "PREP-09")
    assert (outcome.level, outcome.cites, outcome.certainty) == ("error", "RE 342(1)(g)", "seed")
    assert outcome.statement.startswith("Al menos una sesión ordinaria")


def test_a_committee_without_election_day_is_undecidable():
    committee = make_committee(integrated_on=D(2023, 10, 25))
    make_membership(committee)
    make_session(committee)
    for code in ("PREP-03", "PREP-09", "PREP-13"):
        outcome = result(committee, code)
        assert outcome.result == UNDECIDABLE, code
        assert "jornada electoral" in outcome.evidence[0]


def test_a_committee_without_members_or_sessions_is_undecidable():
    committee = make_committee(process=make_process())
    results = {r.rule: r for r in check_committee(committee)}
    assert results["PREP-04"].result == UNDECIDABLE
    assert results["PREP-04"].evidence == [
        "Falta el dato: el órgano no tiene integrantes registrados."
    ]
    assert results["PREP-03"].evidence == ["Falta el dato: fecha de integración del comité."]
    for code in ("PREP-09", "PREP-10", "PREP-11", "PREP-17", "CAL-01", "SES-08"):
        assert results[code].result == UNDECIDABLE, code
        assert results[code].evidence == ["El órgano no tiene sesiones en su calendario."]


def test_a_committee_without_dates_never_crashes():
    committee = make_committee(installed_on=None, closed_on=None)
    make_membership(committee)
    make_session(committee)
    results = {r.rule: r for r in check_committee(committee, on="record")}
    assert results["PREP-17"].result == UNDECIDABLE
    assert results["PREP-01"].evidence == [
        "Falta el dato: fecha de designación de la instancia interna."
    ]


def test_a_rule_without_its_parameter_is_undecidable():
    committee = cotaprep()
    make_session(committee)
    Rule.objects.filter(code="PREP-09").update(parameters={})
    outcome = result(committee, "PREP-09")
    assert outcome.result == UNDECIDABLE
    assert "min_ordinary_per_month" in outcome.evidence[0]


# --- The boundaries of the other rules -----------------------------------------------------


def test_the_commission_agreed_exactly_nine_months_before_passes_and_a_day_later_fails():
    commission = make_committee(kind=Committee.Kind.COMMISSION, integrated_on=D(2023, 9, 2))
    committee = cotaprep(parent=commission)
    outcome = result(committee, "PREP-02")
    assert outcome.result == PASS
    assert "límite: 2 de septiembre de 2023" in outcome.evidence[0]
    commission.integrated_on = D(2023, 9, 3)
    commission.save()
    assert result(committee, "PREP-02").result == FAIL


def test_without_a_follow_up_commission_prep_02_is_undecidable():
    outcome = result(cotaprep(), "PREP-02")
    assert outcome.result == UNDECIDABLE
    assert outcome.evidence == [
        "Falta el dato: fecha del acuerdo que designa a la comisión de seguimiento."
    ]


def test_a_vote_of_a_guest_breaks_prep_08():
    committee = cotaprep()
    session = held(make_session(committee, date=D(2023, 12, 18)), present=3)
    point = make_point(session)
    member = committee.memberships.filter(role=Membership.Role.MEMBER).first()
    Vote.objects.create(point=point, membership=member, sense=Vote.Sense.FOR)
    assert result(committee, "PREP-08", on="record").result == PASS
    guest = make_membership(committee, role=Membership.Role.GUEST)
    Vote.objects.create(point=point, membership=guest, sense=Vote.Sense.FOR)
    outcome = result(committee, "PREP-08", on="record")
    assert outcome.result == FAIL
    assert f"votó {guest.person} (Persona invitada (voz))" in outcome.evidence[0]


def test_the_calendar_must_be_approved_by_the_first_ordinary_session():
    committee = cotaprep()
    installation = make_session(committee, date=D(2023, 11, 1), role=Session.Role.INSTALLATION)
    later = make_session(committee, date=D(2023, 12, 18))
    point = make_point(later, standard=AgendaPoint.Standard.WORK_PLAN)
    outcome = result(committee, "PREP-14")
    assert outcome.result == FAIL
    assert outcome.evidence == [
        "Ningún punto aprueba el calendario a más tardar en la sesión de instalación "
        "(1 de noviembre de 2023)."
    ]
    point.session = installation
    point.save()
    assert result(committee, "PREP-14").result == PASS


def test_a_session_moved_without_a_reason_breaks_prep_14():
    committee = cotaprep()
    installation = make_session(committee, date=D(2023, 11, 1), role=Session.Role.INSTALLATION)
    make_point(installation, standard=AgendaPoint.Standard.WORK_PLAN)
    make_session(committee, date=D(2023, 12, 20), rescheduled_from=D(2023, 12, 18))
    outcome = result(committee, "PREP-14")
    assert outcome.result == FAIL
    assert "se movió del 18 de diciembre de 2023 sin registrar el motivo" in outcome.evidence[0]


def test_a_session_convened_without_agenda_breaks_prep_15():
    committee = cotaprep()
    session = make_session(
        committee, date=D(2023, 12, 18), convened_at=timezone_at(D(2023, 12, 11), 10)
    )
    outcome = result(committee, "PREP-15")
    assert outcome.result == FAIL
    assert "convocada con 0 puntos" in outcome.evidence[0]
    make_point(session)
    assert result(committee, "PREP-15").result == PASS


def timezone_at(day, hour, minute=0):
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=zoneinfo.ZoneInfo("America/Mexico_City")
    )


@pytest.mark.parametrize(
    ("kind", "hours", "minutes_late", "expected"),
    [
        (Session.Kind.ORDINARY, 72, 0, PASS),
        (Session.Kind.ORDINARY, 72, 1, FAIL),
        (Session.Kind.EXTRAORDINARY, 24, 0, PASS),
        (Session.Kind.EXTRAORDINARY, 24, 1, FAIL),
    ],
)
def test_the_notice_period_depends_on_the_kind_of_session(kind, hours, minutes_late, expected):
    committee = cotaprep()
    starts = timezone_at(D(2024, 3, 19), 11)
    convened_at = (
        starts - datetime.timedelta(hours=hours) + datetime.timedelta(minutes=minutes_late)
    )
    make_session(
        committee, kind=kind, date=starts.date(), start_time=starts.time(), convened_at=convened_at
    )
    outcome = result(committee, "SES-01")
    assert outcome.result == expected
    if expected == FAIL:
        assert (
            f"convocada con {hours - 1} horas de anticipación (se requieren {hours})"
            in (outcome.evidence[0])
        )


def test_general_matters_in_an_extraordinary_session_break_ses_07():
    committee = cotaprep()
    session = make_session(committee, kind=Session.Kind.EXTRAORDINARY, date=D(2024, 6, 1))
    make_point(session, title="Aprobación del informe de simulacros")
    assert result(committee, "SES-07").result == PASS
    make_point(session, title="Asuntos generales", kind=AgendaPoint.Kind.GENERAL_MATTERS)
    outcome = result(committee, "SES-07")
    assert outcome.result == FAIL
    assert outcome.evidence[0].endswith("punto 2: Asuntos generales.")


def test_an_acta_approved_two_sessions_later_passes():
    committee = cotaprep()
    sessions = [
        held(make_session(committee, date=D(2024, month, 10)), present=3) for month in (1, 2, 3)
    ]
    for earlier, later in ((sessions[0], sessions[2]), (sessions[1], sessions[2])):
        point = make_point(later, approves_acta_of=earlier)
        Acta.objects.create(
            session=earlier,
            status=Acta.Status.APPROVED,
            approved_at_point=point,
            approved_on=later.date,
        )
    # The last session has no later one: its acta is approved by circulation.
    Acta.objects.create(
        session=sessions[2],
        status=Acta.Status.APPROVED,
        circulated_at=datetime.datetime(2024, 3, 11, 12, tzinfo=datetime.UTC),
        approved_on=D(2024, 3, 14),
    )
    outcome = result(committee, "SES-08", on="record")
    assert outcome.result == PASS
    assert outcome.evidence[0] == (
        "Cada acta se aprueba a más tardar 2 sesiones después, o por circulación la de la "
        "última sesión."
    )
    assert outcome.evidence[-1].endswith(
        "aprobada por circulación el 14 de marzo de 2024 (no hay sesión posterior)."
    )


def test_the_acta_of_the_last_session_must_be_approved_by_circulation():
    committee = cotaprep()
    first = held(make_session(committee, date=D(2024, 1, 10)), present=3)
    last = held(make_session(committee, date=D(2024, 2, 10)), present=3)
    point = make_point(last, approves_acta_of=first)
    Acta.objects.create(
        session=first, status=Acta.Status.APPROVED, approved_at_point=point, approved_on=last.date
    )

    outcome = result(committee, "SES-08", on="record")
    assert outcome.result == FAIL
    assert outcome.evidence == [
        "Acta de la segunda sesión ordinaria (10 de febrero de 2024): no hay sesión posterior; "
        "debe aprobarse por circulación entre las y los integrantes con voto."
    ]
    plan = result(committee, "SES-08", on="plan")
    assert "se aprobará por circulación" in plan.evidence[-1]


def test_circulating_while_a_later_session_could_approve_it_fails():
    committee = cotaprep()
    first = held(make_session(committee, date=D(2024, 1, 10)), present=3)
    held(make_session(committee, date=D(2024, 2, 10)), present=3)
    Acta.objects.create(
        session=first,
        status=Acta.Status.APPROVED,
        circulated_at=datetime.datetime(2024, 1, 12, 12, tzinfo=datetime.UTC),
        approved_on=D(2024, 1, 15),
    )
    outcome = result(committee, "SES-08", on="record")
    assert outcome.result == FAIL
    assert (
        "se aprobó por circulación aunque una sesión posterior podía aprobarla"
        in (outcome.evidence[0])
    )


def agreement_at(session, **fields):
    return make_agreement(make_point(session), **fields)


def test_an_ordinary_session_without_follow_up_while_agreements_are_open_breaks_ses_11():
    committee = cotaprep()
    first = make_session(committee, date=D(2024, 1, 10))
    agreement_at(first)
    second = make_session(committee, date=D(2024, 2, 10))
    outcome = result(committee, "SES-11")
    assert outcome.result == FAIL
    assert outcome.evidence == [
        f"{second.title} (10 de febrero de 2024): 1 acuerdos abiertos y ningún punto de "
        "seguimiento."
    ]
    make_point(second, standard=AgendaPoint.Standard.AGREEMENTS_FOLLOW_UP)
    assert result(committee, "SES-11").result == PASS


def test_an_agreement_done_before_the_session_is_not_open_then():
    committee = cotaprep()
    agreement = agreement_at(make_session(committee, date=D(2024, 1, 10)))
    make_session(committee, date=D(2024, 3, 10))
    AgreementFollowUp.objects.create(
        agreement=agreement, date=D(2024, 2, 1), note="Cumplido.", new_status="done"
    )
    assert result(committee, "SES-11").result == PASS
    # Reopened after that session: still closed on the day of the session.
    AgreementFollowUp.objects.create(
        agreement=agreement, date=D(2024, 3, 11), note="Se reabre.", new_status="in_progress"
    )
    assert result(committee, "SES-11").result == PASS


def test_open_agreements_are_counted_as_the_agreement_list_counts_them():
    committee = cotaprep()
    first = make_session(committee, date=D(2024, 1, 10))
    second = make_session(committee, date=D(2024, 2, 10))
    done, reopened, untouched = agreement_at(first), agreement_at(first), agreement_at(second)
    for agreement, day, status in (
        (done, D(2024, 1, 20), "done"),
        (reopened, D(2024, 1, 20), "done"),
        (reopened, D(2024, 2, 20), "in_progress"),
        (untouched, D(2024, 2, 15), ""),
    ):
        AgreementFollowUp.objects.create(
            agreement=agreement, date=day, note="Seguimiento.", new_status=status
        )
    days = [D(2024, 1, 10), D(2024, 1, 11), D(2024, 1, 20), D(2024, 2, 11), D(2024, 2, 21)]
    assert _open_agreement_counts(committee, days) == {
        day: open_agreements_on(committee, day).count() for day in days
    }
    assert list(_open_agreement_counts(committee, days).values()) == [0, 2, 0, 1, 2]


def test_a_cancelled_session_without_its_notice_breaks_ses_13():
    committee = cotaprep()
    session = make_session(
        committee,
        date=D(2024, 1, 10),
        status=Session.Status.CANCELLED,
        status_reason="Falta de quórum previsible.",
    )
    outcome = result(committee, "SES-13")
    assert outcome.result == FAIL
    assert outcome.evidence[0].endswith("(cancelada): falta cuándo se avisó.")
    session.status_changed_at = timezone_at(D(2024, 1, 8), 9)
    session.save()
    assert result(committee, "SES-13").result == PASS


def test_back_to_back_sessions_do_not_clash():
    committee = cotaprep()
    make_session(
        committee,
        date=D(2024, 1, 10),
        start_time=datetime.time(10),
        end_time=datetime.time(12),
    )
    make_session(
        committee, kind=Session.Kind.WORK_MEETING, date=D(2024, 1, 10), start_time=datetime.time(12)
    )
    # Two sessions of one day without times: the calendar gives only the day.
    make_session(committee, kind=Session.Kind.EXTRAORDINARY, date=D(2024, 1, 10))
    assert result(committee, "CAL-01").result == PASS


def test_a_session_after_the_conclusion_is_outside_the_term():
    committee = cotaprep()
    late = make_session(committee, date=D(2024, 7, 1))
    outcome = result(committee, "CAL-01")
    assert outcome.result == FAIL
    assert outcome.evidence == [
        f"{late.title} (1 de julio de 2024): fuera de la vigencia del órgano."
    ]


def test_two_sessions_at_the_same_hour_are_named_in_the_evidence():
    committee = cotaprep()
    make_session(committee, date=D(2024, 1, 10), start_time=datetime.time(11))
    meeting = make_session(
        committee, kind=Session.Kind.WORK_MEETING, date=D(2024, 1, 10), start_time=datetime.time(11)
    )
    outcome = result(committee, "CAL-01")
    assert outcome.evidence == [
        f"Primera sesión ordinaria y {meeting.title} coinciden el 10 de enero de 2024 a las 11:00."
    ]
    assert outcome.objects == [
        (f"{meeting.title} (10 de enero de 2024)", f"/sesiones/{meeting.pk}/")
    ]


# --- Month ends, scope, the JSON a script reads, bad data, queries --------------------------


def test_seven_months_before_a_31st_is_the_last_day_of_a_shorter_month():
    # Election day 31 May 2026: seven months earlier is 31 October 2025; one month less on
    # a 31 July election day lands on 30 June.
    committee = cotaprep(election_day=D(2026, 5, 31), integrated_on=D(2025, 10, 31))
    assert result(committee, "PREP-03").result == PASS
    committee = cotaprep(election_day=D(2026, 7, 31), integrated_on=D(2025, 12, 31))
    outcome = result(committee, "PREP-03")
    assert outcome.result == PASS
    assert "límite: 31 de diciembre de 2025" in outcome.evidence[0]
    RuleOverride.objects.create(
        committee=committee,
        rule=Rule.objects.get(code="PREP-03"),
        parameters={"months_before_election_day": 1},
    )
    committee.integrated_on = D(2026, 7, 1)
    committee.save()
    outcome = result(committee, "PREP-03")
    assert outcome.result == FAIL
    assert "límite: 30 de junio de 2026" in outcome.evidence[0]


def test_a_month_ending_on_the_31st_is_judged_whole():
    # The last ordinary session of a month on its 31st still counts for that month.
    committee = short_term_committee()
    for day in (D(2024, 4, 10), D(2024, 5, 31), D(2024, 6, 1)):
        make_session(committee, date=day)
    assert result(committee, "PREP-09").result == PASS


@pytest.mark.parametrize("kind", [Committee.Kind.WORKING_GROUP, Committee.Kind.COMMISSION])
def test_prep_rules_never_apply_outside_a_cotaprep(kind):
    parent = make_committee(kind=Committee.Kind.COMMISSION)
    committee = cotaprep(kind=kind, parent=parent)
    assert {r.rule for r in check_committee(committee)} == {
        "CAL-01", "SES-01", "SES-02", "SES-04", "SES-06", "SES-07", "SES-08", "SES-11",
        "SES-12", "SES-13",
    }  # fmt: skip


def test_a_rule_scoped_to_working_groups_applies_to_them_only():
    Rule.objects.filter(code="SES-12").update(applies_to=["working_group"])
    group = make_committee(kind=Committee.Kind.WORKING_GROUP, parent=make_committee())
    assert "SES-12" in {r.rule for r in check_committee(group)}
    assert "SES-12" not in {r.rule for r in check_committee(cotaprep())}


def test_the_json_output_keeps_its_schema():
    committee = cotaprep(slug="cotaprep-json")
    make_session(committee, date=D(2023, 11, 1), role=Session.Role.INSTALLATION)
    for on in ("plan", "record"):
        out = io.StringIO()
        with contextlib.suppress(CommandError):
            call_command(
                "check_compliance", "--committee", "cotaprep-json", "--on", on, "--format",
                "json", stdout=out,
            )  # fmt: skip
        rows = json.loads(out.getvalue())
        assert [row["rule"] for row in rows] == [r.rule for r in check_committee(committee, on=on)]
        for row in rows:
            assert list(row) == ["rule", "result", "level", "cites", "certainty", "evidence"]
            assert row["result"] in {PASS, FAIL, UNDECIDABLE}
            assert row["level"] in {"error", "warning", "info"}
            assert row["certainty"] in {"seed", "inferred", "default"}
            assert isinstance(row["cites"], str)
            assert row["evidence"]
            assert all(isinstance(line, str) for line in row["evidence"])


BAD_DATA = {
    "nothing at all": {},
    "no election day": {"election_day": None},
    "no dates": {"integrated_on": None, "installed_on": None, "closed_on": None},
    "no members": {"members": 0, "secretary": False},
    "no sessions": {"sessions": False},
    "only cancelled sessions": {"cancelled": True},
}


MISSING_MARKERS = (
    "Falta el dato",
    "Falta el parámetro",
    "no tiene sesiones",
    "aún",
    "no se registró",
    "No hay sesiones",
)


@pytest.mark.parametrize("case", list(BAD_DATA), ids=list(BAD_DATA))
@pytest.mark.parametrize("on", ["plan", "record"])
def test_bad_data_never_crashes_and_says_why(case, on):
    data = BAD_DATA[case]
    if case == "nothing at all":
        committee = make_committee(installed_on=None, closed_on=None)
    else:
        dates = ("integrated_on", "installed_on", "closed_on")
        committee = cotaprep(
            members=data.get("members", 3), **{k: v for k, v in data.items() if k in dates}
        )
        if "election_day" in data:
            committee.process = None
            committee.save()
        if not data.get("secretary", True):
            committee.memberships.all().delete()
        if data.get("sessions", True):
            status = Session.Status.CANCELLED if data.get("cancelled") else Session.Status.HELD
            make_session(committee, date=D(2023, 12, 18), status=status, status_reason="Motivo.")
    results = check_committee(committee, on=on)
    assert results
    for outcome in results:
        assert outcome.result in {PASS, FAIL, UNDECIDABLE}, outcome.rule
        assert outcome.evidence, outcome.rule
        if outcome.result == UNDECIDABLE:
            # A sentence naming what is missing, never an exception's text.
            reason = " ".join(outcome.evidence)
            assert any(marker in reason for marker in MISSING_MARKERS), (outcome.rule, reason)


def test_undecidable_rules_name_what_is_missing_on_the_record():
    committee = cotaprep()
    make_session(committee, date=D(2023, 12, 18))  # planned, never held
    results = {r.rule: r for r in check_committee(committee, on="record")}
    for code in ("PREP-09", "PREP-10", "CAL-01", "SES-08"):
        assert results[code].result == UNDECIDABLE, code
        assert results[code].evidence == ["El órgano aún no ha celebrado sesiones."]


def busy_committee(sessions: int) -> Committee:
    """A COTAPREP with ``sessions`` held sessions, each with points, votes and an agreement."""
    committee = cotaprep(closed_on=D(2026, 6, 30))
    members = list(committee.memberships.filter(role=Membership.Role.MEMBER))
    previous = None
    for n in range(sessions):
        day = D(2023, 11, 1) + datetime.timedelta(days=7 * n)
        session = held(
            make_session(
                committee,
                kind=(Session.Kind.ORDINARY, Session.Kind.EXTRAORDINARY)[n % 2],
                date=day,
                start_time=datetime.time(11),
                convened_at=timezone_at(day, 9) - datetime.timedelta(days=4),
            ),
            present=3,
        )
        make_point(session, standard=AgendaPoint.Standard.BIMONTHLY_INFORME)
        if n % 3:
            make_point(session, standard=AgendaPoint.Standard.AGREEMENTS_FOLLOW_UP)
        point = make_point(session)
        for member in members:
            Vote.objects.create(point=point, membership=member, sense=Vote.Sense.FOR)
        make_agreement(point)
        if previous is not None:
            approving = make_point(session, approves_acta_of=previous)
            Acta.objects.create(
                session=previous,
                status=Acta.Status.APPROVED,
                approved_at_point=approving,
                approved_on=day,
            )
        previous = session
    return committee


@pytest.mark.parametrize("sessions", [2, 30], ids=["small", "large"])
@pytest.mark.parametrize("on", ["plan", "record"])
def test_the_number_of_queries_does_not_grow_with_the_sessions(
    sessions, on, django_assert_max_num_queries
):
    committee = busy_committee(sessions)
    committee = Committee.objects.select_related("institution", "process", "parent").get(
        pk=committee.pk
    )
    # 1 overrides, 2 rules, 3 sessions, 4 memberships; votes (PREP-07, PREP-08); informes
    # and their points (PREP-11, PREP-13); the calendar's approval (PREP-14); the points
    # of the convened sessions (PREP-15); SES-07's points; SES-08's points and actas;
    # SES-11's follow-up points, agreements and their logs.
    with django_assert_max_num_queries(20):
        results = check_committee(committee, on=on)
    assert len(results) == Rule.objects.count()


def test_the_record_is_read_as_of_the_day_of_the_check():
    """An informe's compliance section, cut at its date, never cites what came after."""
    committee = cotaprep(installed_on=D(2024, 1, 1), closed_on=D(2024, 6, 30))
    first = presented_informe(
        informe_point(committee, D(2024, 3, 1)),
        Informe.Kind.BIMONTHLY,
        D(2024, 1, 1),
        D(2024, 2, 29),
        1,
    )
    presented_informe(
        informe_point(committee, D(2024, 6, 20)),
        Informe.Kind.BIMONTHLY,
        D(2024, 3, 1),
        D(2024, 4, 30),
        2,
    )

    on_march_1 = result(committee, "PREP-11", on="record", today=first.presented_on)
    on_june_30 = result(committee, "PREP-11", on="record", today=D(2024, 6, 30))

    assert on_march_1.result == PASS
    assert not any("egundo" in line or "20 de junio" in line for line in on_march_1.evidence)
    # By June the second informe is there, presented late (a warning, not a failure).
    assert on_june_30.result == PASS
    assert any(line.startswith("Advertencia: el segundo informe") for line in on_june_30.evidence)
