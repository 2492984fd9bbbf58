"""
Official documents: the institution's letterhead, oficio numbers (folios), the convocatoria
as an oficio, the narrative acta, the informe's compliance annex, verification addresses.
"""

import datetime
import io
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from agendas.services import schedule_session
from committees.logos import validate_logo
from committees.models import Membership
from reports.documents import acta_context, convocatoria_context
from reports.informes import informe_context
from reports.pdf import render_pdf
from reports.services import draft_acta
from sessions.folios import issue_convocatoria_folio
from sessions.models import Folio
from sessions.services import convene_session
from tests.factories import make_committee
from tests.record import approve_at_next_session, seats
from tests.reports.informe_data import draft_informe, first_bimester
from tests.reports.test_pdf_documents import held_session, text
from tests.web import make_user_with_seat, signed_in

pytestmark = pytest.mark.django_db

MARCH_19 = datetime.date(2024, 3, 19)
CONVENED = datetime.datetime(2024, 3, 14, 17, 0, tzinfo=datetime.UTC)
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    b'<rect width="10" height="10" fill="#345"/></svg>'
)


@pytest.fixture
def letterhead(committee, media):
    institution = committee.institution
    institution.full_name = "Instituto Electoral de Prueba del Estado"
    institution.address = "Avenida Siempre Viva 742, Guadalajara, Jalisco"
    institution.city = "Guadalajara, Jalisco"
    png = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(png, format="PNG")
    institution.logo.save("logo.png", SimpleUploadedFile("logo.png", png.getvalue()), save=True)
    committee.legal_basis = (
        "el Reglamento de Elecciones del INE, artículos 338 a 345\nOtro renglón del fundamento."
    )
    committee.save()
    return institution


def images_in(content: bytes) -> int:
    """How many image or form XObjects the first page draws (a logo is one of them)."""
    page = PdfReader(io.BytesIO(content)).pages[0]
    resources = page["/Resources"]
    xobjects = resources.get("/XObject", {})
    return len(xobjects)


def planned(committee, day=MARCH_19, **fields):
    return schedule_session(committee=committee, kind="ordinary", date=day, **fields)


def convened(committee, day=MARCH_19, now=CONVENED):
    session = planned(committee, day, place="Sala del Consejo General")
    convene_session(session, now=now, notify=False)
    session.refresh_from_db()
    return session


# --- Letterhead ---------------------------------------------------------------------------


def test_a_logo_is_a_png_or_a_self_contained_svg():
    validate_logo(SimpleUploadedFile("logo.svg", SVG))
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
    validate_logo(SimpleUploadedFile("logo.png", png))
    for name, content, message in [
        ("logo.svg", SVG.replace(b"<rect", b"<script>alert(1)</script><rect"), "scripts"),
        ("logo.svg", SVG.replace(b"<rect", b'<image href="http://x.org/a.png"/><rect'), "externos"),
        ("logo.gif", b"GIF89a", "PNG o SVG"),
        ("logo.svg", b"no es un dibujo", "no es un dibujo SVG"),
    ]:
        with pytest.raises(ValidationError, match=message):
            validate_logo(SimpleUploadedFile(name, content))


def test_the_admin_refuses_a_logo_with_a_script(admin_client, committee):
    institution = committee.institution
    url = reverse("admin:committees_institution_change", args=[institution.pk])
    bad = SimpleUploadedFile("logo.svg", SVG.replace(b"<rect", b"<script>x</script><rect"))
    response = admin_client.post(
        url,
        {
            "name": institution.name,
            "short_name": institution.short_name,
            "kind": institution.kind,
            "time_zone": institution.time_zone,
            "logo": bad,
        },
    )
    assert response.status_code == 200
    assert "El SVG contiene scripts" in response.content.decode()


# --- Folios -------------------------------------------------------------------------------


def test_convening_issues_the_next_folio_of_the_year_in_the_committee_pattern(committee):
    committee.folio_pattern = "IEPC/{COMMITTEE}/{SEQ}/{YEAR}"
    committee.save()
    first = convened(committee)
    convened(committee, datetime.date(2024, 4, 16))

    codes = list(Folio.objects.order_by("number").values_list("code", flat=True))
    assert codes == ["IEPC/COTAPREP/001/2024", "IEPC/COTAPREP/002/2024"]
    # Issued once: convening again after a postponement keeps the number.
    assert issue_convocatoria_folio(first).code == "IEPC/COTAPREP/001/2024"
    # A new year starts again at 001.
    third = convened(
        committee,
        datetime.date(2025, 1, 20),
        now=datetime.datetime(2025, 1, 10, 17, tzinfo=datetime.UTC),
    )
    assert third.folios.get().code == "IEPC/COTAPREP/001/2025"


def test_a_failed_convocation_takes_no_number_and_a_folio_is_never_changed(committee):
    empty = planned(committee)
    empty.points.all().delete()
    with pytest.raises(ValidationError):
        convene_session(empty, now=CONVENED, notify=False)
    assert not Folio.objects.exists()
    session = convened(committee)
    folio = session.folios.get()
    assert folio.number == 1
    with pytest.raises(ValidationError):
        folio.delete()
    folio.code = "OTRO/001/2024"
    with pytest.raises(ValidationError):
        folio.save()


def test_an_unknown_marker_in_the_folio_pattern_is_refused(committee):
    committee.folio_pattern = "{COMMITTEE}/{NUMERO}"
    with pytest.raises(ValidationError, match="Marcadores desconocidos: NUMERO"):
        committee.full_clean()
    committee.folio_pattern = "{COMMITTEE}/{SEQ}"
    with pytest.raises(ValidationError, match="debe incluir {SEQ} y {YEAR}"):
        committee.full_clean()


def test_the_session_page_shows_the_convocatorias_folio(client, committee, django_user_model):
    user = make_user_with_seat(django_user_model, committee, Membership.Role.MEMBER, "lectora")
    session = convened(committee)
    html = signed_in(client, user).get(reverse("sessions:detail", args=[session.pk])).content
    assert session.folios.get().code in html.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_folios_are_unique_and_gapless_when_issued_at_once():
    committee = make_committee()
    sessions = [planned(committee, MARCH_19 + datetime.timedelta(days=n)) for n in range(8)]
    barrier = threading.Barrier(len(sessions))
    errors = []

    def issue(session):
        try:
            barrier.wait()
            issue_convocatoria_folio(session, now=CONVENED)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(Folio.objects.filter(committee=committee).values_list("number", flat=True))
    assert numbers == list(range(1, len(sessions) + 1))
    assert Folio.objects.filter(committee=committee).values("code").distinct().count() == 8


# --- The documents ------------------------------------------------------------------------


def test_the_convocatoria_is_an_oficio_with_folio_place_date_basis_and_signature(
    committee, letterhead
):
    seats(committee, "Adela Ruiz")
    seats(committee, "Sofía Secretaria", role=Membership.Role.TECHNICAL_SECRETARY)
    session = convened(committee)
    folio = session.folios.get().code

    content = render_pdf("reports/pdf/convocatoria.html", convocatoria_context(session))
    printed = text(content)

    assert "Instituto Electoral de Prueba del Estado" in printed
    assert "Avenida Siempre Viva 742, Guadalajara, Jalisco" in printed
    assert f"Oficio {folio}" in printed
    assert "Guadalajara, Jalisco, a 14 de marzo de 2024" in printed
    assert "con fundamento en el Reglamento de Elecciones del INE, artículos 338 a 345" in printed
    assert "Otro renglón" not in printed
    assert "anticipación mínima de" in printed
    assert "Atentamente" in printed
    # The secretary signs; she is not among the addressees (before "Presentes").
    addressees = printed[: printed.index("Presentes")]
    assert "Adela Ruiz" in addressees
    assert "Sofía Secretaria" not in addressees
    assert printed.index("Atentamente") < printed.rindex("Sofía Secretaria")
    assert images_in(content) >= 1  # the logo


def test_the_acta_is_a_narrative_from_the_record(committee, letterhead):
    acta = draft_acta(held_session(committee))

    printed = text(render_pdf("reports/pdf/acta.html", acta_context(acta)))

    assert (
        "En la ciudad de Guadalajara, Jalisco, siendo las 11:00 horas del día 19 de marzo de "
        "2024, en Sala del Consejo General, se reunieron las personas integrantes del Comité"
    ) in printed
    assert "con la asistencia de: Adela Ruiz, Beatriz Soto y Carmen Díaz" in printed
    assert "No asistieron: Daniela Luna." in printed
    assert "se declaró la existencia de quórum a las 11:00 horas" in printed
    assert "a favor: Adela Ruiz y Beatriz Soto; en contra: Carmen Díaz" in printed
    assert "Se adoptó el acuerdo COTAPREP/2024/SO01/A01" in printed
    assert "se dio por concluida la sesión a las 13:30 horas" in printed
    assert "Sofía Secretaria Secretaría técnica (voz)" in printed


def test_the_approved_acta_prints_where_it_is_verified(committee, letterhead):
    acta = approve_at_next_session(draft_acta(held_session(committee)), datetime.date(2024, 4, 16))

    content = render_pdf("reports/pdf/acta.html", acta_context(acta))
    printed = text(content)

    address = f"/verificar/?acta={acta.pk}"
    assert "Verifique la autenticidad e integridad de este documento en: http" in printed
    assert address in printed
    assert images_in(content) >= 1  # the logo
    # The QR code is drawn as vector paths on the last page, under the address.


def test_the_informe_puts_only_applicable_rules_with_their_article_in_an_annex(committee):
    first_bimester(committee)
    informe = draft_informe(committee, narrative="El comité sesionó.", plans="")

    printed = text(render_pdf("reports/pdf/informe.html", informe_context(informe)))

    assert "Anexo. Cumplimiento de la normativa" in printed
    assert "sin artículo citado" not in printed
    assert "No decidible" not in printed
    annex = printed[printed.index("Anexo. Cumplimiento") :]
    assert "Atentamente" not in annex
    for result in informe_context(informe)["compliance"]:
        assert result.cites
