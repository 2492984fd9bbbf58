"""The sections of an informe the secretariat writes, while it is a draft."""

import pytest
from django.urls import reverse

from reports.informes import create_informe
from tests.record import messages_of
from tests.reports.informe_data import D, draft_informe, first_bimester, presented
from tests.web import assert_sign_in_required, field_value, page_text, signed_in

pytestmark = pytest.mark.django_db

TEXT = {
    "narrative": "  El comité se instaló y sesionó dos veces.  ",
    "plans": "Revisar la prueba del sistema.",
    "recommendations": "",
}


@pytest.fixture
def informe(committee):
    return draft_informe(committee)


def url(informe) -> str:
    return reverse("reports:informe-edit", args=[informe.pk])


def test_it_requires_sign_in(client, informe):
    assert_sign_in_required(client.get(url(informe)), url(informe))
    assert_sign_in_required(client.post(url(informe), TEXT), url(informe))


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_the_secretariat_writes_it(request, client, informe, user):
    signed_in(client, request.getfixturevalue(user))

    assert client.get(url(informe)).status_code == 404
    assert client.post(url(informe), TEXT).status_code == 404
    informe.refresh_from_db()
    assert informe.narrative == ""


def test_it_refuses_other_methods(client, secretary, informe):
    assert signed_in(client, secretary).delete(url(informe)).status_code == 405


def test_the_form_shows_what_is_written(client, secretary, informe):
    informe.narrative = "Lo escrito antes."
    informe.save()

    response = signed_in(client, secretary).get(url(informe))

    assert response.status_code == 200
    assert "Redactar el primer informe de actividades" in page_text(response)
    assert field_value(response, "id_narrative") == "Lo escrito antes."
    assert field_value(response, "id_plans") == ""


def test_the_secretariat_saves_the_sections(client, secretary, informe):
    response = signed_in(client, secretary).post(url(informe), TEXT, follow=True)

    assert response.redirect_chain == [(reverse("reports:informe", args=[informe.pk]), 302)]
    informe.refresh_from_db()
    assert informe.narrative == "El comité se instaló y sesionó dos veces."
    assert informe.plans == "Revisar la prueba del sistema."
    assert "Se guardaron los apartados del informe." in page_text(response)


def test_the_final_informe_has_no_plans_for_a_next_period(client, secretary, committee):
    final = create_informe(
        committee, kind="final", period_start=D(2023, 11, 1), period_end=D(2024, 6, 30)
    )

    response = signed_in(client, secretary).get(url(final))
    client.post(url(final), {**TEXT, "recommendations": "Sesionar cada mes."})

    assert "plans" not in response.context["form"].fields
    final.refresh_from_db()
    assert (final.plans, final.recommendations) == ("", "Sesionar cada mes.")


def test_a_presented_informe_is_not_edited(client, secretary, committee, informe):
    record = first_bimester(committee)
    presented(informe, record["third"])
    signed_in(client, secretary)

    shown = client.get(url(informe))
    posted = client.post(url(informe), TEXT)

    detail = reverse("reports:informe", args=[informe.pk])
    assert (shown.status_code, shown.url) == (302, detail)
    assert (posted.status_code, posted.url) == (302, detail)
    assert messages_of(posted)[-1] == "El informe ya fue presentado y no se puede modificar."
    informe.refresh_from_db()
    assert informe.narrative == "El comité sesionó."
