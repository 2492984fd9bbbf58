"""The convocation, the agenda and the acta as PDFs: what a reader finds in them."""

import datetime
import io

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from agendas.services import adopt_agreement, cast_vote, insert_point
from committees.models import Membership
from reports.documents import acta_context, convocatoria_context, orden_context
from reports.pdf import render_pdf
from reports.services import draft_acta
from sessions.models import Attendance
from sessions.services import close_session, open_session
from tests.record import approve_at_next_session, attend, scheduled, seats
from tests.tamper import tamper
from tests.web import assert_sign_in_required, make_document, seat, signed_in

pytestmark = pytest.mark.django_db

MARCH_19 = datetime.date(2024, 3, 19)


def pages(content: bytes) -> list[str]:
    """Each page's text, spaces collapsed."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def text(content: bytes) -> str:
    return " ".join(pages(content))


def held_session(committee, *, specific_points: int = 2):
    """
    The ordinary session of 19 March 2024 with its standard agenda and ``specific_points``
    more: Adela and Beatriz vote for every point for approval, Carmen against, Daniela is
    absent; the secretary and a guest attend; an agreement under each point voted.
    """
    adela, beatriz, carmen, daniela = seats(
        committee, "Adela Ruiz", "Beatriz Soto", "Carmen Díaz", "Daniela Luna"
    )
    (secretary,) = seats(committee, "Sofía Secretaria", role=Membership.Role.TECHNICAL_SECRETARY)
    (guest,) = seats(committee, "Gabriela Invitada", role=Membership.Role.GUEST)
    session = scheduled(committee, MARCH_19, place="Sala del Consejo General")
    for n in range(1, specific_points + 1):
        insert_point(
            session,
            title=f"Presentación y, en su caso, aprobación del documento técnico {n}",
            kind="approval",
            description=f"Documento técnico número {n} del PREP.",
        )
    attend(session, [adela, beatriz, carmen, secretary])
    attend(session, [daniela], Attendance.Status.ABSENT)
    attend(session, [guest], Attendance.Status.REMOTE)
    open_session(session, started_at=datetime.time(11))
    for point in session.points.filter(kind="approval").order_by("position"):
        cast_vote(point, adela, "for")
        cast_vote(point, beatriz, "for")
        cast_vote(point, carmen, "against")
        adopt_agreement(point, text=f"Se aprueba lo presentado en el punto {point.position}.")
        point.minutes = f"Se discutió el punto {point.position}."
        point.save()
    close_session(session, ended_at=datetime.time(13, 30))
    return session


@pytest.fixture
def session(committee):
    return held_session(committee)


# --- Convocatoria -------------------------------------------------------------------------


def test_the_convocatoria_states_who_when_where_and_the_agenda(committee, session, media):
    session.start_time = datetime.time(11)
    session.video_link = "https://videoconferencia.example.org/sala-cotaprep"
    session.save()
    point = session.points.get(position=4)
    make_document(point, "tecnico.pdf", title="Documento técnico del PREP (versión 2)")
    (representative,) = seats(
        committee, "Rosa Representante", role=Membership.Role.PARTY_REPRESENTATIVE
    )

    content = text(render_pdf("reports/pdf/convocatoria.html", convocatoria_context(session)))

    assert committee.institution.name in content
    assert "Convocatoria" in content
    assert "Primera sesión ordinaria" in content
    assert "martes 19 de marzo de 2024" in content
    assert "a las 11:00 horas" in content
    assert "Sala del Consejo General" in content
    assert "https://videoconferencia.example.org/sala-cotaprep" in content
    for name in ("Adela Ruiz", "Daniela Luna", "Sofía Secretaria", "Gabriela Invitada"):
        assert name in content
    # Party representatives are convened to the formal work meetings only.
    assert "Rosa Representante" not in content
    assert "1. Lectura y aprobación del orden del día" in content
    assert "4. Presentación y, en su caso, aprobación del documento técnico 1" in content
    assert "Documento técnico del PREP (versión 2)" in content
    # Signed by the technical secretary.
    assert content.index("Sofía Secretaria Secretaría Técnica del Comité") > content.index(
        "Resumen y clausura"
    )
    assert "Página 1 de " in content


def test_the_convocatoria_without_a_time_says_it_is_to_be_confirmed(session):
    content = text(render_pdf("reports/pdf/convocatoria.html", convocatoria_context(session)))

    assert "Horario por confirmar" in content


def test_the_convocatoria_of_a_work_meeting_convenes_the_party_representatives(committee):
    seats(committee, "Adela Ruiz")
    (representative,) = seats(
        committee, "Rosa Representante", role=Membership.Role.PARTY_REPRESENTATIVE
    )
    meeting = scheduled(committee, MARCH_19)
    meeting.kind = "work_meeting"
    meeting.save()

    content = text(render_pdf("reports/pdf/convocatoria.html", convocatoria_context(meeting)))

    assert (
        "Rosa Representante Representación de partido político (voz) "
        f"({representative.party.acronym})" in content
    )


def test_the_convocatoria_says_where_to_send_observations_to_the_previous_acta(committee, session):
    secretary = session.committee.memberships.get(role=Membership.Role.TECHNICAL_SECRETARY)
    secretary.person.email = "secretaria.tecnica@iep.example.org"
    secretary.person.save()
    following = scheduled(committee, datetime.date(2024, 4, 16))

    content = text(render_pdf("reports/pdf/convocatoria.html", convocatoria_context(following)))

    assert "Las observaciones al proyecto de acta de la sesión anterior (punto 2)" in content
    assert "secretaria.tecnica@iep.example.org" in content


# --- Orden del día ------------------------------------------------------------------------


def test_the_orden_del_dia_lists_the_numbered_points(session):
    content = text(render_pdf("reports/pdf/orden.html", orden_context(session)))

    assert "Orden del día" in content
    assert "Primera sesión ordinaria" in content
    assert "martes 19 de marzo de 2024" in content
    assert "1. Lectura y aprobación del orden del día" in content
    assert "Documento técnico número 2 del PREP." in content
    assert "7. Resumen y clausura de la sesión" in content
    assert "Página 1 de 1" in content


# --- Acta ---------------------------------------------------------------------------------


def test_the_draft_acta_states_attendance_votes_by_name_and_agreements(session):
    acta = draft_acta(session)

    content = text(render_pdf("reports/pdf/acta.html", acta_context(acta)))

    assert "Proyecto de acta" in content
    assert "19 de marzo de 2024" in content
    assert "Daniela Luna Integrante (voz y voto) Ausente" in content
    assert "Gabriela Invitada Persona invitada (voz) A distancia" in content
    assert "Quórum declarado a las 11:00 h: 3 integrantes con voto presentes" in content
    assert "a favor: Adela Ruiz y Beatriz Soto; en contra: Carmen Díaz" in content
    assert "el punto fue aprobado por mayoría" in content
    assert "COTAPREP/2024/SO01/A01: Se aprueba lo presentado en el punto 1." in content
    assert "COTAPREP/2024/SO01/A03" in content
    assert (
        "Firmas Adela Ruiz Integrante (voz y voto) Beatriz Soto Integrante (voz y voto) "
        "Carmen Díaz Integrante (voz y voto) Sofía Secretaria Secretaría técnica (voz)"
    ) in content


def test_every_page_of_a_draft_acta_is_marked_proyecto(committee):
    acta = draft_acta(held_session(committee, specific_points=7))

    printed = pages(render_pdf("reports/pdf/acta.html", acta_context(acta)))

    assert len(printed) > 1
    for number, page in enumerate(printed, start=1):
        assert page.startswith("PROYECTO"), page[:80]
        assert f"Página {number} de {len(printed)}" in page


def test_the_approved_acta_is_printed_from_its_snapshot_without_the_mark(committee, session):
    acta = approve_at_next_session(draft_acta(session), datetime.date(2024, 4, 16))
    # The record changes after approval; the approved acta does not.
    tamper(session.points.filter(position=1), minutes="Texto cambiado después de aprobar.")

    printed = pages(render_pdf("reports/pdf/acta.html", acta_context(acta)))
    content = " ".join(printed)

    assert not any("PROYECTO" in page for page in printed)
    assert "Proyecto de acta" not in content
    assert "Acta" in content
    assert "Aprobada en la Segunda sesión ordinaria, punto 2, el 16 de abril de 2024" in content
    assert "Votación: Aprobado por unanimidad" in content
    assert "Se discutió el punto 1." in content
    assert "Texto cambiado" not in content
    assert "Firmas Adela Ruiz Integrante (voz y voto) Beatriz Soto" in content


def test_the_header_shows_the_institution_logo(committee, session, media):
    logo = media / "institutions" / "logo.png"
    logo.parent.mkdir(parents=True)
    Image.new("RGB", (40, 20), "navy").save(logo)
    committee.institution.logo = "institutions/logo.png"
    committee.institution.save()
    session.refresh_from_db()  # its committee and institution are read again, with the logo

    content = render_pdf("reports/pdf/orden.html", orden_context(session))

    reader = PdfReader(io.BytesIO(content))
    assert any(page.images for page in reader.pages)


# --- Downloads ----------------------------------------------------------------------------


@pytest.fixture
def downloads(committee, session):
    acta = draft_acta(session)
    return [
        (reverse("reports:convocatoria-pdf", args=[session.pk]), "convocatoria"),
        (reverse("reports:orden-pdf", args=[session.pk]), "orden-del-dia"),
        (reverse("reports:acta-pdf", args=[acta.pk]), "proyecto-de-acta"),
    ]


def test_the_urls(session):
    acta = draft_acta(session)
    assert reverse("reports:convocatoria-pdf", args=[1]) == "/sesiones/1/convocatoria.pdf"
    assert reverse("reports:orden-pdf", args=[1]) == "/sesiones/1/orden-del-dia.pdf"
    assert reverse("reports:acta-pdf", args=[acta.pk]) == f"/actas/{acta.pk}/acta.pdf"


def test_downloads_require_sign_in(client, downloads):
    for url, _name in downloads:
        assert_sign_in_required(client.get(url), url)


def test_downloads_are_not_found_for_an_outsider(client, outsider, downloads):
    signed_in(client, outsider)
    for url, _name in downloads:
        assert client.get(url).status_code == 404


def test_a_guest_not_invited_does_not_find_them(client, guest, downloads):
    signed_in(client, guest)
    for url, _name in downloads:
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["member", "secretary", "manager"])
def test_those_who_see_the_session_download_them(client, downloads, session, who, request):
    signed_in(client, request.getfixturevalue(who))
    for url, name in downloads:
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        expected = f'filename="{name}-{session.committee.slug}-2024-03-19.pdf"'
        assert expected in response["Content-Disposition"]
        assert "Primera sesión ordinaria" in text(response.getvalue())


def test_the_approved_acta_downloads_as_acta(client, member, session):
    acta = approve_at_next_session(draft_acta(session), datetime.date(2024, 4, 16))
    response = signed_in(client, member).get(reverse("reports:acta-pdf", args=[acta.pk]))
    assert (
        f'filename="acta-{session.committee.slug}-2024-03-19.pdf"'
        in response["Content-Disposition"]
    )


def test_downloads_refuse_post(client, member, downloads):
    signed_in(client, member)
    for url, _name in downloads:
        assert client.post(url).status_code == 405


def test_the_draft_acta_download_is_not_for_an_invited_guest(client, guest, member, session):
    acta = draft_acta(session)
    session.invitations.add(seat(guest))
    response = signed_in(client, guest).get(reverse("reports:acta-pdf", args=[acta.pk]))
    assert response.status_code == 404
    response = signed_in(client, member).get(reverse("reports:acta-pdf", args=[acta.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    printed = text(b"".join(response.streaming_content))
    assert "Proyecto de acta" in printed
    assert "Primera sesión ordinaria" in printed
