"""The history pages of a session, an agreement and an acta: who changed what, and when."""

import datetime

import pytest
from django.urls import reverse

from agendas.models import AgendaPoint
from agendas.services import adopt_agreement, point_version
from committees.models import Membership
from reports.services import draft_acta
from sessions.models import Session
from tests.factories import make_committee, make_open_session, make_point
from tests.record import DAY, held, opened, scheduled, seats
from tests.web import assert_sign_in_required, make_user_with_seat, page_text, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee():
    return make_committee()


@pytest.fixture
def secretary(django_user_model, committee):
    return make_user_with_seat(
        django_user_model, committee, Membership.Role.TECHNICAL_SECRETARY, "secretaria"
    )


@pytest.fixture
def member(django_user_model, committee):
    return make_user_with_seat(django_user_model, committee, Membership.Role.MEMBER, "integrante")


@pytest.fixture
def guest(django_user_model, committee):
    return make_user_with_seat(django_user_model, committee, Membership.Role.GUEST, "invitada")


@pytest.fixture
def outsider(django_user_model):
    return make_user_with_seat(
        django_user_model, make_committee(), Membership.Role.TECHNICAL_SECRETARY, "ajena"
    )


@pytest.fixture
def session(committee):
    return make_open_session(committee, date=DAY, place="Sala A")


@pytest.fixture
def agreement(session):
    return adopt_agreement(make_point(session), text="Revisar el PTO.")


@pytest.fixture
def acta(committee):
    seats(committee, "Adela Ruiz")
    return draft_acta(held(scheduled(committee, datetime.date(2024, 2, 20))))


def history_urls(session, agreement, acta) -> list[str]:
    return [
        reverse("agendas:session-history", args=[session.pk]),
        reverse("agendas:agreement-history", args=[agreement.pk]),
        reverse("reports:acta-history", args=[acta.pk]),
    ]


def test_the_urls(session, agreement, acta):
    assert history_urls(session, agreement, acta) == [
        f"/sesiones/{session.pk}/historial/",
        f"/acuerdos/{agreement.pk}/historial/",
        f"/actas/{acta.pk}/historial/",
    ]


def test_they_require_sign_in(client, session, agreement, acta):
    for url in history_urls(session, agreement, acta):
        assert_sign_in_required(client.get(url), url)


def test_someone_without_a_seat_gets_a_404(client, outsider, session, agreement, acta):
    signed_in(client, outsider)
    for url in history_urls(session, agreement, acta):
        assert client.get(url).status_code == 404


def test_a_guest_sees_only_what_they_are_invited_to(client, guest, session, agreement, acta):
    signed_in(client, guest)
    for url in history_urls(session, agreement, acta):
        assert client.get(url).status_code == 404

    session.invitations.add(guest.person.memberships.get())
    acta.session.invitations.add(guest.person.memberships.get())
    session_url, agreement_url, acta_url = history_urls(session, agreement, acta)
    assert client.get(session_url).status_code == 200
    assert client.get(agreement_url).status_code == 200
    # The acta is still a draft: the secretariat's and the members' alone.
    assert client.get(acta_url).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_they_only_read(client, member, session, agreement, acta, method):
    signed_in(client, member)
    for url in history_urls(session, agreement, acta):
        assert getattr(client, method)(url).status_code == 405


def test_the_session_history_lists_a_change_with_its_user(client, secretary, member, session):
    session.place = "Sala B del Consejo"
    session._history_user = secretary
    session.save()

    response = signed_in(client, member).get(reverse("agendas:session-history", args=[session.pk]))

    assert response.status_code == 200
    text = page_text(response)
    assert (
        "Secretaria Sesión: Datos de la sesión Modificación Lugar: Sala A → Sala B del Consejo"
    ) in text
    assert "Sin usuario registrado Sesión: Datos de la sesión Creación" in text
    assert text.index("Modificación") < text.index("Creación")  # newest first


def test_the_session_history_lists_the_agenda_changes_made_on_the_pages(
    client, secretary, member, session
):
    point = make_point(session, title="Informe del PREP", kind=AgendaPoint.Kind.INFORMATIVE)
    point.refresh_from_db()
    signed_in(client, secretary)

    response = client.post(
        reverse("agendas:point-edit", args=[point.pk]),
        {
            "title": "Informe del PREP y sus simulacros",
            "kind": "informative",
            "presenter": "",
            "description": "",
            "version": point_version(point),
        },
    )

    assert response.status_code == 302
    text = page_text(
        signed_in(client, member).get(reverse("agendas:session-history", args=[session.pk]))
    )

    assert (
        "Secretaria Punto del orden del día: 1. Informe del PREP y sus simulacros Modificación "
        "Título: Informe del PREP → Informe del PREP y sus simulacros"
    ) in text


def test_the_agreement_history_shows_the_status_set_by_a_follow_up(
    client, secretary, member, agreement
):
    signed_in(client, secretary).post(
        reverse("agendas:agreement-follow-up", args=[agreement.pk]),
        {"date": "2024-03-25", "note": "Listo.", "new_status": "done"},
    )

    text = page_text(
        signed_in(client, member).get(reverse("agendas:agreement-history", args=[agreement.pk]))
    )

    assert "Secretaria Modificación Estado: Pendiente → Cumplido" in text


def test_the_acta_history_shows_its_approval(client, secretary, member, committee, acta):
    second = opened(scheduled(committee, DAY))
    point = second.points.get(standard=AgendaPoint.Standard.PREVIOUS_ACTA)
    voters = committee.memberships.with_vote()
    signed_in(client, secretary).post(
        reverse("agendas:point-votes", args=[point.pk]),
        {f"voto_{membership.pk}": "for" for membership in voters},
    )

    text = page_text(signed_in(client, member).get(reverse("reports:acta-history", args=[acta.pk])))

    assert "Secretaria Modificación" in text
    assert "Estado: Proyecto → Aprobada" in text
    assert "Aprobada el: — → 19/03/2024" in text
    assert f"Aprobada en el punto: — → {point}" in text


@pytest.mark.parametrize("changes", [3, 150], ids=["small", "large"])
def test_the_number_of_queries_does_not_grow_with_the_history(
    client, secretary, session, committee, changes, django_assert_max_num_queries
):
    point = make_point(session)
    for n in range(changes):
        session.place = f"Sala {n}"
        session.status = list(Session.Status)[n % 3]
        session._history_user = secretary
        session.save()
        point.title = f"Título {n}"
        point._history_user = secretary
        point.save()
    signed_in(client, secretary)

    # 1 the session, 2 the user, 3-4 permissions, 5 the session, then one query per kind of
    # record, each with its users and their people: 6 the session's history, 7 the points',
    # 8 attendance, 9 votes, 10 documents, 11 agreements, 12 the acta, 13 its observations,
    # 14 the answers to its circulation, 15 its errata.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("agendas:session-history", args=[session.pk]))

    # One timeline: the session's and the point's changes (each saved once), newest first.
    entries = response.context["entries"]
    assert len(entries) == min(2 * (changes + 1), 100)
    assert entries == sorted(entries, key=lambda entry: (entry.date, entry.order), reverse=True)
    assert ("Se muestran los 100 cambios más recientes." in page_text(response)) == (
        2 * (changes + 1) > 100
    )


@pytest.mark.parametrize("changes", [3, 150], ids=["small", "large"])
def test_the_agreement_history_is_bounded_too(
    client, member, agreement, committee, changes, django_assert_max_num_queries
):
    people = [membership.person for membership in committee.memberships.all()]
    for n in range(changes):
        agreement.responsible = people[n % len(people)]
        agreement.status = ["pending", "in_progress"][n % 2]
        agreement.save()
    signed_in(client, member)

    # 1-4 the session, user and permissions, 5 the agreement, 6 its history, 7 the people
    # named in the changes of responsible.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("agendas:agreement-history", args=[agreement.pk]))

    assert len(response.context["entries"]) == min(changes + 1, 100)
