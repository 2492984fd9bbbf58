"""The informe as a PDF: what a reader finds in the bimonthly and the final informe."""

import os
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from agendas.services import follow_up_agreement
from reports.informes import create_informe, informe_context, update_informe_text
from reports.pdf import render_pdf
from tests.factories import make_membership, make_person
from tests.reports.informe_data import (
    NOV_1,
    SECRETARY,
    D,
    agreement,
    draft_informe,
    first_bimester,
    hold,
    people,
    presented,
)
from tests.reports.test_pdf_documents import pages, text

pytestmark = pytest.mark.django_db


def printed(informe) -> bytes:
    content = render_pdf("reports/pdf/informe.html", informe_context(informe))
    # INFORME_PDF_DIR=/tmp/x keeps the files to look at them.
    folder = os.environ.get("INFORME_PDF_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"informe-{informe.kind}-{informe.status}.pdf").write_bytes(content)
    return content


@pytest.fixture
def record(committee):
    return first_bimester(committee)


@pytest.fixture
def informe(committee, record):
    return draft_informe(
        committee,
        narrative="El comité se instaló y sesionó dos veces.",
        plans="Revisar la prueba del sistema informático.",
    )


def test_the_bimonthly_informe_states_its_period_and_the_record(committee, record, informe):
    content = text(printed(informe))

    assert committee.institution.name in content
    assert "Primer informe de actividades" in content
    assert "Periodo que se informa: del 1 de noviembre de 2023 al 31 de diciembre de 2023" in (
        content
    )
    assert "El comité se instaló y sesionó dos veces." in content
    assert "Revisar la prueba del sistema informático." in content
    # The sessions held, with attendance and quorum.
    assert "Sesión de instalación (Primera sesión ordinaria)" in content
    assert "18 de diciembre de 2023" in content
    assert "3 de 4" in content
    # The attendance matrix: names and marks.
    assert "César Ledesma Ugalde A A F 2 de 3" in content
    party = record["seats"]["Rosa Representante"].party.acronym
    assert f"Rosa Representante ({party}) — A — 1 de 1" in content
    assert f"Mtro. {SECRETARY}" in content
    # The agreement of the period, still open at its end; the next period's sessions.
    assert "COTAPREP/2023/SO02/A01" in content
    assert "Cuarta sesión ordinaria, 28 de febrero de 2024 (programada)" in content
    # The compliance section and the signature.
    assert "Cumplimiento de la normativa" in content
    assert "con corte al 31 de diciembre de 2023" in content
    assert f"Secretaría Técnica del {committee.name}" in content
    assert "Página 1 de " in content


def test_every_page_of_a_draft_is_marked_proyecto_and_numbered(informe):
    sheets = pages(printed(informe))

    assert len(sheets) > 1
    for number, sheet in enumerate(sheets, start=1):
        assert sheet.startswith("PROYECTO"), sheet[:80]
        assert f"Página {number} de {len(sheets)}" in sheet


def test_a_presented_informe_says_where_and_has_no_mark(informe, record):
    presented(informe, record["third"])

    sheets = pages(printed(informe))
    content = " ".join(sheets)

    assert not any("PROYECTO" in sheet for sheet in sheets)
    assert "Presentado en la tercera sesión ordinaria, punto 5, el 30 de enero de 2024." in content
    assert "con corte al 30 de enero de 2024" in content


def test_a_wide_matrix_is_printed_in_blocks(committee):
    people(committee)
    for day in range(1, 15):
        hold(committee, D(2023, 11, day), kind="work_meeting")
    informe = draft_informe(committee)

    content = text(printed(informe))

    for number in range(1, 15):
        assert f"RT{number:02d}" in content
    # The first block has ten sessions, the second four and the totals.
    assert "César Ledesma Ugalde A A A A A A A A A A" in content
    assert "César Ledesma Ugalde A A A A 14 de 14" in content


def test_what_people_typed_is_printed_as_text_never_as_markup(committee, record):
    make_membership(committee, person=make_person(name="Ana <script>alert(1)</script> Ruiz"))
    informe = draft_informe(committee, narrative="Se revisó <b>todo</b> & más.")
    context = informe_context(informe)

    markup = render_to_string("reports/pdf/informe.html", context)
    content = text(printed(informe))

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "<script>" not in markup
    assert "Ana <script>alert(1)</script> Ruiz" in content
    assert "Se revisó <b>todo</b> & más." in content


# --- The final informe --------------------------------------------------------------------


@pytest.fixture
def final(committee, record):
    committee.legal_basis = "Reglamento de Elecciones del INE, artículo 340."
    committee.integration_act = "IEPC-ACG-069/2023"
    committee.save()
    committee.attributions.create(position=1, label="a", text="Realizar análisis del PREP.")
    fifth = hold(committee, D(2024, 3, 19))
    agreement(fifth, text="Se aprueba el Plan de Seguridad.")
    follow_up_agreement(
        record["agreement"], note="Se cumplió.", date=D(2024, 3, 19), new_status="done"
    )
    closing = hold(committee, D(2024, 6, 30), role="closing")
    informe = create_informe(committee, kind="final", period_start=NOV_1, period_end=D(2024, 6, 30))
    update_informe_text(
        informe,
        narrative="El comité cumplió sus atribuciones.",
        plans="",
        recommendations="Sesionar cada mes con las representaciones.",
    )
    return presented(informe, closing)


def test_the_final_informe_covers_the_whole_term(committee, final):
    content = text(printed(final))

    assert "Informe final de actividades" in content
    assert "del 1 de noviembre de 2023 al 30 de junio de 2024" in content
    assert "Reglamento de Elecciones del INE, artículo 340." in content
    assert "IEPC-ACG-069/2023" in content
    assert "a) Realizar análisis del PREP." in content
    assert "César Ledesma Ugalde Integrante (voz y voto)" in content
    assert "Sesiones y reuniones por tipo" in content
    # Every agreement with its final status, every acta with its approval.
    assert "COTAPREP/2023/SO02/A01" in content
    assert "COTAPREP/2024/SO05/A01" in content
    assert "Cumplido" in content
    assert "El 18 de diciembre de 2023, en la segunda sesión ordinaria (punto 2)" in content
    assert "Sesionar cada mes con las representaciones." in content
    assert "Calendario de sesiones como se celebró" in content
    assert "Cuarta sesión ordinaria 28 de febrero de 2024 Programada" in content
    assert "Presentado en la sesión de cierre y clausura" in content
    assert "Cumplimiento de la normativa" in content
    assert not any("PROYECTO" in sheet for sheet in pages(printed(final)))
