"""Presenting an informe at the informe point of a held session."""

import pytest
from django.urls import reverse

from reports.models import Informe
from tests.record import messages_of
from tests.reports.informe_data import D, draft_informe, first_bimester, hold, informe_point
from tests.web import assert_sign_in_required, field_error, field_value, page_text, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(committee):
    return first_bimester(committee)


@pytest.fixture
def informe(committee, record):
    return draft_informe(committee, narrative="El comité sesionó dos veces.")


@pytest.fixture
def point(record):
    return informe_point(record["third"])


def url(informe) -> str:
    return reverse("reports:informe-present", args=[informe.pk])


def test_it_requires_sign_in(client, informe, point):
    assert_sign_in_required(client.post(url(informe), {"point": point.pk}), url(informe))


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_the_secretariat_presents_it(request, client, informe, point, user):
    signed_in(client, request.getfixturevalue(user))

    assert client.post(url(informe), {"point": point.pk}).status_code == 404
    informe.refresh_from_db()
    assert informe.status == Informe.Status.DRAFT


def test_it_is_posted(client, secretary, informe):
    assert signed_in(client, secretary).get(url(informe)).status_code == 405


def test_the_secretariat_presents_it_and_it_is_archived(
    client, secretary, informe, point, django_capture_on_commit_callbacks
):
    signed_in(client, secretary)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url(informe), {"point": point.pk}, follow=True)

    assert response.redirect_chain == [(reverse("reports:informe", args=[informe.pk]), 302)]
    informe.refresh_from_db()
    assert (informe.status, informe.presented_at_point, informe.presented_on) == (
        Informe.Status.PRESENTED,
        point,
        D(2024, 1, 30),
    )
    assert len(callbacks) == 1
    assert "Se registró la presentación del Primer informe de actividades." in page_text(response)


def test_a_point_must_be_chosen(client, secretary, informe):
    response = signed_in(client, secretary).post(url(informe), {"point": ""})

    assert response.status_code == 200
    assert field_error(response, "id_point") == (
        "Elija la sesión y el punto en que se presentó el informe."
    )
    informe.refresh_from_db()
    assert informe.status == Informe.Status.DRAFT


def test_a_point_off_the_list_is_refused(client, secretary, committee, informe, record):
    planned_point = informe_point(hold(committee, D(2024, 3, 19), status="convened"))

    response = signed_in(client, secretary).post(url(informe), {"point": planned_point.pk})

    assert field_error(response, "id_point") == "Elija uno de los puntos de la lista."
    informe.refresh_from_db()
    assert informe.status == Informe.Status.DRAFT


def test_the_service_s_reason_is_shown_and_the_choice_kept(client, secretary, committee, point):
    early = draft_informe(
        committee, number=1, start=D(2024, 1, 1), end=D(2024, 2, 29), narrative="Antes."
    )

    response = signed_in(client, secretary).post(url(early), {"point": point.pk})

    assert response.status_code == 200
    assert (
        "El informe se presenta al concluir su periodo (29 de febrero de 2024); la tercera "
        "sesión ordinaria fue el 30 de enero de 2024."
    ) in page_text(response)
    assert field_value(response, "id_point") == str(point.pk)
    early.refresh_from_db()
    assert early.status == Informe.Status.DRAFT


def test_an_informe_without_narrative_is_not_presented(client, secretary, committee, point):
    blank = draft_informe(committee)

    response = signed_in(client, secretary).post(url(blank), {"point": point.pk})

    assert "Escriba la presentación del informe antes de presentarlo." in page_text(response)


def test_a_presented_informe_is_not_presented_again(client, secretary, informe, point):
    signed_in(client, secretary).post(url(informe), {"point": point.pk})

    again = client.post(url(informe), {"point": point.pk})

    assert again.status_code == 302
    assert messages_of(again)[-1] == "Este informe ya fue presentado."
