"""
The informes of a committee, end to end in the browser: the technical secretary of the demo
COTAPREP opens its informes from the committee's page, creates the first bimonthly informe
with the number and period the form proposes, writes its narrative sections, prints a PDF
of the draft (a background task, immediate in the tests) and presents the informe at the
informe point of the third ordinary session, which archives its PDF/A with a SHA-256.
"""

import datetime
import hashlib
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agendas.models import AgendaPoint
from reports.informes import create_informe
from reports.models import Informe, InformeRender
from reports.services import record_point_votes
from sessions.models import Attendance, Session
from sessions.services import close_session, convene_session, open_session, record_attendance

from .helpers import assert_accessible, save_screenshot, sign_in

pytestmark = pytest.mark.e2e

TITLE = "Primer informe de actividades"
NARRATIVE = (
    "En el periodo, el COTAPREP se instaló, celebró una reunión de trabajo y su segunda "
    "sesión ordinaria, y dio seguimiento a la implementación del PREP."
)
PLANS = "Revisar el Proceso Técnico Operativo y preparar el primer simulacro del PREP."
RECOMMENDATIONS = "Concluir la instalación de los Centros de Acopio y Transmisión de Datos."


def hold(session: Session) -> Session:
    """
    Hold a planned session of the demo through the services (no mail): convened five days
    before, everyone with a seat present, opened with quorum at its start and closed.
    """
    zone = session.committee.zone
    start = datetime.datetime.combine(session.date, datetime.time(11), tzinfo=zone)
    convene_session(session, now=start - datetime.timedelta(days=5), notify=False)
    for seat in session.committee.memberships.active_on(session.date):
        record_attendance(session, seat, Attendance.Status.PRESENT)
    open_session(session, started_at=datetime.time(11))
    voters = list(session.committee.memberships.with_vote().active_on(session.date))
    for point in session.points.filter(kind="approval"):
        record_point_votes(point, [(voter, "for") for voter in voters])
    close_session(session, ended_at=datetime.time(13))
    session.refresh_from_db()
    return session


@pytest.fixture
def third_session(demo) -> Session:
    """The third ordinary session (30 January 2024), held: its point presents the informe."""
    session = Session.objects.get(committee=demo.committee, kind=Session.Kind.ORDINARY, number=3)
    return hold(session)


def pdf_text(response) -> str:
    assert response.ok, f"{response.url} answered {response.status}"
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    return " ".join(page.extract_text() for page in reader.pages)


def region(page, name: str):
    return page.get_by_role("region", name=name)


def test_the_secretary_writes_prints_and_presents_a_bimonthly_informe(
    page, expect, demo, third_session
):
    committee = demo.committee
    informe_point = third_session.points.get(standard=AgendaPoint.Standard.BIMONTHLY_INFORME)
    messages = page.locator("#mensajes")
    sign_in(page, demo.secretary)

    # 1. From the committee's page to its informes: none yet.
    page.goto(reverse("committees:detail", args=[committee.slug]))
    page.get_by_role("main").get_by_role("link", name="Informes", exact=True).click()
    expect(page).to_have_url(re.compile(r"/organos/[\w-]+/informes/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Informes del COTAPREP")
    expect(page.get_by_role("main")).to_contain_text("El órgano aún no tiene informes.")
    assert_accessible(page, "informes-lista-vacia")

    # 2. A new informe: the first bimonthly one, from the installation to December.
    page.get_by_role("link", name="Nuevo informe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nuevo informe del COTAPREP")
    expect(page.get_by_label("Tipo de informe")).to_have_value(Informe.Kind.BIMONTHLY)
    expect(page.get_by_label("Número")).to_have_value("1")
    expect(page.get_by_label("Inicio del periodo")).to_have_value("2023-11-01")
    expect(page.get_by_label("Fin del periodo")).to_have_value("2023-12-31")
    expect(page.get_by_role("main")).to_contain_text("Se propone el informe bimestral número 1")
    assert_accessible(page, "informe-nuevo-propuesto")
    page.get_by_role("button", name="Crear informe").click()

    page.wait_for_url(re.compile(r"/informes/\d+/$"))
    informe = Informe.objects.get(committee=committee)
    assert (informe.kind, informe.number, informe.status) == (
        Informe.Kind.BIMONTHLY,
        1,
        Informe.Status.DRAFT,
    )
    assert (informe.period_start, informe.period_end) == (
        datetime.date(2023, 11, 1),
        datetime.date(2023, 12, 31),
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(messages).to_contain_text(f"Se creó el proyecto del {TITLE}.")
    expect(page.get_by_role("note").filter(has_text="PROYECTO")).to_be_visible()
    sections = region(page, "Apartados que redacta la secretaría técnica")
    expect(sections).to_contain_text("Aún sin redactar.")
    # The demo's sessions of the period are only planned: nothing held to report.
    held = region(page, "Sesiones y reuniones celebradas")
    expect(held).to_contain_text("No se celebraron sesiones ni reuniones en el periodo.")
    assert_accessible(page, "informe-proyecto")

    # 3. Without its narrative, the informe cannot be presented yet.
    presentation = region(page, "Registrar su presentación")
    point_select = presentation.get_by_label("Sesión y punto en que se presentó")
    point_select.select_option(str(informe_point.pk))
    presentation.get_by_role("button", name="Registrar presentación").click()
    expect(page.get_by_role("alert").filter(has_text="Escriba la presentación")).to_contain_text(
        "Escriba la presentación del informe antes de presentarlo."
    )
    assert_accessible(page, "informe-presentar-error")
    informe.refresh_from_db()
    assert informe.status == Informe.Status.DRAFT

    # 4. The narrative sections.
    page.get_by_role("link", name="Redactar").click()
    page.wait_for_url(re.compile(r"/informes/\d+/editar/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Redactar el {TITLE.lower()}")
    page.get_by_label("Presentación y actividades del periodo").fill(NARRATIVE)
    page.get_by_label("Actividades previstas para el siguiente periodo").fill(PLANS)
    page.get_by_label("Recomendaciones").fill(RECOMMENDATIONS)
    assert_accessible(page, "informe-redactar")
    page.get_by_role("button", name="Guardar").click()

    page.wait_for_url(re.compile(r"/informes/\d+/$"))
    expect(messages).to_contain_text("Se guardaron los apartados del informe.")
    for text in (NARRATIVE, PLANS, RECOMMENDATIONS):
        expect(sections).to_contain_text(text)
    informe.refresh_from_db()
    assert (informe.narrative, informe.plans, informe.recommendations) == (
        NARRATIVE,
        PLANS,
        RECOMMENDATIONS,
    )

    # 5. A PDF of the draft, printed in the background; the progress page offers it.
    region(page, "Documento PDF").get_by_role("button", name="Generar PDF del proyecto").click()
    page.wait_for_url(re.compile(r"/informes/\d+/impresiones/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"PDF del {TITLE.lower()}")
    status = page.get_by_role("status")
    expect(status).to_contain_text("El PDF está listo")
    render = InformeRender.objects.get(informe=informe)
    assert render.status == InformeRender.Status.DONE
    expect(status).to_contain_text(f"({render.pages} página")
    expect(page.get_by_role("button", name="Generar de nuevo")).to_be_visible()
    assert_accessible(page, "informe-pdf-listo")

    pdf_link = status.get_by_role("link", name="Abrir el PDF")
    text = pdf_text(page.request.get(pdf_link.get_attribute("href")))
    assert "informe de actividades" in text, text[:500]
    assert "PROYECTO" in text, text[:500]
    assert "Centros de Acopio" in text, text[:500]  # the recommendations, as written

    # 6. Presented at the informe point of the third ordinary session.
    page.get_by_role("navigation", name="Ruta").get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(r"/informes/\d+/$"))
    expect(point_select.locator(f'option[value="{informe_point.pk}"]')).to_have_text(
        f"Tercera sesión ordinaria (30 de enero de 2024) — punto {informe_point.position}"
    )
    point_select.select_option(str(informe_point.pk))
    presentation.get_by_role("button", name="Registrar presentación").click()

    page.wait_for_url(re.compile(r"/informes/\d+/$"))
    expect(messages).to_contain_text(f"Se registró la presentación del {TITLE}.")
    informe.refresh_from_db()
    assert informe.status == Informe.Status.PRESENTED
    assert informe.presented_at_point == informe_point
    assert informe.pdf and len(informe.pdf_sha256) == 64, "the PDF/A was not archived"
    expect(page.get_by_role("note").filter(has_text="Presentado en")).to_contain_text(
        f"Presentado en la tercera sesión ordinaria, punto {informe_point.position}, "
        "el 30 de enero de 2024."
    )
    expect(page.get_by_role("link", name="Redactar")).to_have_count(0)
    expect(region(page, "Registrar su presentación")).to_have_count(0)
    panel = region(page, "Documento PDF")
    expect(panel).to_contain_text("SHA-256 del archivo archivado:")
    expect(panel.locator("code")).to_have_text(informe.pdf_sha256)
    expect(panel.get_by_role("button", name="Generar PDF de consulta")).to_be_visible()
    assert_accessible(page, "informe-presentado")

    archived = page.request.get(
        panel.get_by_role("link", name="Informe presentado (PDF/A)").get_attribute("href")
    )
    assert hashlib.sha256(archived.body()).hexdigest() == informe.pdf_sha256
    archived_text = pdf_text(archived)
    assert "informe de actividades" in archived_text, archived_text[:500]
    assert "PROYECTO" not in archived_text

    # 7. The list shows it presented, at the third ordinary session.
    page.get_by_role("navigation", name="Ruta").get_by_role("link", name="Informes").click()
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("Presentado")
    expect(row).to_contain_text("Tercera sesión ordinaria")
    assert_accessible(page, "informes-lista")
    save_screenshot(page, "informes-lista-presentado")


def test_a_member_sees_the_informe_but_cannot_write_or_present_it(page, expect, demo):
    """The informes are the committee's: a member reads a presented one and may print it."""
    informe = create_informe(
        demo.committee,
        kind=Informe.Kind.BIMONTHLY,
        period_start=datetime.date(2023, 11, 1),
        period_end=datetime.date(2023, 12, 31),
    )
    # Drafts are the secretariat's alone (issue 13); members read it once presented.
    Informe.objects.filter(pk=informe.pk).update(status=Informe.Status.PRESENTED)
    sign_in(page, demo.member)
    page.goto(reverse("reports:informes", args=[demo.committee.slug]))
    expect(page.get_by_role("link", name="Nuevo informe")).to_have_count(0)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("link", name="Redactar")).to_have_count(0)
    expect(region(page, "Registrar su presentación")).to_have_count(0)
    assert_accessible(page, "informe-integrante")

    region(page, "Documento PDF").get_by_role("button", name="Generar PDF de consulta").click()
    page.wait_for_url(re.compile(rf"/informes/{informe.pk}/impresiones/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("El PDF está listo")

    # Writing it is for who manages the committee.
    assert page.request.get(reverse("reports:informe-edit", args=[informe.pk])).status == 404
