"""Informes: created as drafts, written, presented at a held session's informe point."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from agendas.models import AgendaPoint
from agendas.services import schedule_session
from reports.informes import (
    InformeProposal,
    create_informe,
    present_informe,
    presentation_points,
    propose_next_informe,
    update_informe_text,
)
from reports.models import Informe
from tests.factories import make_committee
from tests.reports.informe_data import (
    DEC_31,
    NOV_1,
    D,
    draft_informe,
    first_bimester,
    hold,
    informe_point,
    people,
    presented,
)

pytestmark = pytest.mark.django_db


def errors_of(raised) -> dict:
    return {field: messages for field, messages in raised.value.message_dict.items()}


# --- create_informe -----------------------------------------------------------------------


def test_it_creates_a_draft_bimonthly_informe(committee):
    informe = create_informe(
        committee, kind="bimonthly", number=1, period_start=NOV_1, period_end=DEC_31
    )

    assert informe.status == Informe.Status.DRAFT
    assert (informe.number, informe.period_start, informe.period_end) == (1, NOV_1, DEC_31)
    assert informe.title == "Primer informe de actividades"


def test_without_a_number_it_takes_the_next_one(committee):
    draft_informe(committee)

    informe = create_informe(
        committee, kind="bimonthly", period_start=D(2024, 1, 1), period_end=D(2024, 2, 29)
    )

    assert informe.number == 2
    assert informe.title == "Segundo informe de actividades"


def test_the_final_informe_has_no_number(committee):
    informe = create_informe(
        committee, kind="final", number=4, period_start=NOV_1, period_end=D(2024, 6, 30)
    )

    assert informe.number is None
    assert informe.title == "Informe final de actividades"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"period_start": D(2023, 12, 1), "period_end": D(2023, 11, 30)},
            "period_end",
            "El fin del periodo no puede ser anterior a su inicio.",
        ),
        (
            {"period_start": D(2023, 10, 1), "period_end": D(2023, 11, 30)},
            "period_start",
            "El periodo no puede empezar antes de la instalación del órgano "
            "(1 de noviembre de 2023).",
        ),
        (
            {"period_start": D(2024, 6, 1), "period_end": D(2024, 7, 31)},
            "period_end",
            "El periodo no puede terminar después de la conclusión del órgano "
            "(30 de junio de 2024).",
        ),
        (
            {"period_start": NOV_1, "period_end": D(2024, 1, 31)},
            "period_end",
            "Un informe bimestral abarca a lo más dos meses del calendario; este periodo va "
            "del 1 de noviembre de 2023 al 31 de enero de 2024.",
        ),
        (
            {"number": 0},
            "number",
            "Los informes bimestrales se numeran a partir de 1.",
        ),
        (
            {"kind": "mensual"},
            "kind",
            "Elija el tipo de informe: bimestral o final.",
        ),
    ],
)
def test_a_bad_informe_is_refused_with_the_reason(committee, fields, field, message):
    values = {
        "kind": "bimonthly",
        "number": 1,
        "period_start": NOV_1,
        "period_end": DEC_31,
        **fields,
    }
    with pytest.raises(ValidationError) as raised:
        create_informe(committee, **values)

    assert errors_of(raised)[field] == [message]
    assert not Informe.objects.exists()


def test_a_number_is_used_once(committee):
    draft_informe(committee)

    with pytest.raises(ValidationError) as raised:
        create_informe(
            committee, kind="bimonthly", number=1, period_start=D(2024, 1, 1),
            period_end=D(2024, 2, 29),
        )  # fmt: skip

    assert errors_of(raised)["number"] == [
        "Ya existe el Primer informe de actividades de este órgano."
    ]


def test_bimonthly_periods_do_not_overlap(committee):
    draft_informe(committee)

    with pytest.raises(ValidationError) as raised:
        create_informe(
            committee, kind="bimonthly", period_start=D(2023, 12, 1), period_end=D(2024, 1, 31)
        )

    assert errors_of(raised)["period_start"] == [
        "El periodo se traslapa con el del Primer informe de actividades (del 1 de noviembre "
        "de 2023 al 31 de diciembre de 2023)."
    ]


def test_a_committee_has_one_final_informe(committee):
    create_informe(committee, kind="final", period_start=NOV_1, period_end=D(2024, 6, 30))

    with pytest.raises(ValidationError) as raised:
        create_informe(committee, kind="final", period_start=NOV_1, period_end=D(2024, 6, 30))

    assert errors_of(raised)["kind"] == ["Este órgano ya tiene su informe final."]


# --- propose_next_informe -----------------------------------------------------------------


def test_the_first_informe_covers_the_two_months_from_the_installation(committee):
    assert propose_next_informe(committee) == InformeProposal(1, NOV_1, DEC_31)


def test_the_next_informe_covers_the_two_months_after_the_last_one(committee):
    draft_informe(committee)
    draft_informe(committee, number=2, start=D(2024, 1, 1), end=D(2024, 2, 29))

    assert propose_next_informe(committee) == InformeProposal(3, D(2024, 3, 1), D(2024, 4, 30))


def test_a_proposal_never_runs_past_the_conclusion(committee):
    draft_informe(committee, number=3, start=D(2024, 4, 1), end=D(2024, 5, 31))

    assert propose_next_informe(committee) == InformeProposal(4, D(2024, 6, 1), D(2024, 6, 30))


def test_the_installation_session_starts_the_first_period_when_no_date_is_recorded():
    committee = make_committee(installed_on=None, closed_on=None)
    assert propose_next_informe(committee) == InformeProposal(1, None, None)

    schedule_session(committee=committee, kind="ordinary", role="installation", date=D(2024, 1, 15))

    assert propose_next_informe(committee) == InformeProposal(1, D(2024, 1, 15), D(2024, 2, 29))


# --- update_informe_text ------------------------------------------------------------------


def test_the_secretariat_writes_the_narrative_sections(committee):
    informe = draft_informe(committee)

    update_informe_text(
        informe, narrative="  El comité sesionó.  ", plans="Revisar el PREP.", recommendations=""
    )

    informe.refresh_from_db()
    assert (informe.narrative, informe.plans) == ("El comité sesionó.", "Revisar el PREP.")


def test_a_presented_informe_is_not_rewritten(committee):
    record = first_bimester(committee)
    informe = presented(draft_informe(committee), record["third"])

    with pytest.raises(ValidationError) as raised:
        update_informe_text(informe, narrative="Otro texto", plans="", recommendations="")

    assert raised.value.messages == ["El informe ya fue presentado y no se puede modificar."]
    informe.refresh_from_db()
    assert informe.narrative == "El comité sesionó."


# --- present_informe ----------------------------------------------------------------------


@pytest.fixture
def record(committee):
    return first_bimester(committee)


@pytest.fixture
def informe(committee, record):
    return draft_informe(committee, narrative="Durante el bimestre el comité sesionó.")


def test_it_is_presented_at_the_informe_point_and_archived_on_commit(
    informe, record, django_capture_on_commit_callbacks
):
    point = informe_point(record["third"])

    with django_capture_on_commit_callbacks() as callbacks:
        present_informe(informe, at_point=point)

    informe.refresh_from_db()
    assert informe.status == Informe.Status.PRESENTED
    assert informe.presented_at_point == point
    assert informe.presented_on == D(2024, 1, 30)
    # The archive task is queued once the presentation is committed.
    assert len(callbacks) == 1


def test_an_informe_is_presented_once(informe, record, committee):
    presented(informe, record["third"])
    later = hold(committee, D(2024, 3, 19))
    informe.refresh_from_db()

    with pytest.raises(ValidationError) as raised:
        present_informe(informe, at_point=informe_point(later))

    assert raised.value.messages == ["Este informe ya fue presentado."]


def test_it_is_presented_at_a_session_of_its_own_committee(informe, committee):
    other = make_committee()
    people(other)
    elsewhere = hold(other, D(2024, 1, 30))

    with pytest.raises(ValidationError) as raised:
        present_informe(informe, at_point=informe_point(elsewhere))

    assert raised.value.messages == ["El punto es de una sesión de otro órgano."]


def test_it_is_presented_at_a_point_of_its_kind(informe, record):
    agenda_point = record["third"].points.get(standard=AgendaPoint.Standard.AGENDA)

    with pytest.raises(ValidationError) as raised:
        present_informe(informe, at_point=agenda_point)

    assert raised.value.messages == [
        "El punto «Lectura y aprobación del orden del día» no es el de presentación del "
        "informe bimestral."
    ]


def test_the_final_informe_goes_to_the_final_informe_point(committee, record):
    final = create_informe(committee, kind="final", period_start=NOV_1, period_end=DEC_31)
    update_informe_text(final, narrative="Todo el encargo.", plans="", recommendations="")

    with pytest.raises(ValidationError) as raised:
        present_informe(final, at_point=informe_point(record["third"]))

    assert "no es el de presentación del informe final" in raised.value.messages[0]


def test_it_is_presented_at_a_held_session(informe, committee, record):
    convened = hold(committee, D(2024, 3, 19), status="convened")

    with pytest.raises(ValidationError) as raised:
        present_informe(informe, at_point=informe_point(convened))

    assert raised.value.messages == [
        "El informe se presenta en una sesión celebrada; la quinta sesión ordinaria está convocada."
    ]


def test_it_is_not_presented_before_its_period_ends(committee, record):
    early = draft_informe(committee, number=2, start=D(2024, 1, 1), end=D(2024, 2, 29))
    update_informe_text(early, narrative="Antes de tiempo.", plans="", recommendations="")

    with pytest.raises(ValidationError) as raised:
        present_informe(early, at_point=informe_point(record["third"]))

    assert raised.value.messages == [
        "El informe se presenta al concluir su periodo (29 de febrero de 2024); la tercera "
        "sesión ordinaria fue el 30 de enero de 2024."
    ]


def test_one_informe_per_point(committee, informe, record):
    presented(informe, record["third"])
    another = draft_informe(committee, number=2, start=D(2024, 1, 1), end=D(2024, 1, 29))
    update_informe_text(another, narrative="Otro.", plans="", recommendations="")

    with pytest.raises(ValidationError) as raised:
        present_informe(another, at_point=informe_point(record["third"]))

    assert raised.value.messages == [
        "En ese punto ya se presentó el Primer informe de actividades."
    ]


def test_the_narrative_is_written_before_presenting(committee, record):
    blank = draft_informe(committee)

    with pytest.raises(ValidationError) as raised:
        present_informe(blank, at_point=informe_point(record["third"]))

    assert raised.value.messages == ["Escriba la presentación del informe antes de presentarlo."]
    blank.refresh_from_db()
    assert blank.status == Informe.Status.DRAFT


def test_the_points_offered_are_those_of_held_sessions_not_yet_used(committee, informe, record):
    later = hold(committee, D(2024, 3, 19))
    hold(committee, D(2024, 5, 28), status="convened")

    assert list(presentation_points(informe)) == [
        informe_point(record["third"]),
        informe_point(later),
    ]
    presented(informe, record["third"])
    another = draft_informe(committee, number=2, start=D(2024, 1, 1), end=D(2024, 2, 29))
    assert list(presentation_points(another)) == [informe_point(later)]


def test_the_final_informe_is_presented_at_the_closing_session(committee, record):
    closing = hold(committee, D(2024, 6, 30), role="closing")
    final = create_informe(committee, kind="final", period_start=NOV_1, period_end=D(2024, 6, 30))
    update_informe_text(final, narrative="Todo el encargo.", plans="", recommendations="Más.")

    present_informe(final, at_point=informe_point(closing))

    final.refresh_from_db()
    assert (final.status, final.presented_on) == (Informe.Status.PRESENTED, D(2024, 6, 30))
    assert datetime.date(2024, 6, 30) == final.period_end
