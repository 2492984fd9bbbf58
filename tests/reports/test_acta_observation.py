"""Members and the secretary make observations on a draft acta, general or on a point."""

import pytest
from django.urls import reverse

from reports.models import ActaObservation
from reports.services import draft_acta
from tests.record import DAY, approve_at_next_session, held, messages_of, scheduled, seats
from tests.web import assert_sign_in_required, field_error, field_value, page_text, seat, signed_in

pytestmark = pytest.mark.django_db

TEXT = "Precisar que el ente auditor presentó su informe."


def url(acta) -> str:
    return reverse("reports:acta-observation", args=[acta.pk])


def acta_url(acta) -> str:
    return reverse("reports:acta", args=[acta.pk])


@pytest.fixture
def acta(committee):
    seats(committee, "Adela Ruiz", "Beatriz Soto")
    return draft_acta(held(scheduled(committee, DAY)))


def test_the_url(acta):
    assert url(acta) == f"/actas/{acta.pk}/observaciones/"


def test_it_requires_sign_in(client, acta):
    assert_sign_in_required(client.post(url(acta), {"text": TEXT}), url(acta))
    assert not ActaObservation.objects.exists()


@pytest.mark.parametrize("user", ["outsider", "representative", "guest", "alice", "manager"])
def test_only_members_and_the_secretary_observe(request, client, acta, user):
    someone = request.getfixturevalue(user)
    if user == "guest":
        # Invited, the guest still neither reads the draft nor observes it.
        acta.session.invitations.add(seat(someone))
        assert signed_in(client, someone).get(acta_url(acta)).status_code == 404

    response = signed_in(client, someone).post(url(acta), {"text": TEXT})

    assert response.status_code == 404
    assert not ActaObservation.objects.exists()


@pytest.mark.parametrize("user", ["member", "secretary"])
def test_a_general_observation(request, client, acta, user):
    someone = request.getfixturevalue(user)

    response = signed_in(client, someone).post(url(acta), {"text": TEXT, "point": ""})

    assert response.status_code == 302
    assert response.url == f"{acta_url(acta)}#observaciones"
    assert messages_of(response) == ["Se registró su observación al proyecto de acta."]
    observation = ActaObservation.objects.get()
    assert (observation.author, observation.text, observation.point) == (
        someone.person,
        TEXT,
        None,
    )
    text = page_text(client.get(acta_url(acta)))
    assert f"{someone.person.full_name} ·" in text
    assert f"· general {TEXT}" in text


def test_an_observation_on_a_point(client, member, acta):
    point = acta.session.points.get(position=2)

    signed_in(client, member).post(url(acta), {"text": TEXT, "point": point.pk})

    assert ActaObservation.objects.get().point == point
    assert f"· sobre el punto 2 {TEXT}" in page_text(client.get(acta_url(acta)))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"text": "  ", "point": "first"}, "id_text", "Escriba la observación."),
        (
            {"text": TEXT, "point": "999999"},
            "id_point",
            "Seleccione una opción válida. 999999 no es una de las opciones disponibles.",
        ),
    ],
    ids=["no-text", "unknown-point"],
)
def test_bad_input_is_explained_and_nothing_is_saved(client, member, acta, data, field, message):
    if data["point"] == "first":
        data["point"] = str(acta.session.points.get(position=1).pk)

    response = signed_in(client, member).post(url(acta), data)

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert not ActaObservation.objects.exists()
    if data["text"].strip():
        assert field_value(response, "id_text") == TEXT
    else:
        assert field_value(response, "id_point") == data["point"]


def test_an_approved_acta_takes_no_more_observations(client, member, acta):
    approve_at_next_session(acta)

    response = signed_in(client, member).post(url(acta), {"text": TEXT})

    assert response.status_code == 302
    assert messages_of(response) == ["El acta ya fue aprobada; ya no recibe observaciones."]
    assert not ActaObservation.objects.exists()


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_wrong_methods(client, member, acta, method):
    assert getattr(signed_in(client, member), method)(url(acta)).status_code == 405
