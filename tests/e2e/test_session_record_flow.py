"""
The record of a session, end to end in the browser: the technical secretary convenes the
sixth ordinary session of the demo COTAPREP, takes the roll call, opens it, records a vote
and an agreement, closes it and drafts its acta; a member observes the draft; the seventh
ordinary session approves it, and the acta is frozen.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse

from agendas.models import Agreement
from reports.models import Acta
from sessions.models import Session

from .helpers import assert_accessible, save_screenshot, sign_in

pytestmark = pytest.mark.e2e

SECRETARY = "Héctor Gallego Ávila"
# The members with vote as the pages name them (honorific first).
MEMBERS = [
    "César Ledesma Ugalde",
    "Mtra. Claudia Carolina Olivares Álvarez",
    "Ing. Ignacio Alberto Alarcón Alonzo",
]
REMOTE_MEMBER = "Ing. Ignacio Alberto Alarcón Alonzo"
AGREEMENT_TEXT = (
    "Se instruye a la Coordinación de Informática presentar en la siguiente sesión el "
    "calendario de instalación de los Centros de Acopio y Transmisión de Datos."
)
MINUTES = (
    "El Secretario Técnico dio lectura al orden del día, que se aprobó sin modificaciones "
    "por unanimidad de votos."
)
OBSERVATION = "Sugiero precisar que la votación del orden del día fue nominal."


def open_session_page(page, expect, committee, title: str, year: int = 2024):
    """From the committee's page, through its year's list of past sessions."""
    page.goto(reverse("committees:detail", args=[committee.slug]))
    # The 2023-2024 season is older than the last twelve months: its year is a click away.
    page.get_by_role("navigation", name="Sesiones por año").get_by_role(
        "link", name=str(year), exact=True
    ).click()
    page.get_by_role("region", name=f"Sesiones de {year}").get_by_role(
        "link", name=title, exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def lifecycle_status(page):
    """The status shown in the lifecycle panel (its first definition)."""
    return (
        page.get_by_role("region", name="Convocatoria y desarrollo").get_by_role("definition").first
    )


def agenda_point(page, position: int):
    return page.locator("#orden-del-dia li.agenda-point").nth(position - 1)


def convene(page, expect, reference: str):
    page.get_by_role("link", name="Convocar…").click()
    # The check page: a past date makes the notice shorter than the committee's rule; a
    # warning the secretary confirms, not a refusal.
    expect(page.locator(".convening-warnings")).to_contain_text("horas de anticipación")
    page.get_by_label("Conozco estas advertencias").check()
    page.get_by_role("button", name="Convocar").click()
    expect(lifecycle_status(page)).to_have_text("Convocada")
    messages = page.locator("#mensajes")
    expect(messages).to_contain_text(f"Se convocó la {reference}.")
    # Nobody in the demo has an e-mail address: the secretariat is told who got nothing.
    # (Listed by name in the database's order, which need not be Spanish alphabetical.)
    unreachable = page.get_by_role("alert").filter(has_text="sin correo electrónico")
    expect(unreachable).to_contain_text(
        "No se envió el aviso a 4 personas sin correo electrónico registrado: "
    )
    for name in [*MEMBERS, SECRETARY]:
        expect(unreachable).to_contain_text(name)
    assert mail.outbox == []


def take_roll_call(page, expect, *, check_accessibility: bool = False):
    """Everyone present, one member remotely; the live quorum follows each answer."""
    page.get_by_role("region", name="Registro de la sesión").get_by_role(
        "link", name="Pasar lista"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lista de asistencia")
    quorum = page.get_by_role("region", name="Quórum")
    expect(quorum).to_contain_text("No hay quórum")
    page.get_by_role("group", name=SECRETARY).get_by_label("Presente", exact=True).check()
    for name in MEMBERS:
        status = "A distancia" if name == REMOTE_MEMBER else "Presente"
        page.get_by_role("group", name=name).get_by_label(status, exact=True).check()
    expect(quorum).to_contain_text("Hay quórum")
    expect(quorum).to_contain_text("Presentes 3 de 3 integrantes con voto; se requieren 2.")
    page.wait_for_load_state("networkidle")  # the live quorum's last request
    if check_accessibility:
        assert_accessible(page, "pase-de-lista")
    page.get_by_role("button", name="Guardar asistencia").click()

    expect(page).to_have_url(re.compile(r"/sesiones/\d+/#registro$"))
    expect(page.locator("#mensajes")).to_contain_text("Se guardó la asistencia (4 cambios).")
    record = page.get_by_role("region", name="Registro de la sesión")
    expect(record).to_contain_text(f"{REMOTE_MEMBER}: a distancia")
    expect(record).to_contain_text(f"{SECRETARY}: presente")
    lifecycle = page.get_by_role("region", name="Convocatoria y desarrollo")
    expect(lifecycle).to_contain_text("Presentes 3 de 3 integrantes con voto; se requieren 2.")


def open_with_quorum(page, expect, started_at: str = "11:00"):
    # The real start time, typed by the secretariat (the demo plan gives no time).
    page.get_by_label("Hora de inicio").fill(started_at)
    page.get_by_role("button", name="Abrir la sesión (declarar quórum)").click()
    expect(lifecycle_status(page)).to_have_text("Convocada (en curso)")
    expect(page.locator("#mensajes")).to_contain_text("Se declaró el quórum y comenzó la sesión.")


def vote_in_favour(
    page, expect, position: int, *, note: str = "", check_accessibility: bool = False
):
    """Every member present votes in favour of the point; back on the session page."""
    page.get_by_role("link", name=f"Registrar votación del punto {position}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Votación del punto {position}")
    if note:
        expect(page.get_by_role("note")).to_contain_text(note)
    for name in MEMBERS:
        page.get_by_role("group", name=name).get_by_label("A favor", exact=True).check()
    if check_accessibility:
        assert_accessible(page, "votacion")
    page.get_by_role("button", name="Guardar votación").click()
    expect(page).to_have_url(re.compile(r"/sesiones/\d+/#punto-\d+$"))
    expect(page.locator("#mensajes")).to_contain_text(
        f"Se registró la votación del punto {position}: aprobado por unanimidad."
    )
    point = agenda_point(page, position)
    expect(point.locator(".vote-result .badge")).to_have_text("Aprobado por unanimidad")
    for name in MEMBERS:
        expect(point).to_contain_text(f"{name}: a favor")


def sign_out(page, expect):
    page.get_by_role("button", name="Salir").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Entrar a Quórum")


def test_the_secretariat_runs_a_session_from_convocation_to_approved_acta(page, expect, demo):
    committee = demo.committee
    sixth = Session.objects.get(committee=committee, kind=Session.Kind.ORDINARY, number=6)
    seventh = Session.objects.get(committee=committee, kind=Session.Kind.ORDINARY, number=7)
    sign_in(page, demo.secretary)

    # 1. The sixth ordinary session (25 April 2024) is convened.
    open_session_page(page, expect, committee, "Sexta sesión ordinaria")
    expect(lifecycle_status(page)).to_have_text("Programada")
    convene(page, expect, "sexta sesión ordinaria")

    # 2. The roll call: the three members with vote and the secretary.
    take_roll_call(page, expect, check_accessibility=True)

    # 3. Opened with quorum; the agenda is approved unanimously.
    open_with_quorum(page, expect)
    vote_in_favour(page, expect, 1, check_accessibility=True)

    # 4. An agreement under the monthly progress report (point 4): the UI offers
    # "Registrar acuerdo" under every point of an open session.
    page.get_by_role("link", name="Registrar acuerdo en el punto 4").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrar acuerdo")
    page.get_by_label("Texto del acuerdo").fill(AGREEMENT_TEXT)
    page.get_by_label("Responsable").select_option(label=SECRETARY)
    page.get_by_role("button", name="Registrar acuerdo").click()
    number = "COTAPREP/2024/SO06/A01"
    expect(page.locator("#mensajes")).to_contain_text(f"Se registró el acuerdo {number}.")
    point = agenda_point(page, 4)
    expect(point.get_by_role("link", name=number)).to_be_visible()
    expect(point).to_contain_text(f"(responsable: {SECRETARY})")

    # 5. Closing waits for point 2 (the fifth session's acta, not drafted): it is stated
    # as not put to a vote, with the reason. Then closed at the time typed: held.
    lifecycle = page.get_by_role("region", name="Convocatoria y desarrollo")
    expect(lifecycle).to_contain_text("Antes de clausurar, registre la votación de estos puntos")
    page.get_by_role("link", name="Votación o sin votación").or_(
        page.get_by_role("link", name="Registrar votación del punto 2")
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votación del punto 2")
    page.get_by_label("No se sometió a votación").check()
    page.get_by_label("Motivo").fill("El acta de la quinta sesión aún no se elabora.")
    assert_accessible(page, "sin-votacion")
    page.get_by_role("button", name="Guardar sin votación").click()
    expect(page.locator("#mensajes")).to_contain_text(
        "El punto 2 quedó sin votación: no se sometió a votación."
    )
    expect(agenda_point(page, 2)).to_contain_text("El acta de la quinta sesión aún no se elabora.")
    page.get_by_label("Hora de clausura").fill("13:40")
    page.get_by_role("button", name="Clausurar la sesión").click()
    expect(lifecycle_status(page)).to_have_text("Celebrada")
    expect(page.locator("#mensajes")).to_contain_text(
        "Se clausuró la sexta sesión ordinaria; queda como celebrada."
    )
    save_screenshot(page, "sesion-celebrada")
    page.get_by_role("button", name="Generar proyecto de acta").click()

    expect(page).to_have_url(re.compile(r"/actas/\d+/$"))
    acta_url = page.url
    expect(page.locator("#mensajes")).to_contain_text("Se generó el proyecto de acta.")
    expect(page.get_by_text("PROYECTO", exact=True)).to_be_visible()
    data = page.get_by_role("region", name="Datos de la sesión")
    expect(data).to_contain_text(re.compile(r"Inicio\s*11:00 h"))
    expect(data).to_contain_text(re.compile(r"Clausura\s*13:40 h"))
    attendance = page.get_by_role("region", name="Asistencia y quórum")
    expect(attendance).to_contain_text("Quórum declarado a las 11:00 h")
    expect(attendance).to_contain_text("3 integrantes con voto presentes; se requerían 2.")
    for name in [*MEMBERS, SECRETARY]:
        expect(attendance.get_by_role("cell", name=name, exact=True)).to_be_visible()
    expect(
        attendance.get_by_role("row", name=f"{REMOTE_MEMBER} A distancia", exact=False)
    ).to_be_visible()
    votes = page.get_by_role("table", name="Votación nominal del punto 1")
    for name in MEMBERS:
        expect(votes.get_by_role("row", name=f"{name} A favor")).to_be_visible()
    development = page.get_by_role("region", name="Orden del día y desarrollo de la sesión")
    expect(development).to_contain_text(f"{number}: {AGREEMENT_TEXT}")

    first = page.get_by_role("article", name=re.compile(r"^1\. Lectura y aprobación"))
    expect(first).to_contain_text("Sin desarrollo registrado.")
    first.get_by_text("Editar el desarrollo del punto 1").click()
    first.get_by_label("Desarrollo del punto").fill(MINUTES)
    first.get_by_role("button", name="Guardar desarrollo").click()
    expect(page).to_have_url(re.compile(r"/actas/\d+/#punto-1$"))
    expect(page.locator("#mensajes")).to_contain_text("Se guardó el desarrollo del punto 1.")
    expect(first).to_contain_text(MINUTES)
    expect(first).not_to_contain_text("Sin desarrollo registrado.")
    assert_accessible(page, "acta-proyecto")

    # 6. A member reads the draft and leaves an observation on point 1.
    sign_out(page, expect)
    sign_in(page, demo.member)
    page.goto(acta_url)
    expect(page.get_by_text("PROYECTO", exact=True)).to_be_visible()
    expect(page.get_by_text("Editar el desarrollo del punto 1")).to_have_count(0)
    observations = page.get_by_role("region", name="Observaciones al proyecto")
    observations.get_by_label("Sobre").select_option(
        label="Punto 1. Lectura y aprobación del orden del día"
    )
    observations.get_by_label("Observación").fill(OBSERVATION)
    observations.get_by_role("button", name="Enviar observación").click()
    expect(page).to_have_url(re.compile(r"/actas/\d+/#observaciones$"))
    expect(page.locator("#mensajes")).to_contain_text(
        "Se registró su observación al proyecto de acta."
    )
    expect(observations).to_contain_text("Mtra. Claudia Carolina Olivares Álvarez")
    expect(observations).to_contain_text("sobre el punto 1")
    expect(observations).to_contain_text(OBSERVATION)
    sign_out(page, expect)

    # 7. The seventh ordinary session (28 May 2024) approves the sixth's acta at point 2.
    sign_in(page, demo.secretary)
    open_session_page(page, expect, committee, "Séptima sesión ordinaria")
    convene(page, expect, "séptima sesión ordinaria")
    take_roll_call(page, expect)
    open_with_quorum(page, expect)
    # The agreement adopted at the sixth is open: the follow-up point lists it.
    expect(agenda_point(page, 3)).to_contain_text(number)
    vote_in_favour(page, expect, 2, note="Este punto aprueba el acta de la sexta sesión ordinaria")
    expect(page.locator("#mensajes")).to_contain_text(
        "Se aprobó el acta de la sexta sesión ordinaria; su registro quedó sellado."
    )

    open_session_page(page, expect, committee, "Sexta sesión ordinaria")
    # Sealed: the page offers no edit of the agenda or the record any more.
    expect(lifecycle_status(page)).to_contain_text("Registro sellado")
    for name in ("Editar el punto 1", "Eliminar el punto 1", "Registrar acuerdo en el punto 4"):
        expect(page.get_by_role("link", name=name)).to_have_count(0)
    expect(page.get_by_role("button", name="Agregar punto")).to_have_count(0)
    expect(page.get_by_role("link", name="Pasar lista")).to_have_count(0)
    record = page.get_by_role("region", name="Registro de la sesión")
    expect(record).to_contain_text("Aprobada")
    record.get_by_role("link", name="Ver el acta").click()
    expect(page).to_have_url(acta_url)
    expect(page.get_by_text("PROYECTO", exact=True)).to_have_count(0)
    approval = page.get_by_role("region", name="Aprobación")
    expect(approval).to_contain_text("Séptima sesión ordinaria, punto 2")
    expect(approval).to_contain_text("28 de mayo de 2024")
    expect(approval).to_contain_text("Aprobado por unanimidad")
    # The content as approved, and no longer editable: corrections go to the fe de erratas.
    first = page.get_by_role("article", name=re.compile(r"^1\. Lectura y aprobación"))
    expect(first).to_contain_text(MINUTES)
    expect(page.get_by_text("Editar el desarrollo del punto")).to_have_count(0)
    expect(page.get_by_role("button", name="Guardar desarrollo")).to_have_count(0)
    expect(page.get_by_role("button", name="Enviar observación")).to_have_count(0)
    errata = page.get_by_role("region", name="Fe de erratas")
    expect(errata.get_by_label("Corrección")).to_be_editable()
    expect(errata.get_by_role("button", name="Registrar fe de erratas")).to_be_visible()
    save_screenshot(page, "acta-aprobada")

    # The database: approved at the seventh's point 2, its content frozen with the votes.
    acta = Acta.objects.get(session=sixth)
    approving_point = seventh.points.get(position=2)
    assert acta.status == Acta.Status.APPROVED
    assert acta.approved_at_point == approving_point
    assert approving_point.approves_acta_of == sixth
    assert acta.approved_on.isoformat() == "2024-05-28"
    first_point = acta.snapshot["points"][0]
    assert first_point["minutes"] == MINUTES
    assert sorted(vote["name"] for vote in first_point["votes"]) == sorted(MEMBERS)
    assert {vote["sense"] for vote in first_point["votes"]} == {"A favor"}
    assert acta.snapshot["approval"]["session"] == "Séptima sesión ordinaria"
    agreement = Agreement.objects.get(number=number)
    assert agreement.point.session == sixth
    assert agreement.responsible.name == SECRETARY
    assert acta.observations.get().text == OBSERVATION
