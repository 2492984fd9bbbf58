import datetime

import pytest
from django.core.exceptions import ValidationError

from agendas.services import delete_point, insert_point, reorder_points, schedule_session
from tests.factories import make_committee, make_point, make_session

pytestmark = pytest.mark.django_db


def titles(session):
    return list(session.points.order_by("position").values_list("title", flat=True))


def positions(session):
    return list(session.points.order_by("position").values_list("position", flat=True))


@pytest.fixture
def ordinary():
    committee = make_committee(installed_on=datetime.date(2023, 11, 1))
    schedule_session(
        committee=committee, kind="ordinary", role="installation", date=datetime.date(2023, 11, 1)
    )
    return schedule_session(committee=committee, kind="ordinary", date=datetime.date(2023, 12, 18))


def test_specific_points_go_before_general_matters(ordinary):
    insert_point(
        ordinary,
        title="Aprobación del acuerdo por el que se determina el Proceso Técnico Operativo",
        kind="approval",
    )
    insert_point(ordinary, title="Revisión del anexo técnico del ente auditor", kind="informative")
    assert titles(ordinary)[4:] == [
        "Aprobación del acuerdo por el que se determina el Proceso Técnico Operativo",
        "Revisión del anexo técnico del ente auditor",
        "Asuntos generales",
        "Resumen y clausura de la sesión",
    ]
    assert positions(ordinary) == list(range(1, 9))


def test_insert_at_a_given_position(ordinary):
    insert_point(ordinary, title="Punto urgente", kind="informative", position=2)
    assert titles(ordinary)[:3] == [
        "Lectura y aprobación del orden del día",
        "Punto urgente",
        "Aprobación del acta de la sesión de instalación del COTAPREP",
    ]
    assert positions(ordinary) == list(range(1, 8))


def test_insert_refuses_a_position_out_of_range(ordinary):
    with pytest.raises(ValidationError) as caught:
        insert_point(ordinary, title="Fuera", kind="informative", position=20)
    assert caught.value.message_dict["position"] == ["El número de punto debe estar entre 1 y 7."]
    assert positions(ordinary) == list(range(1, 7))


def test_insert_without_a_title_is_refused_and_nothing_moves(ordinary):
    before = titles(ordinary)
    with pytest.raises(ValidationError):
        insert_point(ordinary, title="", kind="informative", position=1)
    assert titles(ordinary) == before


def test_insert_at_the_end_when_there_are_no_trailing_points():
    session = make_session()
    make_point(session, title="Primero")
    insert_point(session, title="Segundo", kind="informative")
    assert titles(session) == ["Primero", "Segundo"]


def test_reorder_points(ordinary):
    ids = list(ordinary.points.order_by("position").values_list("pk", flat=True))
    new_order = [ids[0], ids[3], ids[1], ids[2], ids[4], ids[5]]
    reorder_points(ordinary, new_order)
    assert list(ordinary.points.order_by("position").values_list("pk", flat=True)) == new_order
    assert positions(ordinary) == list(range(1, 7))


@pytest.mark.parametrize("mangle", ["missing", "duplicate", "foreign"])
def test_reorder_refuses_a_stale_or_foreign_order(ordinary, mangle):
    ids = list(ordinary.points.order_by("position").values_list("pk", flat=True))
    if mangle == "missing":
        order = ids[:-1]
    elif mangle == "duplicate":
        order = [ids[0], *ids[:-1]]
    else:
        order = [*ids[:-1], make_point().pk]
    with pytest.raises(ValidationError) as caught:
        reorder_points(ordinary, order)
    assert "recargue la página" in caught.value.messages[0]
    assert list(ordinary.points.order_by("position").values_list("pk", flat=True)) == ids


def test_delete_point_closes_the_gap(ordinary):
    delete_point(ordinary.points.get(position=3))
    assert positions(ordinary) == [1, 2, 3, 4, 5]
    assert "Seguimiento" not in " ".join(titles(ordinary))
