import datetime

import pytest
from django.core.exceptions import ValidationError

from reports.models import Acta, Informe
from tests.factories import make_committee, make_point, make_session

pytestmark = pytest.mark.django_db


def test_an_approved_acta_records_where_and_when():
    acta = Acta(session=make_session(), status=Acta.Status.APPROVED)
    with pytest.raises(ValidationError) as caught:
        acta.validate_constraints()
    assert (
        "indica la fecha de su aprobación y el punto de la sesión que la aprobó"
        in caught.value.messages[0]
    )


def test_an_acta_is_approved_at_a_later_session_of_its_committee():
    committee = make_committee()
    held = make_session(committee, date=datetime.date(2023, 12, 18))
    earlier_point = make_point(make_session(committee, date=datetime.date(2023, 11, 1)))
    acta = Acta(
        session=held, status=Acta.Status.APPROVED, approved_at_point=earlier_point,
        approved_on=datetime.date(2023, 11, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        acta.full_clean()
    assert "sesión posterior del mismo órgano" in caught.value.message_dict["approved_at_point"][0]


def test_work_meetings_have_no_acta():
    acta = Acta(session=make_session(kind="work_meeting"))
    with pytest.raises(ValidationError) as caught:
        acta.full_clean()
    assert "no levantan acta" in caught.value.messages[0]


def test_informe_period_must_not_end_before_it_starts():
    informe = Informe(
        committee=make_committee(), kind="bimonthly", number=1,
        period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2023, 12, 31),
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        informe.validate_constraints()
    assert "El fin del periodo no puede ser anterior a su inicio." in caught.value.messages


def test_bimonthly_informes_are_numbered_and_unique():
    committee = make_committee()
    Informe.objects.create(
        committee=committee, kind="bimonthly", number=1,
        period_start=datetime.date(2023, 11, 1), period_end=datetime.date(2023, 12, 31),
    )  # fmt: skip
    unnumbered = Informe(
        committee=committee, kind="bimonthly",
        period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 2, 29),
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        unnumbered.validate_constraints()
    assert "Un informe bimestral lleva número (1, 2, 3…)." in caught.value.messages
    unnumbered.number = 1
    with pytest.raises(ValidationError) as caught:
        unnumbered.validate_constraints()
    assert "Ya existe un informe con ese número en este órgano." in caught.value.messages


@pytest.mark.parametrize(
    ("kind", "number", "title"),
    [
        ("bimonthly", 1, "Primer informe de actividades"),
        ("bimonthly", 2, "Segundo informe de actividades"),
        ("bimonthly", 3, "Tercer informe de actividades"),
        ("final", None, "Informe final de actividades"),
    ],
)
def test_informe_title_is_derived(kind, number, title):
    assert Informe(kind=kind, number=number).title == title
