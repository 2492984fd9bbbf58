"""The technical secretary creates a session, builds its agenda and attaches a document."""

import datetime
import re

import pytest
from django.utils import timezone

from agendas.models import Document
from sessions.models import Session

from .helpers import sign_in, tiny_pdf

pytestmark = pytest.mark.e2e

NEW_POINTS = [
    "Presentación del avance en la implementación del PREP",
    "Informe sobre el primer simulacro del PREP",
]


def agenda_titles(page) -> list[str]:
    """Each point's title: the first bold text of its item (what follows it may be bold too)."""
    return page.locator("#orden-del-dia li.agenda-point").evaluate_all(
        "items => items.map(item => item.querySelector('.fw-semibold').innerText)"
    )


def test_the_secretary_creates_a_session_and_builds_its_agenda(page, expect, demo):
    sign_in(page, demo.secretary)
    page.get_by_role("link", name="COTAPREP", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("COTAPREP")

    page.get_by_role("link", name="Nueva sesión").click()
    day = timezone.localdate() + datetime.timedelta(days=30)
    page.get_by_label("Tipo").select_option(Session.Kind.ORDINARY)
    page.get_by_label("Fecha").fill(day.isoformat())
    page.get_by_label("Hora de inicio").fill("11:00")
    page.get_by_label("Hora de término").fill("13:00")
    page.get_by_label("Lugar").fill("Sala de sesiones del Consejo General, IEPC Jalisco")
    page.get_by_role("button", name="Crear sesión").click()

    # The demo has eight ordinary sessions; a later date makes this the ninth.
    page.wait_for_url(re.compile(r"/sesiones/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Novena sesión ordinaria")
    alerts = page.get_by_role("alert")
    expect(alerts.filter(has_text="Se creó")).to_contain_text("Se creó la novena sesión ordinaria")
    # The demo committee concluded on 30 June 2024: a later session is flagged, not refused.
    expect(alerts.filter(has_text="conclusión")).to_contain_text("30 de junio de 2024")
    session = Session.objects.get(committee=demo.committee, kind="ordinary", number=9)
    assert session.date == day
    assert session.start_time == datetime.time(11, 0)
    standard = agenda_titles(page)
    assert standard == [point.title for point in session.points.order_by("position")]
    assert standard[0] == "Lectura y aprobación del orden del día", standard
    assert standard[-2] == "Asuntos generales", standard

    # htmx swaps the agenda in place: a marker set on the window survives every change.
    page.evaluate("() => { window.noReload = true; }")
    for title in NEW_POINTS:
        form = page.get_by_role("form", name="Agregar un punto")
        form.get_by_label("Título").fill(title)
        form.get_by_label("Tipo").select_option(label="Informativo")
        form.get_by_label("Presenta").fill("Coordinación de Informática")
        form.get_by_role("button", name="Agregar punto").click()
        expect(page.locator("#orden-del-dia")).to_contain_text(title)
        expect(page.locator("#mensajes")).to_contain_text("Se agregó el punto")
    assert page.evaluate("() => window.noReload") is True

    # Specific points go before general matters and the closing.
    assert agenda_titles(page) == [*standard[:-2], *NEW_POINTS, *standard[-2:]]
    first = len(standard) - 2  # the first new point's index; its number is first + 1

    page.get_by_role("button", name=f"Bajar el punto {first + 1}").click()
    expect(page.locator("#orden-del-dia li.agenda-point").nth(first)).to_contain_text(NEW_POINTS[1])
    assert agenda_titles(page)[first : first + 2] == NEW_POINTS[::-1]
    # Keyboard focus follows the moved point.
    expect(page.get_by_role("button", name=f"Bajar el punto {first + 2}")).to_be_focused()

    page.get_by_role("button", name=f"Subir el punto {first + 2}").click()
    expect(page.locator("#orden-del-dia li.agenda-point").nth(first)).to_contain_text(NEW_POINTS[0])
    assert agenda_titles(page)[first : first + 2] == NEW_POINTS
    assert page.evaluate("() => window.noReload") is True
    assert (
        list(
            session.points.filter(title__in=NEW_POINTS)
            .order_by("position")
            .values_list("title", flat=True)
        )
        == NEW_POINTS
    )

    page.get_by_role("link", name=f"Editar el punto {first + 1}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Editar el punto {first + 1}")
    documents = page.get_by_role("region", name="Documentos del punto")
    # The point's form has a "Título" too: each label must name its own form's field.
    documents.get_by_label("Título").fill("Avance de la implementación del PREP")
    pdf = tiny_pdf("Avance de la implementacion del PREP")
    documents.get_by_label("Archivo").set_input_files(
        {"name": "avance-implementacion-prep.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    documents.get_by_role("button", name="Cargar documento").click()

    page.wait_for_url(re.compile(rf"/sesiones/{session.pk}/#punto-\d+$"))
    expect(page.get_by_role("alert")).to_contain_text("Se cargó el documento")
    link = page.locator("#orden-del-dia").get_by_role(
        "link", name="Avance de la implementación del PREP", exact=True
    )
    expect(link).to_be_visible()
    expect(page.locator("#orden-del-dia")).to_contain_text("avance-implementacion-prep.pdf")
    document = Document.objects.get(point__session=session)
    assert document.point.title == NEW_POINTS[0]
    assert document.file.read() == pdf
