"""The calendar table of the seed work plan, pasted as it stands, gives the demo's 16 sessions."""

import datetime
from pathlib import Path

import pytest

from agendas.services import add_standard_agenda
from demo.loader import load_demo
from sessions.calendar_import import import_calendar
from tests.factories import make_committee

pytestmark = pytest.mark.django_db

# Copied verbatim from the end of the COTAPREP work plan (seed 003): caption, header,
# one cell per line with tab indentation, rows between blank lines, closing paragraph.
SEED_TABLE = Path(__file__).parent / "data" / "calendario_plan_de_trabajo.txt"

D = datetime.date
EXPECTED = [
    ("ordinary", 1, "installation", D(2023, 11, 1)),
    ("work_meeting", 1, "", D(2023, 11, 29)),
    ("work_meeting", 2, "", D(2023, 12, 14)),
    ("ordinary", 2, "", D(2023, 12, 18)),
    ("work_meeting", 3, "", D(2024, 1, 25)),
    ("ordinary", 3, "", D(2024, 1, 30)),
    ("ordinary", 4, "", D(2024, 2, 28)),
    ("work_meeting", 4, "", D(2024, 2, 29)),
    ("work_meeting", 5, "", D(2024, 3, 15)),
    ("ordinary", 5, "", D(2024, 3, 19)),
    ("ordinary", 6, "", D(2024, 4, 25)),
    ("work_meeting", 6, "", D(2024, 4, 29)),
    ("ordinary", 7, "", D(2024, 5, 28)),
    ("work_meeting", 7, "", D(2024, 5, 31)),
    ("extraordinary", 1, "", D(2024, 6, 1)),
    ("ordinary", 8, "closing", D(2024, 6, 30)),
]


def calendar(committee) -> list[tuple]:
    return list(
        committee.sessions.order_by("date", "kind").values_list("kind", "number", "role", "date")
    )


def test_the_fixture_is_the_table_as_a_word_processor_pastes_it():
    text = SEED_TABLE.read_text(encoding="utf-8")
    assert "\tNúm.\n\tFecha\n" in text
    assert "\n\n\t1\n\t01 de noviembre de 2023\n\tSesión de instalación (Primera sesión " in text
    assert "\n\t16\n\t30 de junio de 2024\n\tSesión de cierre y clausura\n" in text


def test_the_seed_table_gives_its_16_sessions():
    committee = make_committee()
    report = import_calendar(
        committee, SEED_TABLE.read_bytes(), filename=SEED_TABLE.name, on_created=add_standard_agenda
    )
    assert report.errors == []
    assert report.format == "table"
    assert calendar(committee) == EXPECTED
    # The table's rows 11 and 12 are out of date order in the plan itself.
    assert [(issue.line, issue.text) for issue in report.warnings] == [
        (51, "12 | 25 de abril de 2024 | Sexta sesión ordinaria.")
    ]
    assert all(session.points.exists() for session in committee.sessions.all())


def test_the_seed_table_gives_the_same_calendar_as_the_demo():
    demo = load_demo().committee
    committee = make_committee()
    import_calendar(committee, SEED_TABLE.read_bytes())
    assert calendar(committee) == calendar(demo) == EXPECTED


def test_importing_the_seed_table_into_the_demo_committee_doubles_nothing():
    demo = load_demo().committee
    report = import_calendar(demo, SEED_TABLE.read_bytes())
    assert report.ok
    assert report.planned == []
    assert len(report.duplicates) == 16
    assert demo.sessions.count() == 16
