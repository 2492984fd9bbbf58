"""Generating the draft acta of a held session from its page."""

import pytest
from django.urls import reverse

from reports.models import Acta
from sessions.models import Session
from tests.factories import make_session
from tests.record import DAY, at, held, messages_of, scheduled, seats
from tests.web import assert_sign_in_required, page_text, signed_in

pytestmark = pytest.mark.django_db


def url(session) -> str:
    return reverse("reports:acta-draft", args=[session.pk])


def session_url(session) -> str:
    return reverse("sessions:detail", args=[session.pk])


def acta_url(acta) -> str:
    return reverse("reports:acta", args=[acta.pk])


@pytest.fixture
def session(committee):
    seats(committee, "Adela Ruiz", "Beatriz Soto")
    return held(scheduled(committee, DAY))


def test_the_url(session):
    assert url(session) == f"/sesiones/{session.pk}/acta/"


def test_it_requires_sign_in(client, session):
    assert_sign_in_required(client.post(url(session)), url(session))
    assert not Acta.objects.exists()


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_the_secretariat_drafts_it(request, client, session, user):
    response = signed_in(client, request.getfixturevalue(user)).post(url(session))

    assert response.status_code == 404
    assert not Acta.objects.exists()


@pytest.mark.parametrize("user", ["secretary", "alice", "manager"])
def test_it_drafts_the_acta_and_opens_it(request, client, session, user):
    response = signed_in(client, request.getfixturevalue(user)).post(url(session))

    acta = Acta.objects.get()
    assert (acta.session, acta.status) == (session, Acta.Status.DRAFT)
    assert response.status_code == 302
    assert response.url == acta_url(acta)
    assert messages_of(response) == [
        "Se generó el proyecto de acta. Hasta su aprobación, refleja el registro de la "
        "sesión: asistencia, votaciones, acuerdos y el desarrollo de cada punto."
    ]


def test_a_second_request_opens_the_same_draft(client, secretary, session):
    signed_in(client, secretary).post(url(session))

    response = client.post(url(session))

    assert response.url == acta_url(Acta.objects.get())
    assert Acta.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": Session.Status.CONVENED}, "Solo se levanta el acta de una sesión celebrada."),
        (
            {"status": Session.Status.HELD, "kind": Session.Kind.WORK_MEETING},
            "Las reuniones formales de trabajo no levantan acta de sesión.",
        ),
    ],
    ids=["not-held", "work-meeting"],
)
def test_it_is_refused_when_the_session_gives_no_acta(
    client, secretary, committee, fields, message
):
    session = make_session(committee, date=DAY, **fields)

    response = signed_in(client, secretary).post(url(session))

    assert response.status_code == 302
    assert response.url == session_url(session)
    assert messages_of(response) == [message]
    assert not Acta.objects.exists()


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_wrong_methods(client, secretary, session, method):
    assert getattr(signed_in(client, secretary), method)(url(session)).status_code == 405


def test_the_session_page_offers_it_once_held(client, secretary, member, committee):
    seats(committee, "Adela Ruiz")
    session = scheduled(committee, DAY)
    signed_in(client, secretary)
    assert url(session) not in client.get(session_url(session)).text

    held(session)
    page = client.get(session_url(session))
    assert f'action="{url(session)}"' in page.text
    assert "Generar proyecto de acta" in page_text(page)

    client.post(url(session))
    page = client.get(session_url(session))
    assert "Ver el acta Proyecto" in page_text(page)
    assert acta_url(Acta.objects.get()) in page.text
    # Members are told where the acta stands, and can read it once there is one.
    member_page = signed_in(client, member).get(session_url(session))
    assert "Ver el acta Proyecto" in page_text(member_page)
    assert url(session) not in member_page.text


def test_members_are_told_when_there_is_no_acta_yet(client, member, session):
    text = page_text(signed_in(client, member).get(session_url(session)))

    assert "Acta El acta aún no se elabora." in text
    assert "Generar proyecto de acta" not in text


def test_a_session_under_way_has_no_acta_yet(client, secretary, committee):
    session = make_session(
        committee, date=DAY, status=Session.Status.CONVENED, opened_at=at(DAY, 11)
    )

    text = page_text(signed_in(client, secretary).get(session_url(session)))

    assert "El acta se elabora una vez celebrada la sesión." in text
