"""Registering an agreement adopted under a point of an opened or held session."""

import datetime

import pytest
from django.urls import reverse

from agendas.models import Agreement
from reports.services import draft_acta
from sessions.seal import SEALED_MESSAGE
from tests.factories import make_membership, make_person, make_point
from tests.record import (
    DAY,
    approve_at_next_session,
    convened,
    held,
    messages_of,
    opened,
    scheduled,
    seats,
)
from tests.web import assert_sign_in_required, field_error, field_value, page_text, signed_in

pytestmark = pytest.mark.django_db

TEXT = "Se aprueba el Proceso Técnico Operativo del PREP."


def url(point) -> str:
    return reverse("agendas:agreement-create", args=[point.pk])


def session_url(session) -> str:
    return reverse("sessions:detail", args=[session.pk])


@pytest.fixture
def session(committee):
    session = convened(committee)
    seats(committee, "Adela Ruiz", "Beatriz Soto")
    return opened(session)


@pytest.fixture
def point(session):
    return make_point(session, title="Aprobación del Proceso Técnico Operativo")


@pytest.fixture
def adela(session):
    return session.committee.memberships.get(person__name="Adela Ruiz").person


def test_the_url(point):
    assert url(point) == f"/puntos/{point.pk}/acuerdos/nuevo/"


def test_it_requires_sign_in(client, point):
    assert_sign_in_required(client.get(url(point)), url(point))
    assert_sign_in_required(client.post(url(point), {"text": TEXT}), url(point))
    assert not Agreement.objects.exists()


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_the_secretariat_registers_agreements(request, client, point, user):
    signed_in(client, request.getfixturevalue(user))

    assert client.get(url(point)).status_code == 404
    assert client.post(url(point), {"text": TEXT}).status_code == 404
    assert not Agreement.objects.exists()


@pytest.mark.parametrize("user", ["secretary", "alice", "manager"])
def test_the_form_offers_the_people_of_the_committee(request, client, point, user):
    make_membership(person=make_person(name="Persona de Otro Órgano"))

    response = signed_in(client, request.getfixturevalue(user)).get(url(point))

    assert response.status_code == 200
    text = page_text(response)
    assert "Punto 1: Aprobación del Proceso Técnico Operativo" in text
    assert "Adela Ruiz" in text
    assert "Beatriz Soto" in text
    assert "Persona de Otro Órgano" not in text
    assert "— Sin responsable —" in text


def test_it_registers_the_agreement_numbered_by_the_pattern(
    client, secretary, session, point, adela
):
    data = {"text": TEXT, "responsible": adela.pk, "due_date": "2024-04-30"}

    response = signed_in(client, secretary).post(url(point), data)

    assert response.status_code == 302
    assert response.url == f"{session_url(session)}#punto-{point.pk}"
    agreement = Agreement.objects.get()
    assert messages_of(response) == [f"Se registró el acuerdo {agreement.number}."]
    assert agreement.number == "COTAPREP/2024/SO01/A01"
    assert (agreement.point, agreement.text, agreement.responsible) == (point, TEXT, adela)
    assert agreement.due_date == datetime.date(2024, 4, 30)
    assert agreement.status == Agreement.Status.PENDING
    # The session page shows it under its point, with a link to its page.
    page = client.get(session_url(session))
    assert (f"Acuerdos COTAPREP/2024/SO01/A01: {TEXT} (responsable: Adela Ruiz)") in page_text(page)
    assert reverse("agendas:agreement", args=[agreement.pk]) in page.text


def test_a_held_session_takes_agreements_too(client, secretary, session, point):
    held(session)

    response = signed_in(client, secretary).post(url(point), {"text": TEXT})

    assert response.status_code == 302
    assert Agreement.objects.get().responsible is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"text": "   "}, "id_text", "Escriba el texto del acuerdo."),
        (
            {"text": TEXT, "responsible": "other"},
            "id_responsible",
            "Elija a una persona que forme parte del órgano.",
        ),
        (
            {"text": TEXT, "due_date": "2024-03-18"},
            "id_due_date",
            "La fecha compromiso no puede ser anterior a la sesión (19/03/2024).",
        ),
        ({"text": TEXT, "due_date": "2024-02-31"}, "id_due_date", "Introduzca una fecha válida."),
    ],
    ids=["no-text", "outsider-responsible", "due-before-session", "bad-date"],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    client, secretary, point, adela, data, field, message
):
    if data.get("responsible") == "other":
        data["responsible"] = make_membership(person=make_person()).person.pk
    data.setdefault("due_date", "")
    data = {**data, "due_date": data["due_date"]}

    response = signed_in(client, secretary).post(url(point), data)

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert not Agreement.objects.exists()
    if data["text"].strip():
        assert field_value(response, "id_text") == TEXT
    if data["due_date"]:
        assert field_value(response, "id_due_date") == data["due_date"]


def test_no_agreement_before_the_session_opens(client, secretary, committee):
    point = make_point(convened(committee))
    signed_in(client, secretary)

    page = client.get(url(point))
    response = client.post(url(point), {"text": TEXT})

    assert "Los acuerdos se registran en una sesión abierta o celebrada." in page_text(page)
    assert response.status_code == 200
    assert (
        'role="alert">Los acuerdos se registran en una sesión abierta o celebrada.'
    ) in response.text
    assert field_value(response, "id_text") == TEXT
    assert not Agreement.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_wrong_methods(client, secretary, point, method):
    assert getattr(signed_in(client, secretary), method)(url(point)).status_code == 405


def test_the_session_page_offers_it_once_the_session_opened(client, secretary, committee):
    session = convened(committee)
    seats(committee, "Adela Ruiz")
    point = make_point(session)
    signed_in(client, secretary)

    before = client.get(session_url(session))
    opened(session)
    after = client.get(session_url(session))

    assert url(point) not in before.text
    assert f'href="{url(point)}"' in after.text
    assert 'aria-label="Registrar acuerdo en el punto 1"' in after.text


def test_members_do_not_get_the_link(client, member, session, point):
    response = signed_in(client, member).get(session_url(session))

    assert url(point) not in response.text


def test_once_the_acta_is_approved_no_agreement_is_added(client, secretary, committee):
    seats(committee, "Adela Ruiz")
    session = held(scheduled(committee, DAY))
    approve_at_next_session(draft_acta(session))
    point = session.points.get(position=1)
    signed_in(client, secretary)

    page = client.get(url(point))
    response = client.post(url(point), {"text": TEXT})

    message = str(SEALED_MESSAGE)
    assert message in page_text(page)
    assert f'role="alert">{message}' in response.text
    assert not Agreement.objects.exists()
