"""What an informe states, compiled from the committee's records (reports.informes)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agendas.services import follow_up_agreement
from reports.compliance import RuleResult
from reports.informes import create_informe, informe_context
from tests.factories import make_membership, make_person
from tests.reports.informe_data import (
    NOV_1,
    SECRETARY,
    D,
    agreement,
    draft_informe,
    first_bimester,
    hold,
    informe_point,
    people,
    presented,
    specific_point,
)
from tests.web import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(committee):
    return first_bimester(committee)


@pytest.fixture
def informe(committee, record):
    return draft_informe(committee, narrative="El comité sesionó.")


def test_the_sessions_held_in_the_period_with_attendance_and_quorum(informe):
    content = informe_context(informe)

    rows = content["sessions_held"]
    assert [(r["key"], r["title"]) for r in rows] == [
        ("SO01", "Sesión de instalación (Primera sesión ordinaria)"),
        (
            "RT01",
            "Primera reunión formal de trabajo con las representaciones de partidos "
            "políticos y candidaturas independientes",
        ),
        ("SO02", "Segunda sesión ordinaria"),
    ]
    assert [r["date_text"] for r in rows] == [
        "1 de noviembre de 2023",
        "29 de noviembre de 2023",
        "18 de diciembre de 2023",
    ]
    # Members, secretary (and the representative at the work meeting); César missed SO02.
    assert [(r["present"], r["recorded"]) for r in rows] == [(4, 4), (5, 5), (3, 4)]
    assert rows[2]["quorum"] == "2 con voto; se requerían 2"
    assert rows[1]["quorum"] == "3 con voto; se requerían 2"


def test_the_attendance_matrix_by_role_then_name(informe):
    matrix = informe_context(informe)["attendance"]

    assert [c["key"] for c in matrix["columns"]] == ["SO01", "RT01", "SO02"]
    assert [g["heading"] for g in matrix["groups"]] == [
        "Integrantes (voz y voto)",
        "Secretaría técnica (voz)",
        "Representación de partido político (voz)",
    ]
    members = matrix["groups"][0]["rows"]
    # Spanish order: César before Claudia.
    assert [r["name"] for r in members] == [
        "César Ledesma Ugalde",
        "Claudia Carolina Olivares Álvarez",
        "Ignacio Alarcón Alonzo",
    ]
    assert members[0]["cells"] == ["A", "A", "F"]
    assert (members[0]["attended"], members[0]["recorded"]) == (2, 3)
    assert matrix["groups"][1]["rows"][0]["name"] == f"Mtro. {SECRETARY}"
    representative = matrix["groups"][2]["rows"][0]
    # Convened to the work meeting only.
    assert representative["cells"] == ["—", "A", "—"]
    assert (representative["attended"], representative["recorded"]) == (1, 1)
    assert ("F", "faltó") in matrix["legend"]


def test_a_seat_outside_its_term_is_marked_apart(committee, record, informe):
    make_membership(committee, person=make_person(name="Berta Nueva"), start=D(2023, 12, 10))

    matrix = informe_context(informe)["attendance"]

    row = next(r for r in matrix["groups"][0]["rows"] if r["name"] == "Berta Nueva")
    # Not yet on the committee at SO01 and RT01; no attendance recorded at SO02.
    assert row["cells"] == ["·", "·", "—"]
    assert (row["attended"], row["recorded"]) == (0, 0)


def test_the_matrix_is_split_in_blocks_that_fit_the_page(committee):
    people(committee)
    for day in range(1, 13):
        hold(committee, D(2023, 11, day), kind="work_meeting")
    informe = draft_informe(committee)

    blocks = informe_context(informe)["attendance"]["blocks"]

    assert [len(block["columns"]) for block in blocks] == [10, 2]
    assert [block["totals"] for block in blocks] == [False, True]
    assert len(blocks[1]["groups"][0]["rows"][0]["cells"]) == 2


def test_the_agreements_of_the_period_with_their_status_at_its_end(committee, record, informe):
    adopted = record["agreement"]
    follow_up_agreement(adopted, note="Se inició la revisión.", date=D(2023, 12, 20),
                        new_status="in_progress")  # fmt: skip
    follow_up_agreement(adopted, note="Se cumplió.", date=D(2024, 1, 30), new_status="done")
    # Adopted after the period: not in this informe.
    agreement(record["third"], text="Un acuerdo de enero.")

    content = informe_context(informe)

    assert content["agreements_adopted"] == [
        {
            "number": "COTAPREP/2023/SO02/A01",
            "text": "Se aprueba el Proceso Técnico Operativo del PREP.",
            "session": "Segunda sesión ordinaria",
            "session_date": "18 de diciembre de 2023",
            "responsible": f"Mtro. {SECRETARY}",
            "due_date": "17 de enero de 2024",
            # Done in January, it was in progress when the period ended.
            "status": "En proceso",
            "is_open": True,
            "follow_up": {"date": "20 de diciembre de 2023", "note": "Se inició la revisión."},
        }
    ]
    assert [row["number"] for row in content["agreements_open"]] == ["COTAPREP/2023/SO02/A01"]


def test_an_agreement_closed_within_the_period_is_no_longer_open(committee, record, informe):
    follow_up_agreement(
        record["agreement"], note="Se cumplió.", date=D(2023, 12, 28), new_status="done"
    )

    content = informe_context(informe)

    assert content["agreements_adopted"][0]["status"] == "Cumplido"
    assert content["agreements_open"] == []


def test_the_documents_reviewed_in_the_period(committee, media):
    # The documents are presented before the next session approves (and seals) the record.
    people(committee)
    hold(committee, NOV_1, role="installation")
    second = hold(committee, D(2023, 12, 18))
    point = specific_point(second)
    make_document(point, "ptо.pdf", title="Proceso Técnico Operativo del PREP")
    third = hold(committee, D(2024, 1, 30))
    make_document(specific_point(third), "otro.pdf", title="Documento de enero")
    informe = draft_informe(committee, narrative="El comité sesionó.")

    documents = informe_context(informe)["documents"]

    assert documents == [
        {
            "title": "Proceso Técnico Operativo del PREP",
            "session": "Segunda sesión ordinaria",
            "date_text": "18 de diciembre de 2023",
            "point": point.position,
        }
    ]


def test_the_sessions_planned_for_the_next_two_months(informe):
    next_period = informe_context(informe)["next_period"]

    assert next_period["period_text"] == "del 1 de enero de 2024 al 29 de febrero de 2024"
    assert [(s["title"], s["date_text"], s["status"]) for s in next_period["sessions"]] == [
        ("Tercera sesión ordinaria", "30 de enero de 2024", "Celebrada"),
        ("Cuarta sesión ordinaria", "28 de febrero de 2024", "Programada"),
    ]


def test_the_header_period_narrative_and_signature(committee, informe):
    content = informe_context(informe)

    assert content["header"]["title"] == "Primer informe de actividades"
    assert content["header"]["institution"] == committee.institution.name
    assert content["header"]["committee_of"] == f"del {committee.name}"
    assert content["informe"]["period_text"] == (
        "del 1 de noviembre de 2023 al 31 de diciembre de 2023"
    )
    assert content["informe"]["narrative"] == "El comité sesionó."
    assert content["is_draft"] is True
    assert content["presented"] is None
    assert content["secretary"] == {
        "name": f"Mtro. {SECRETARY}",
        "job_title": "Director de Informática",
    }


def test_the_compliance_of_the_record_at_the_period_end_or_the_presentation(informe, record):
    content = informe_context(informe)
    assert content["compliance_day"] == "31 de diciembre de 2023"
    assert content["compliance"]
    assert all(isinstance(result, RuleResult) for result in content["compliance"])

    presented(informe, record["third"])
    content = informe_context(informe)

    assert content["compliance_day"] == "30 de enero de 2024"
    assert content["is_draft"] is False
    assert content["presented"]["session"] == "Tercera sesión ordinaria"
    assert content["presented"]["point"] == informe_point(record["third"]).position
    assert content["presented"]["date_text"] == "30 de enero de 2024"


# --- The final informe --------------------------------------------------------------------


@pytest.fixture
def final(committee, record):
    fifth = hold(committee, D(2024, 3, 19))
    agreement(fifth, text="Se aprueba el Plan de Seguridad.")
    follow_up_agreement(record["agreement"], note="Se cumplió.", date=D(2024, 3, 19),
                        new_status="done")  # fmt: skip
    hold(committee, D(2024, 6, 30), role="closing")
    informe = create_informe(committee, kind="final", period_start=NOV_1, period_end=D(2024, 6, 30))
    informe.recommendations = "Sesionar cada mes."
    informe.save()
    return informe


def test_the_final_informe_states_integration_and_legal_basis(committee, final):
    committee.legal_basis = "Reglamento de Elecciones, artículo 340."
    committee.integration_act = "IEPC-ACG-069/2023"
    committee.save()
    committee.attributions.create(position=1, label="a", text="Realizar análisis del PREP.")

    content = informe_context(final)

    integration = content["integration"]
    assert integration["legal_basis"] == "Reglamento de Elecciones, artículo 340."
    assert integration["installed_on"] == "1 de noviembre de 2023"
    assert integration["closed_on"] == "30 de junio de 2024"
    assert integration["attributions"] == [{"label": "a", "text": "Realizar análisis del PREP."}]
    assert [(m["name"], m["role"]) for m in integration["members"]][:2] == [
        ("César Ledesma Ugalde", "Integrante (voz y voto)"),
        ("Claudia Carolina Olivares Álvarez", "Integrante (voz y voto)"),
    ]
    assert integration["members"][0]["term"] == ("del 25 de octubre de 2023 al 30 de junio de 2024")


def test_the_final_informe_counts_lists_and_closes_every_record(committee, record, final):
    content = informe_context(final)

    assert content["informe"]["title"] == "Informe final de actividades"
    counts = {row["kind"]: (row["planned"], row["held"]) for row in content["session_counts"]}
    assert counts == {
        "Sesión ordinaria": (6, 5),
        "Reunión formal de trabajo con representaciones de partidos políticos": (1, 1),
    }
    assert content["held_total"] == 6
    assert [(r["number"], r["status"]) for r in content["agreements_all"]] == [
        ("COTAPREP/2023/SO02/A01", "Cumplido"),
        ("COTAPREP/2024/SO05/A01", "Pendiente"),
    ]
    actas = content["actas"]
    assert [a["session"] for a in actas] == [
        "Sesión de instalación (Primera sesión ordinaria)",
        "Segunda sesión ordinaria",
        "Tercera sesión ordinaria",
        "Quinta sesión ordinaria",
        "Sesión de cierre y clausura",
    ]
    assert (actas[0]["status"], actas[0]["approved_on"], actas[0]["approved_at"]) == (
        "Aprobada",
        "18 de diciembre de 2023",
        "segunda sesión ordinaria",
    )
    assert actas[-1]["status"] == "Proyecto"
    assert [(r["title"], r["status"]) for r in content["calendar"]][-3:] == [
        ("Cuarta sesión ordinaria", "Programada"),
        ("Quinta sesión ordinaria", "Celebrada"),
        ("Sesión de cierre y clausura", "Celebrada"),
    ]
    assert len(content["attendance"]["columns"]) == 6


# --- Queries ------------------------------------------------------------------------------


def queries_for(informe) -> int:
    with CaptureQueriesContext(connection) as captured:
        informe_context(informe)
    return len(captured)


def grow(committee, record, days) -> None:
    """One more seat, and one extraordinary session a day with an agreement, a follow-up
    and a document."""
    for day in days:
        seat = record["seats"]["César Ledesma Ugalde"]
        seat.pk = None
        seat.person = make_person(name=f"Persona {day}")
        seat.save()
        session = hold(committee, D(2023, 12, day), kind="extraordinary")
        adopted = agreement(session, text=f"Acuerdo del {day} de diciembre.")
        follow_up_agreement(adopted, note="Avance.", date=D(2023, 12, 20))
        make_document(adopted.point, f"doc{day}.pdf")


def test_the_number_of_queries_does_not_grow_with_the_record(
    committee, record, informe, media, django_assert_max_num_queries
):
    # Every kind of record present once (the compliance checks skip what is absent)…
    grow(committee, record, [2])
    baseline = queries_for(informe)
    # …then many more seats, sessions, agreements, follow-ups and documents.
    grow(committee, record, range(3, 12))

    with django_assert_max_num_queries(baseline):
        content = informe_context(informe)

    assert len(content["sessions_held"]) == 13
    assert len(content["attendance"]["groups"][0]["rows"]) == 13
    assert len(content["agreements_adopted"]) == 11
    assert len(content["documents"]) == 10


def test_the_final_informe_is_read_in_a_number_of_queries_that_does_not_grow(committee, final):
    with CaptureQueriesContext(connection) as first:
        content = informe_context(final)
    held_before = len(content["sessions_held"])
    # More of everything: another session with its agreements.
    more = hold(committee, D(2024, 4, 23))
    agreement(more, text="Se aprueba el simulacro.")
    agreement(more, text="Se aprueba el segundo simulacro.")
    with CaptureQueriesContext(connection) as second:
        content = informe_context(final)

    assert len(content["sessions_held"]) == held_before + 1
    assert len(second.captured_queries) == len(first.captured_queries) <= 40
