"""The secretariat writes each point's minutes on the draft acta; approval freezes them."""

import pytest
from django.urls import reverse

from agendas.models import AgendaPoint
from agendas.services import minutes_version
from reports.services import draft_acta
from tests.factories import make_point, make_session
from tests.record import DAY, approve_at_next_session, held, messages_of, scheduled, seats
from tests.web import assert_sign_in_required, field_value, page_text, signed_in

pytestmark = pytest.mark.django_db

MINUTES = "La Secretaría Técnica presentó el avance; no hubo intervenciones."


def url(acta, point) -> str:
    return reverse("reports:acta-minutes", args=[acta.pk, point.pk])


def acta_url(acta) -> str:
    return reverse("reports:acta", args=[acta.pk])


def data(point, text=MINUTES, version=None) -> dict:
    return {
        f"punto-{point.pk}-minutes": text,
        f"punto-{point.pk}-version": minutes_version(point) if version is None else version,
    }


@pytest.fixture
def acta(committee):
    seats(committee, "Adela Ruiz", "Beatriz Soto")
    return draft_acta(held(scheduled(committee, DAY)))


@pytest.fixture
def point(acta):
    return acta.session.points.get(position=2)


def test_the_url(acta, point):
    assert url(acta, point) == f"/actas/{acta.pk}/puntos/{point.pk}/desarrollo/"


def test_it_requires_sign_in(client, acta, point):
    assert_sign_in_required(client.post(url(acta, point), data(point)), url(acta, point))


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_the_secretariat_writes_minutes(request, client, acta, point, user):
    response = signed_in(client, request.getfixturevalue(user)).post(url(acta, point), data(point))

    assert response.status_code == 404
    point.refresh_from_db()
    assert point.minutes == ""


@pytest.mark.parametrize("user", ["secretary", "alice", "manager"])
def test_the_minutes_are_saved(request, client, acta, point, user):
    response = signed_in(client, request.getfixturevalue(user)).post(url(acta, point), data(point))

    assert response.status_code == 302
    assert response.url == f"{acta_url(acta)}#punto-2"
    assert messages_of(response) == ["Se guardó el desarrollo del punto 2."]
    point.refresh_from_db()
    assert point.minutes == MINUTES
    assert MINUTES in page_text(client.get(acta_url(acta)))


def test_minutes_changed_meanwhile_are_not_overwritten(client, secretary, acta, point):
    stale = data(point, text="Mi versión.")
    AgendaPoint.objects.filter(pk=point.pk).update(minutes="Lo que escribió otra persona.")

    response = signed_in(client, secretary).post(url(acta, point), stale)

    assert response.status_code == 200
    text = page_text(response)
    assert "Otra persona modificó el desarrollo de este punto mientras usted lo editaba" in text
    # The current text shows in the acta, what was typed stays in the form.
    assert "Lo que escribió otra persona." in text
    assert field_value(response, f"id_punto-{point.pk}-minutes") == "Mi versión."
    point.refresh_from_db()
    assert point.minutes == "Lo que escribió otra persona."
    # Sent again from this page, it goes through.
    version = response.text.split(f'name="punto-{point.pk}-version" value="')[1].split('"')[0]
    again = client.post(url(acta, point), data(point, text="Mi versión.", version=version))
    assert again.status_code == 302
    point.refresh_from_db()
    assert point.minutes == "Mi versión."


def test_a_point_of_another_session_is_a_404(client, secretary, acta, committee):
    elsewhere = make_point(make_session(committee))

    response = signed_in(client, secretary).post(url(acta, elsewhere), data(elsewhere))

    assert response.status_code == 404


def test_once_approved_the_minutes_are_refused(client, secretary, acta, point):
    approve_at_next_session(acta)

    response = signed_in(client, secretary).post(url(acta, point), data(point))

    assert response.status_code == 302
    assert response.url == acta_url(acta)
    assert messages_of(response) == [
        "El acta ya fue aprobada y no se puede modificar. Para corregirla, registre una fe de "
        "erratas."
    ]
    point.refresh_from_db()
    assert point.minutes == ""


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_wrong_methods(client, secretary, acta, point, method):
    assert getattr(signed_in(client, secretary), method)(url(acta, point)).status_code == 405
