"""
The calendar import page in a real browser: a working group's table pasted and imported
with one click after the preview (the browser posts the text back with CRLF line ends),
an uploaded file likewise, and "Mi calendario" with its copy button; axe-core on each
page, at 1280 and at 390 px.
"""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse

from committees.models import Committee
from sessions.models import Session
from tests.factories import make_committee, make_membership, make_person

from .helpers import PASSWORD, assert_accessible, sign_in

pytestmark = pytest.mark.e2e

WORKING_GROUP_TABLE = (
    "**Tabla 1. Calendario de reuniones del Grupo de Trabajo de Cómputos Distritales**\n"
    "\n"
    "Núm.\tFecha\n"
    "1\t15 de enero de 2024\n"
    "2\t12 de febrero de 2024\n"
    "3\t11 de marzo de 2024\n"
    "\n"
    "• _Las fechas pueden ajustarse por acuerdo del Grupo._\n"
)
UPLOADED_TABLE = (
    "fecha,hora_inicio,hora_fin,tipo,lugar\n"
    "22/04/2024,11:00,13:00,work_meeting,Sala del Pleno\n"
    "23/05/2024,,,Sesión extraordinaria,\n"
)


@pytest.fixture
def working_group(transactional_db, django_user_model) -> Committee:
    commission = make_committee(kind="commission", name="Comisión de Organización", short_name="CO")
    group = make_committee(
        kind="working_group",
        parent=commission,
        institution=commission.institution,
        name="Grupo de Trabajo de Cómputos Distritales",
        short_name="GTCD",
    )
    user = django_user_model.objects.create_user("gtcd", "gtcd@example.org", PASSWORD)
    make_membership(
        group, person=make_person(name="Lucía Secretaria", user=user), role="technical_secretary"
    )
    return group


def test_a_working_group_imports_a_pasted_table_in_one_click(page, expect, working_group):
    sign_in(page, "gtcd")
    page.goto(reverse("committees:detail", args=[working_group.slug]))
    page.get_by_role("link", name="Importar calendario").click()
    # The rows do not say their kind: the working group's own is already chosen.
    expect(page.get_by_label("Tipo de las filas que no lo dicen")).to_have_value("working_group")
    page.get_by_label("O pegue aquí la tabla del calendario").fill(WORKING_GROUP_TABLE)
    page.get_by_role("button", name="Revisar").click()

    expect(page.locator("#resumen-importacion")).to_have_text("Se crearán 3 sesiones.")
    expect(
        page.get_by_role(
            "cell", name="Primera reunión del Grupo de Trabajo de Cómputos Distritales"
        )
    ).to_be_visible()
    assert page.locator(".alert-warning").count() == 0  # no false footnote
    assert_accessible(page, "importar-vista-previa")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page, "importar-vista-previa-telefono")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Importar", exact=True).click()

    page.wait_for_url(f"**{reverse('committees:detail', args=[working_group.slug])}")
    expect(page.get_by_role("alert").filter(has_text="Se crearon")).to_contain_text(
        "Se crearon 3 sesiones."
    )
    sessions = list(working_group.sessions.order_by("date"))
    assert [(s.kind, s.number, s.date) for s in sessions] == [
        (Session.Kind.WORKING_GROUP, 1, datetime.date(2024, 1, 15)),
        (Session.Kind.WORKING_GROUP, 2, datetime.date(2024, 2, 12)),
        (Session.Kind.WORKING_GROUP, 3, datetime.date(2024, 3, 11)),
    ]
    # Like every new session, each starts with its standard agenda.
    assert all(session.points.exists() for session in sessions)


def test_an_uploaded_file_imports_in_one_click(page, expect, demo, tmp_path):
    upload = Path(tmp_path) / "calendario-adicional.csv"
    upload.write_text(UPLOADED_TABLE, encoding="utf-8")
    before = demo.committee.sessions.count()
    meetings = demo.committee.sessions.filter(kind="work_meeting")
    next_meeting = max(meetings.values_list("number", flat=True)) + 1
    sign_in(page, demo.secretary)
    page.goto(reverse("sessions:import", args=[demo.committee.slug]))
    assert_accessible(page, "importar")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page, "importar-telefono")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Archivo").set_input_files(str(upload))
    page.get_by_role("button", name="Revisar").click()
    expect(page.locator("#resumen-importacion")).to_have_text("Se crearán 2 sesiones.")
    expect(page.get_by_role("cell", name="Sala del Pleno")).to_be_visible()
    expect(page.get_by_role("cell", name="11:00 h – 13:00 h")).to_be_visible()

    page.get_by_role("button", name="Importar", exact=True).click()

    page.wait_for_url(f"**{reverse('committees:detail', args=[demo.committee.slug])}")
    assert demo.committee.sessions.count() == before + 2
    meeting = demo.committee.sessions.get(date=datetime.date(2024, 4, 22))
    assert (meeting.kind, meeting.place) == ("work_meeting", "Sala del Pleno")
    assert meeting.number == next_meeting
    assert (meeting.start_time, meeting.end_time) == (datetime.time(11), datetime.time(13))


def test_my_calendar_copies_its_address_and_is_accessible(page, expect, demo):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, demo.member)
    page.goto(reverse("committees:my-calendar"))
    address = page.get_by_label("Dirección para suscribirse")
    assert address.input_value().endswith("/calendario.ics")
    link = page.get_by_role("link", name="Abrir en mi aplicación de calendario")
    assert link.get_attribute("href").startswith("webcal://")
    page.get_by_role("button", name="Copiar").click()
    expect(page.get_by_role("status").filter(has_text="copi")).to_be_visible()
    assert page.evaluate("() => navigator.clipboard.readText()") == address.input_value()
    page.get_by_text("Cómo suscribirse paso a paso").click()
    expect(page.get_by_text("Desde URL")).to_be_visible()
    assert_accessible(page, "mi-calendario")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page, "mi-calendario-telefono")
