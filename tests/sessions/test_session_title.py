import datetime

import pytest

from committees.models import Committee
from sessions.models import Session
from tests.factories import make_committee, make_session

ORDINALS = [
    "Primera", "Segunda", "Tercera", "Cuarta", "Quinta", "Sexta", "Séptima", "Octava",
    "Novena", "Décima", "Décima primera", "Décima segunda", "Décima tercera",
    "Décima cuarta", "Décima quinta", "Décima sexta", "Décima séptima", "Décima octava",
    "Décima novena", "Vigésima", "Vigésima primera", "Vigésima segunda",
    "Vigésima tercera", "Vigésima cuarta", "Vigésima quinta", "Vigésima sexta",
    "Vigésima séptima", "Vigésima octava", "Vigésima novena", "Trigésima",
    "Trigésima primera", "Trigésima segunda", "Trigésima tercera", "Trigésima cuarta",
    "Trigésima quinta", "Trigésima sexta", "Trigésima séptima", "Trigésima octava",
    "Trigésima novena", "Cuadragésima",
]  # fmt: skip


def unsaved_session(**fields):
    committee = fields.pop("committee", None) or Committee(
        name="Comité Técnico Asesor del PREP", short_name="COTAPREP"
    )
    return Session(committee=committee, date=datetime.date(2024, 1, 30), **fields)


@pytest.mark.parametrize(("number", "word"), list(enumerate(ORDINALS, start=1)))
def test_ordinary_and_extraordinary_titles_from_1_to_40(number, word):
    assert unsaved_session(kind="ordinary", number=number).title == f"{word} sesión ordinaria"
    assert (
        unsaved_session(kind="extraordinary", number=number).title
        == f"{word} sesión extraordinaria"
    )


@pytest.mark.parametrize(("number", "word"), list(enumerate(ORDINALS, start=1)))
def test_work_meeting_titles_from_1_to_40(number, word):
    assert unsaved_session(kind="work_meeting", number=number).title == (
        f"{word} reunión formal de trabajo con las representaciones de partidos políticos "
        "y candidaturas independientes"
    )


def test_installation_title_names_its_ordinary_number():
    session = unsaved_session(kind="ordinary", role="installation", number=1)
    assert session.title == "Sesión de instalación (Primera sesión ordinaria)"
    assert session.reference == "sesión de instalación"


def test_closing_title():
    session = unsaved_session(kind="ordinary", role="closing", number=8)
    assert session.title == "Sesión de cierre y clausura"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "Grupo de Trabajo de Sistemas de Información",
            "Cuarta reunión del Grupo de Trabajo de Sistemas de Información",
        ),
        (
            "Comisión de Capacitación y Organización Electoral",
            "Cuarta reunión de la Comisión de Capacitación y Organización Electoral",
        ),
    ],
)
def test_working_group_title_uses_the_body_name(name, expected):
    committee = Committee(name=name, short_name="GT", kind="working_group")
    session = unsaved_session(committee=committee, kind="working_group", number=4)
    assert session.title == expected


@pytest.mark.django_db
def test_title_is_derived_so_renumbering_changes_it():
    session = make_session(kind="ordinary", number=2)
    session.number = 3
    session.save()
    session.refresh_from_db()
    assert session.title == "Tercera sesión ordinaria"


@pytest.mark.django_db
def test_str_names_committee_and_date():
    committee = make_committee(short_name="COTAPREP")
    session = make_session(committee, kind="ordinary", number=5, date=datetime.date(2024, 3, 19))
    assert str(session) == "Quinta sesión ordinaria (COTAPREP, 19/03/2024)"
