"""The simulated demo season writes and presents its informes at their points."""

import datetime
import io

import pytest
from django.core.management import call_command

from demo.loader import load_demo
from demo.simulation import simulate_season
from reports.models import Informe
from sessions.models import Folio

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def season():
    committee = load_demo().committee
    summary = simulate_season(committee)
    return committee, summary


def test_three_bimonthly_informes_and_the_final_one_are_presented(season):
    committee, summary = season
    informes = list(
        committee.informes.select_related("presented_at_point__session").order_by("kind", "number")
    )

    assert summary.informes_presented == 4
    assert [(i.kind, i.number, i.status) for i in informes] == [
        ("bimonthly", 1, "presented"),
        ("bimonthly", 2, "presented"),
        ("bimonthly", 3, "presented"),
        ("final", None, "presented"),
    ]
    assert [(i.period_start, i.period_end) for i in informes] == [
        (D(2023, 11, 1), D(2023, 12, 31)),
        (D(2024, 1, 1), D(2024, 2, 29)),
        (D(2024, 3, 1), D(2024, 4, 30)),
        (D(2023, 11, 1), D(2024, 6, 30)),
    ]
    # Each at the informe point of its session: 30 Jan, 19 Mar, 28 May and the closing.
    assert [i.presented_on for i in informes] == [
        D(2024, 1, 30),
        D(2024, 3, 19),
        D(2024, 5, 28),
        D(2024, 6, 30),
    ]
    assert [i.presented_at_point.standard for i in informes] == [
        "bimonthly_informe",
        "bimonthly_informe",
        "bimonthly_informe",
        "final_informe",
    ]
    # The titles of the points name the informe and the months they cover.
    assert "primer informe" in informes[0].presented_at_point.title
    assert "noviembre y diciembre" in informes[0].presented_at_point.title
    assert "marzo y abril" in informes[2].presented_at_point.title


def test_the_narrative_is_marked_as_simulated(season):
    committee, _summary = season
    for informe in committee.informes.all():
        assert informe.narrative.startswith("[Texto simulado para la demostración")
    final = committee.informes.get(kind=Informe.Kind.FINAL)
    assert "Aprobar el calendario de sesiones" in final.recommendations
    first = committee.informes.get(number=1)
    assert "del 1 de noviembre de 2023 al 31 de diciembre de 2023" in first.narrative
    assert "Para el siguiente bimestre se prevé" in first.plans


def test_running_it_again_presents_nothing_new(season):
    committee, _summary = season

    again = simulate_season(committee)

    assert again.informes_presented == 0
    assert committee.informes.count() == 4


def test_a_season_held_before_informes_existed_gets_them(season):
    committee, _summary = season
    # Their oficio numbers go too (a folio is never deleted in use; here the season is rewound).
    Folio.objects.filter(informe__committee=committee).delete()
    committee.informes.all().delete()

    again = simulate_season(committee)

    assert again.sessions_held == 0
    assert again.informes_presented == 4


def test_load_demo_says_how_many_informes_were_presented(settings):
    settings.DEBUG = True
    out = io.StringIO()

    call_command("load_demo", "--simulate", stdout=out)

    assert "informes presentados ahora: 4, en total: 4." in out.getvalue()
