import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from committees.models import Committee, Membership
from sessions.models import Session
from tests.factories import (
    make_committee,
    make_institution,
    make_membership,
    make_process,
    make_session,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def run(*args) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("check_compliance", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


@pytest.fixture
def late_committee():
    """A COTAPREP integrated one day too late: PREP-03, an error-level rule, fails."""
    process = make_process(institution=make_institution(), election_day=D(2024, 6, 2))
    committee = make_committee(process=process, slug="cotaprep-tarde", integrated_on=D(2023, 11, 3))
    for _ in range(3):
        make_membership(committee)
    make_membership(committee, role=Membership.Role.TECHNICAL_SECRETARY)
    make_session(committee, date=D(2023, 11, 1), role=Session.Role.INSTALLATION)
    return committee


@pytest.fixture
def working_group():
    group = make_committee(
        kind=Committee.Kind.WORKING_GROUP, parent=make_committee(), slug="grupo-sistemas"
    )
    make_membership(group)
    make_session(group, kind=Session.Kind.WORKING_GROUP, date=D(2024, 1, 10))
    return group


def test_json_has_one_object_per_rule_with_stable_keys(working_group):
    out, error = run("--committee", "grupo-sistemas", "--format", "json")
    assert error is None
    rows = json.loads(out)
    assert [row["rule"] for row in rows] == [
        "CAL-01", "SES-01", "SES-02", "SES-04", "SES-06", "SES-07", "SES-08", "SES-11",
        "SES-12", "SES-13",
    ]  # fmt: skip
    for row in rows:
        assert list(row) == ["rule", "result", "level", "cites", "certainty", "evidence"]
        assert row["result"] in {"pass", "fail", "undecidable"}
        assert all(isinstance(line, str) for line in row["evidence"])


def test_an_error_level_failure_exits_with_an_error(late_committee):
    out, error = run("--committee", "cotaprep-tarde", "--format", "json")
    assert error is not None
    assert "PREP-03" in str(error)
    row = next(row for row in json.loads(out) if row["rule"] == "PREP-03")
    assert (row["result"], row["level"], row["cites"]) == ("fail", "error", "RE 340(1)")


def test_warnings_alone_exit_cleanly(working_group):
    make_session(working_group, kind=Session.Kind.WORKING_GROUP, date=D(2030, 1, 10))
    out, error = run("--committee", "grupo-sistemas")
    assert "CAL-01   No cumple" in out
    assert error is None


def test_text_shows_each_rule_with_its_evidence_indented(late_committee):
    out, _ = run("--committee", "cotaprep-tarde", "--on", "record")
    lines = out.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("PREP-03"))
    assert lines[index].split() == ["PREP-03", "No", "cumple", "Error", "RE", "340(1)"]
    assert lines[index + 1].startswith("    Fecha de integración del comité: 3 de noviembre")
    assert any(line.startswith("PREP-01  No decidible") for line in lines)
    assert any(line.startswith("PREP-05  Cumple") for line in lines)


def test_an_unknown_committee_is_an_error():
    _, error = run("--committee", "no-existe")
    assert str(error) == "No existe el órgano «no-existe»."
