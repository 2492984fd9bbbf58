"""The acta page: a draft read from the record (marked PROYECTO), an approved one frozen."""

import datetime

import pytest
from django.urls import reverse

from agendas.models import AgendaPoint
from agendas.services import adopt_agreement, cast_vote
from committees.models import Membership
from reports.models import Acta, ActaErratum, ActaObservation
from reports.services import draft_acta
from sessions.models import Attendance, Session
from sessions.services import close_session, open_session
from tests.factories import make_agreement, make_membership, make_person, make_point, make_vote
from tests.factories import make_session as make_bare_session
from tests.record import approve_at_next_session, at, attend, scheduled, seats
from tests.tamper import tamper
from tests.web import assert_sign_in_required, page_text, seat, signed_in

pytestmark = pytest.mark.django_db

FEBRUARY_20 = datetime.date(2024, 2, 20)


def url(acta) -> str:
    return reverse("reports:acta", args=[acta.pk])


@pytest.fixture
def acta(committee, member, secretary):
    """
    The draft acta of the session of 20 February 2024: Adela, Beatriz and the member
    present, Carmen absent, the secretary present, a guest remote; the agenda voted
    unanimously with an agreement; the progress point's minutes written.
    """
    adela, beatriz, carmen = seats(committee, "Adela Ruiz", "Beatriz Soto", "Carmen Díaz")
    (guest,) = seats(committee, "Gabriela Invitada", role=Membership.Role.GUEST)
    session = scheduled(committee, FEBRUARY_20, place="Sala del Consejo")
    attend(session, [adela, seat(member), seat(secretary)])
    attend(session, [beatriz])
    Attendance.objects.filter(membership=beatriz).update(arrival_time="11:05")
    attend(session, [carmen], Attendance.Status.ABSENT)
    attend(session, [guest], Attendance.Status.REMOTE)
    open_session(session, started_at=datetime.time(11))
    agenda = session.points.get(position=1)
    for membership in (adela, beatriz, seat(member)):
        cast_vote(agenda, membership, "for")
    adopt_agreement(agenda, text="Se aprueba el orden del día.")
    session.points.filter(position=2).update(minutes="La Secretaría Técnica presentó el avance.")
    close_session(session, ended_at=datetime.time(13, 30))
    return draft_acta(session)


def test_the_url(acta):
    assert url(acta) == f"/actas/{acta.pk}/"


def test_it_requires_sign_in(client, acta):
    assert_sign_in_required(client.get(url(acta)), url(acta))


@pytest.mark.parametrize("user", ["outsider", "guest", "representative"])
def test_who_cannot_see_the_session_gets_a_404(request, client, acta, user):
    assert signed_in(client, request.getfixturevalue(user)).get(url(acta)).status_code == 404


def test_an_invited_guest_does_not_read_the_draft(client, guest, acta):
    # An acta in preparation is for the secretariat and the members who review it
    # (committees.access); the guest reads the session, not the draft.
    acta.session.invitations.add(seat(guest))
    signed_in(client, guest)

    assert client.get(reverse("sessions:detail", args=[acta.session.pk])).status_code == 200
    assert client.get(url(acta)).status_code == 404


def test_a_draft_reads_the_record_and_is_marked_proyecto(client, member, acta):
    response = signed_in(client, member).get(url(acta))

    assert response.status_code == 200
    text = page_text(response)
    assert "PROYECTO Proyecto de acta: refleja el registro de la sesión" in text
    assert (
        "Acta Primera sesión ordinaria Comité Técnico Asesor del Programa de Resultados "
        "Electorales Preliminares (COTAPREP)"
    ) in text
    assert (
        "Sesión Primera sesión ordinaria Tipo Sesión ordinaria Fecha 20 de febrero de 2024 "
        "Lugar Sala del Consejo Inicio 11:00 h Clausura 13:30 h Secretaría técnica Secretaria"
    ) in text
    assert (
        "Quórum declarado a las 11:00 h: 3 integrantes con voto presentes; se requerían 3."
    ) in text
    assert (
        "Integrantes (voz y voto) Nombre Asistencia Llegada Adela Ruiz Presente — "
        "Beatriz Soto Presente 11:05 Carmen Díaz Ausente — Integrante Presente — "
        "Secretaría técnica (voz) Nombre Asistencia Llegada Secretaria Presente — "
        "Persona invitada (voz) Nombre Asistencia Llegada Gabriela Invitada A distancia —"
    ) in text
    assert (
        "1. Lectura y aprobación del orden del día Para aprobación Sin desarrollo registrado. "
        "Votación: Aprobado por unanimidad Votación nominal del punto 1 Integrante Sentido "
        "Adela Ruiz A favor "
        "Beatriz Soto A favor Integrante A favor "
        "Acuerdos COTAPREP/2024/SO01/A01: Se aprueba el orden del día."
    ) in text
    assert "La Secretaría Técnica presentó el avance." in text
    assert "Firmas Adela Ruiz Beatriz Soto Integrante Secretaria Observaciones" in text
    assert "Fe de erratas" not in text
    # Members read; the minutes are the secretariat's to write.
    assert "Editar el desarrollo" not in text
    assert "Hacer una observación" in text


def test_the_secretariat_edits_the_minutes_of_each_point_while_draft(client, secretary, acta):
    response = signed_in(client, secretary).get(url(acta))

    text = page_text(response)
    points = acta.session.points.order_by("position")
    assert text.count("Editar el desarrollo del punto") == points.count()
    for point in points:
        assert reverse("reports:acta-minutes", args=[acta.pk, point.pk]) in response.text
    assert 'id="id_punto-' in response.text
    assert "La Secretaría Técnica presentó el avance.</textarea>" in response.text


@pytest.mark.parametrize("user", ["alice", "manager"])
def test_those_who_manage_without_a_seat_edit_but_do_not_observe(request, client, acta, user):
    text = page_text(signed_in(client, request.getfixturevalue(user)).get(url(acta)))

    assert "Editar el desarrollo del punto 1" in text
    assert "Hacer una observación" not in text


def test_an_approved_acta_reads_the_frozen_content_not_the_record(client, member, acta):
    approve_at_next_session(acta)
    session = acta.session
    # Only someone past the seal (straight to the database) could change the record now.
    tamper(session.points.filter(position=2), minutes="Cambiado después de aprobar.")
    tamper(session.points.filter(position=1), title="Título cambiado después")
    tamper(Attendance.objects.filter(membership__person__name="Carmen Díaz"), status="present")

    response = signed_in(client, member).get(url(acta))

    text = page_text(response)
    assert "PROYECTO" not in text
    assert (
        "Aprobación Aprobada en Segunda sesión ordinaria, punto 2 Fecha 19 de marzo de 2024 "
        "Votación Aprobado por unanimidad"
    ) in text
    assert "La Secretaría Técnica presentó el avance." in text
    assert "Cambiado después de aprobar." not in text
    assert "1. Lectura y aprobación del orden del día" in text
    assert "Título cambiado después" not in text
    assert "Carmen Díaz Ausente" in text
    assert "Fe de erratas No hay correcciones registradas." in text
    assert "Hacer una observación" not in text


def test_an_approved_acta_offers_the_fe_de_erratas_to_the_secretariat_only(
    client, member, secretary, acta
):
    approve_at_next_session(acta)
    ActaErratum.objects.create(acta=acta, text="Dice «Beatriz»; debe decir «Beatriz Eugenia».")

    as_member = page_text(signed_in(client, member).get(url(acta)))
    as_secretary = signed_in(client, secretary).get(url(acta))

    assert "Dice «Beatriz»; debe decir «Beatriz Eugenia»." in as_member
    assert "Registrar fe de erratas" not in as_member
    assert "Registrar fe de erratas" in page_text(as_secretary)
    assert "Editar el desarrollo" not in page_text(as_secretary)
    assert reverse("reports:acta-erratum", args=[acta.pk]) in as_secretary.text


def test_observations_are_shown_to_every_reader(client, member, acta):
    point = acta.session.points.get(position=2)
    ActaObservation.objects.create(
        acta=acta, author=make_person(name="Adela Ruiz"), text="Precisar el avance.", point=point
    )

    text = page_text(signed_in(client, member).get(url(acta)))

    assert "Adela Ruiz ·" in text
    assert "· sobre el punto 2 Precisar el avance." in text


def test_a_tie_in_the_acta_is_flagged(client, member, committee):
    session = make_bare_session(
        committee, status=Session.Status.HELD, opened_at=at(FEBRUARY_20, 11)
    )
    point = make_point(session, title="Aprobación del PTO")
    for sense in ("for", "against"):
        make_vote(point, make_membership(committee), sense)
    acta = Acta.objects.create(session=session)

    text = page_text(signed_in(client, member).get(url(acta)))

    assert "Votación: Empate Empate. La votación no decide el punto" in text


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_reads(client, member, acta, method):
    assert getattr(signed_in(client, member), method)(url(acta)).status_code == 405


@pytest.mark.parametrize(("points", "members"), [(1, 1), (12, 5)], ids=["small", "large"])
def test_the_number_of_queries_does_not_grow_with_the_record(
    client, secretary, committee, points, members, django_assert_max_num_queries
):
    session = make_bare_session(
        committee,
        date=FEBRUARY_20,
        status=Session.Status.HELD,
        opened_at=at(FEBRUARY_20, 11),
        closed_at=at(FEBRUARY_20, 13),
        quorum_present=members,
        quorum_required=members // 2 + 1,
    )
    voters = [
        make_membership(committee, person=make_person(name=f"Integrante {n}"))
        for n in range(members)
    ]
    (representative,) = seats(
        committee, "Representación", role=Membership.Role.PARTY_REPRESENTATIVE
    )
    attend(session, [*voters, seat(secretary), representative])
    acta = Acta.objects.create(session=session)
    for n in range(points):
        point = make_point(session, minutes=f"Desarrollo {n}", kind=AgendaPoint.Kind.APPROVAL)
        for voter in voters:
            make_vote(point, voter)
        make_agreement(point, number=f"COTAPREP/2024/SO01/A{n:02d}")
        ActaObservation.objects.create(
            acta=acta, author=voters[0].person, text=f"Observación {n}", point=point
        )
    signed_in(client, secretary)

    # 1 the session, 2 the user, 3-4 permissions, 5 the acta with session, committee and
    # institution, 6 whether the user manages it, 7 the attendance, 8 the points, 9 their
    # votes, 10 their agreements, 11 the points for the forms, 12 who may observe,
    # 13 the observations, 14 whether a later session approves it (or it may circulate).
    with django_assert_max_num_queries(14):
        response = client.get(url(acta))

    assert page_text(response).count("Editar el desarrollo del punto") == points
    assert page_text(response).count("Observación ") == points
