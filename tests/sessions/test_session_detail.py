"""The session page: its data and its agenda, with the agenda builder for those who manage."""

import datetime

import pytest
from django.urls import reverse

from agendas.models import AgendaPoint, Document
from committees.spanish import long_date
from sessions.models import Session
from tests.factories import make_committee, make_point, make_session
from tests.web import PDF, assert_sign_in_required, make_document, page_text, seat, signed_in

pytestmark = pytest.mark.django_db


def url(session) -> str:
    return reverse("sessions:detail", args=[session.pk])


@pytest.fixture
def session(committee):
    session = make_session(
        committee,
        date=datetime.date(2024, 3, 19),
        start_time=datetime.time(11),
        end_time=datetime.time(13, 30),
        place="Sala de sesiones del Consejo General",
        video_link="https://videos.example.org/sala",
        notes="Se transmitirá en vivo.",
    )
    make_point(session, title="Lectura y aprobación del orden del día", presenter="Presidencia")
    make_point(
        session,
        title="Informe del PREP",
        kind=AgendaPoint.Kind.INFORMATIVE,
        description="Avance de los simulacros.",
    )
    return session


def test_the_url(session):
    assert url(session) == f"/sesiones/{session.pk}/"


def test_it_requires_sign_in(client, session):
    assert_sign_in_required(client.get(url(session)), url(session))


def test_someone_without_a_seat_gets_a_404(client, outsider, session):
    assert signed_in(client, outsider).get(url(session)).status_code == 404


def test_an_unknown_session_is_a_404(client, alice):
    assert signed_in(client, alice).get("/sesiones/999999/").status_code == 404


def test_a_member_reads_the_session_and_its_agenda(client, member, session, media):
    document = make_document(session.points.get(position=2), "informe-prep.pdf", title="Informe")

    response = signed_in(client, member).get(url(session))

    assert response.status_code == 200
    text = page_text(response)
    assert f"Primera sesión ordinaria {session.committee.name} (COTAPREP)" in text
    assert "Estado Programada Tipo Sesión ordinaria Número 1" in text
    assert f"Fecha {long_date(session.date, weekday=True)}" in text
    assert "Horario 11:00 h – 13:30 h" in text
    assert "Lugar Sala de sesiones del Consejo General" in text
    assert "Videoconferencia https://videos.example.org/sala" in text
    assert "Notas Se transmitirá en vivo." in text
    assert (
        "1. Punto 1: Lectura y aprobación del orden del día Para aprobación Presenta: Presidencia "
        "2. Punto 2: Informe del PREP Informativo Avance de los simulacros. "
        f"Informe (informe-prep.pdf, {len(PDF)} bytes)"
    ) in text
    download = reverse("agendas:document-download", args=[document.pk, "informe-prep.pdf"])
    assert f'href="{download}"' in response.text
    assert reverse("sessions:session-ics", args=[session.pk]) in response.text
    # Reading is not managing: no agenda builder.
    assert response.context["can_manage"] is False
    assert "Agregar un punto" not in text
    assert reverse("agendas:point-move", args=[session.points.first().pk]) not in response.text
    assert reverse("agendas:point-edit", args=[session.points.first().pk]) not in response.text


def test_a_session_without_time_or_place_says_so(client, member, committee):
    session = make_session(committee, kind=Session.Kind.EXTRAORDINARY)

    text = page_text(signed_in(client, member).get(url(session)))

    assert "Horario Por definir (todo el día)" in text
    assert "Lugar Por definir" in text
    assert "Esta sesión aún no tiene orden del día." in text


def test_a_postponed_session_shows_its_original_date_and_why(client, member, committee):
    session = make_session(
        committee,
        date=datetime.date(2024, 3, 26),
        rescheduled_from=datetime.date(2024, 3, 19),
        status=Session.Status.POSTPONED,
        status_reason="Coincide con el simulacro.",
    )

    text = page_text(signed_in(client, member).get(url(session)))

    assert "Estado Pospuesta" in text
    assert "Fecha original 19 de marzo de 2024 Motivo Coincide con el simulacro." in text


def test_a_party_representative_opens_work_meetings_and_invitations_only(
    client, representative, committee
):
    work_meeting = make_session(committee, kind=Session.Kind.WORK_MEETING)
    invited = make_session(committee, kind=Session.Kind.EXTRAORDINARY)
    invited.invitations.add(seat(representative))
    ordinary = make_session(committee)
    signed_in(client, representative)

    assert client.get(url(work_meeting)).status_code == 200
    assert client.get(url(invited)).status_code == 200
    assert client.get(url(ordinary)).status_code == 404


def test_a_guest_opens_only_the_sessions_they_are_invited_to(client, guest, committee):
    invited = make_session(committee)
    invited.invitations.add(seat(guest))
    work_meeting = make_session(committee, kind=Session.Kind.WORK_MEETING)
    signed_in(client, guest)

    assert client.get(url(invited)).status_code == 200
    assert client.get(url(work_meeting)).status_code == 404


def test_an_invitation_to_another_committees_session_gives_nothing_here(client, guest, committee):
    make_session(committee).invitations.add(seat(guest))
    elsewhere = make_session(make_committee())
    assert signed_in(client, guest).get(url(elsewhere)).status_code == 404


@pytest.mark.parametrize("user", ["secretary", "alice", "manager"])
def test_those_who_manage_get_the_agenda_builder(request, client, session, user):
    first, second = session.points.order_by("position")

    response = signed_in(client, request.getfixturevalue(user)).get(url(session))

    assert response.status_code == 200
    assert response.context["can_manage"] is True
    version = response.context["agenda_version"]
    assert version
    assert response.text.count(f'name="version" value="{version}"') == 3  # down, up, add
    assert "Agregar un punto" in page_text(response)
    assert reverse("agendas:point-create", args=[session.pk]) in response.text
    # The first point cannot go up nor the last one down.
    assert response.text.count(reverse("agendas:point-move", args=[first.pk])) == 2
    assert response.text.count(reverse("agendas:point-move", args=[second.pk])) == 2
    assert 'aria-label="Subir el punto 1"' not in response.text
    assert 'aria-label="Bajar el punto 2"' not in response.text
    assert 'aria-label="Bajar el punto 1"' in response.text
    for point in (first, second):
        assert reverse("agendas:point-edit", args=[point.pk]) in response.text
        assert reverse("agendas:point-delete", args=[point.pk]) in response.text


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_reads(client, secretary, session, method):
    assert getattr(signed_in(client, secretary), method)(url(session)).status_code == 405


@pytest.mark.parametrize(("points", "documents"), [(1, 1), (40, 20)], ids=["small", "large"])
def test_the_number_of_queries_does_not_grow_with_the_data(
    client, secretary, committee, points, documents, django_assert_max_num_queries
):
    session = make_session(committee)
    for n in range(points):
        point = make_point(session, presenter="Secretaría técnica", description="Detalle.")
        if n < documents:
            # A stored hash: the page reads only the database, never the files.
            Document.objects.create(
                point=point, title=f"Anexo {n}", file=f"documents/x/{n}.pdf", sha256="0" * 64
            )
    signed_in(client, secretary)

    # 1 the session, 2 the user, 3-4 the user's own and group permissions (read once),
    # 5 the session with committee and institution, 6 whether the user manages it,
    # 7 the points, 8 their documents, 9 the agenda's version for the builder's forms,
    # 10 the points deferred at earlier sessions, offered to this agenda.
    with django_assert_max_num_queries(10):
        response = client.get(url(session))

    assert response.status_code == 200
    assert len(response.context["points"]) == points
    assert response.text.count('href="/documentos/') == documents
