"""
The demo COTAPREP's work plan, checked by hand from demo/data/*.json and by the checker:
both must agree rule by rule.
"""

import datetime

import pytest

from committees.spanish import add_months
from demo.loader import load_demo, read_demo_data
from demo.simulation import simulate_season
from reports.compliance import FAIL, PASS, UNDECIDABLE, check_committee

pytestmark = pytest.mark.django_db

D = datetime.date


def sessions_of_the_plan():
    return [{**row, "date": D.fromisoformat(row["date"])} for row in read_demo_data()["sessions"]]


def months_without(kind_test, first, last):
    """Months from ``first``'s through ``last``'s with no session passing ``kind_test``."""
    sessions = sessions_of_the_plan()
    missing = []
    month = D(first.year, first.month, 1)
    while month <= D(last.year, last.month, 1):
        if not any(
            kind_test(s) and (s["date"].year, s["date"].month) == (month.year, month.month)
            for s in sessions
        ):
            missing.append((month.year, month.month))
        month = add_months(month, 1)
    return missing


def hand_check() -> dict[str, str]:
    """What the rules say of the seed plan, derived by hand from the plan itself."""
    election_day, installed = D(2024, 6, 2), D(2023, 11, 1)
    expected = {}

    # PREP-02: the commission's agreement, 31 Aug 2023 ≤ 2 Jun 2024 − 9 months = 2 Sep 2023.
    expected["PREP-02"] = PASS if D(2023, 8, 31) <= D(2023, 9, 2) else FAIL
    # PREP-03: integrated 25 Oct 2023 ≤ 2 Jun 2024 − 7 months = 2 Nov 2023.
    expected["PREP-03"] = PASS if D(2023, 10, 25) <= D(2023, 11, 2) else FAIL
    # PREP-04: three members with vote for the whole term, an OPL allows 3 to 5.
    expected["PREP-04"] = PASS
    # PREP-05: one technical secretary (Héctor Gallego Ávila) for the whole term.
    expected["PREP-05"] = PASS
    # PREP-07, PREP-08: a plan has no votes yet.
    expected["PREP-07"] = expected["PREP-08"] = PASS

    # PREP-09 and PREP-10: "each month from installation to election day" — November 2023
    # (installation, 1 Nov) through June 2024 (election day, 2 Jun) inclusive: June is a
    # month of the term and holds election day, so it is judged.
    ordinary_gaps = months_without(lambda s: s["kind"] == "ordinary", installed, election_day)
    # Nov 1 (installation), Dec 18, Jan 30, Feb 28, Mar 19, Apr 25, May 28, Jun 30 (closing).
    assert ordinary_gaps == []
    expected["PREP-09"] = PASS
    meeting_gaps = months_without(lambda s: s["kind"] == "work_meeting", installed, election_day)
    # Nov 29, Dec 14, Jan 25, Feb 29, Mar 15, Apr 29, May 31 — and none in June 2024.
    assert meeting_gaps == [(2024, 6)]
    expected["PREP-10"] = FAIL

    # PREP-11 (as corrected in rules/README.md): contiguous periods of at most two months
    # from the installation, each presented within the month after it ends. The plan
    # presents Nov–Dec on 30 Jan, Jan–Feb on 19 Mar, Mar–Apr on 28 May and the final one
    # (May–Jun, the rest of the term) on 30 Jun: each period starts the day after the last.
    periods = [
        (D(2023, 11, 1), D(2023, 12, 31), D(2024, 1, 30)),
        (D(2024, 1, 1), D(2024, 2, 29), D(2024, 3, 19)),
        (D(2024, 3, 1), D(2024, 4, 30), D(2024, 5, 28)),
    ]
    assert periods[0][0] == installed
    for (_, end, presented), (start, _, _) in zip(
        periods, [*periods[1:], (D(2024, 5, 1),) * 3], strict=True
    ):
        assert start == end + datetime.timedelta(days=1)
        assert presented <= add_months(end.replace(day=1), 2) - datetime.timedelta(days=1)
    expected["PREP-11"] = PASS
    # PREP-13: the final informe on 30 Jun 2024, the month of election day (2 Jun 2024).
    expected["PREP-13"] = PASS
    # PREP-14: the installation session approves the work plan and calendar.
    expected["PREP-14"] = PASS
    # PREP-15: nothing convened yet.
    expected["PREP-15"] = PASS
    # PREP-17: nothing after 30 Jun 2024 and the last session is the closing one.
    expected["PREP-17"] = PASS

    # SES-01, SES-04: nothing convened or held yet. SES-07: the extraordinary session of
    # 1 Jun has no general matters. SES-11: no agreements yet. SES-13: nothing moved.
    expected.update({"SES-01": PASS, "SES-04": PASS, "SES-07": PASS})
    expected.update({"SES-11": PASS, "SES-13": PASS})
    # SES-08: the closing session approves the acta of the 7th ordinary session, but no
    # session approves the acta of the extraordinary session of 1 Jun 2024.
    expected["SES-08"] = FAIL
    # CAL-01: rows 11/12 of the plan (work meeting 6 on 29 Apr, ordinary 6 on 25 Apr) are
    # of different kinds; within each kind numbers follow dates; no clashes; all in term.
    expected["CAL-01"] = PASS

    # No data to judge them.
    for code in ("PREP-01", "PREP-12", "SES-02", "SES-06", "SES-12"):
        expected[code] = UNDECIDABLE
    return expected


def test_the_checker_agrees_with_the_hand_check_of_the_seed_plan():
    committee = load_demo().committee
    results = {r.rule: r for r in check_committee(committee, on="plan")}
    assert {code: r.result for code, r in results.items()} == hand_check()


def test_the_failures_of_the_seed_plan_name_their_months_and_informes():
    committee = load_demo().committee
    results = {r.rule: r for r in check_committee(committee, on="plan")}
    assert results["PREP-10"].evidence == ["Junio de 2024: ninguna reunión formal de trabajo."]
    assert results["PREP-11"].evidence[0] == (
        "Informe bimestral del 30 de enero de 2024 (tercera sesión ordinaria): periodo del 1 de "
        "noviembre de 2023 al 31 de diciembre de 2023."
    )
    assert "primera sesión extraordinaria" in results["SES-08"].evidence[0]


def test_the_simulated_season_keeps_the_plan_s_failures_and_approves_every_acta():
    committee = load_demo().committee
    simulate_season(committee)
    results = {r.rule: r for r in check_committee(committee, on="record")}
    # The record holds what the plan held: the same months and informes.
    assert results["PREP-10"].result == FAIL
    assert results["PREP-11"].result == PASS
    # Every vote came from one of the three members; every opening had a majority.
    assert results["PREP-07"].result == PASS
    assert results["PREP-07"].evidence[0].startswith("Votos: ")
    assert results["SES-04"].result == PASS
    # The simulation adds the extraordinary session's acta to the closing session.
    assert results["SES-08"].result == PASS
