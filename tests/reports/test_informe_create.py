"""A new informe: the form proposes the next number and period; bad input is explained."""

import pytest
from django.urls import reverse

from reports.models import Informe
from tests.reports.informe_data import D, draft_informe
from tests.web import assert_sign_in_required, field_error, field_value, page_text, signed_in

pytestmark = pytest.mark.django_db

VALID = {
    "kind": "bimonthly",
    "number": "1",
    "period_start": "2023-11-01",
    "period_end": "2023-12-31",
}


def url(committee) -> str:
    return reverse("reports:informe-create", args=[committee.slug])


def test_it_requires_sign_in(client, committee):
    assert_sign_in_required(client.get(url(committee)), url(committee))
    assert_sign_in_required(client.post(url(committee), VALID), url(committee))


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_the_secretariat_creates_informes(request, client, committee, user):
    signed_in(client, request.getfixturevalue(user))

    assert client.get(url(committee)).status_code == 404
    assert client.post(url(committee), VALID).status_code == 404
    assert not Informe.objects.exists()


def test_it_refuses_other_methods(client, secretary, committee):
    assert signed_in(client, secretary).put(url(committee)).status_code == 405


def test_the_form_proposes_the_next_informe(client, secretary, committee):
    draft_informe(committee)

    response = signed_in(client, secretary).get(url(committee))

    assert response.status_code == 200
    assert field_value(response, "id_kind") == "bimonthly"
    assert field_value(response, "id_number") == "2"
    assert field_value(response, "id_period_start") == "2024-01-01"
    assert field_value(response, "id_period_end") == "2024-02-29"
    text = page_text(response)
    assert (
        "Se propone el informe bimestral número 2, del 1 de enero de 2024 al 29 de febrero" in text
    )
    assert "El informe final abarca todo el encargo: del 1 de noviembre de 2023 al 30 de junio" in (
        text
    )


def test_the_secretariat_creates_a_draft(client, secretary, committee):
    response = signed_in(client, secretary).post(url(committee), VALID, follow=True)

    informe = Informe.objects.get()
    assert response.redirect_chain == [(reverse("reports:informe", args=[informe.pk]), 302)]
    assert (informe.kind, informe.number, informe.status) == ("bimonthly", 1, "draft")
    assert (informe.period_start, informe.period_end) == (D(2023, 11, 1), D(2023, 12, 31))
    assert "Se creó el proyecto del Primer informe de actividades." in page_text(response)


def test_the_final_informe(client, secretary, committee):
    signed_in(client, secretary).post(
        url(committee), {**VALID, "kind": "final", "period_end": "2024-06-30"}
    )

    informe = Informe.objects.get()
    assert (informe.kind, informe.number) == ("final", None)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": ""}, "id_kind", "Elija el tipo de informe."),
        ({"kind": "mensual"}, "id_kind", "Elija el tipo de informe: bimestral o final."),
        ({"number": "dos"}, "id_number", "Escriba el número del informe con cifras, p. ej. 2."),
        ({"number": "0"}, "id_number", "Los informes bimestrales se numeran a partir de 1."),
        ({"period_start": ""}, "id_period_start", "Indique el inicio del periodo."),
        (
            {"period_start": "31/02/2024"},
            "id_period_start",
            "Escriba una fecha válida (día, mes y año).",
        ),
        (
            {"period_end": "2023-10-31"},
            "id_period_end",
            "El fin del periodo no puede ser anterior a su inicio.",
        ),
        (
            {"period_start": "2023-10-01", "period_end": "2023-10-31"},
            "id_period_start",
            "El periodo no puede empezar antes de la instalación del órgano "
            "(1 de noviembre de 2023).",
        ),
        (
            {"period_end": "2024-01-31"},
            "id_period_end",
            "Un informe bimestral abarca a lo más dos meses del calendario; este periodo va "
            "del 1 de noviembre de 2023 al 31 de enero de 2024.",
        ),
    ],
)
def test_bad_input_is_explained_and_kept(client, secretary, committee, data, field, message):
    posted = {**VALID, **data}

    response = signed_in(client, secretary).post(url(committee), posted)

    assert response.status_code == 200
    assert field_error(response, field) == message
    name = field.removeprefix("id_")
    if name != "kind":
        assert field_value(response, field) == posted[name]
    assert not Informe.objects.exists()


def test_a_number_already_taken_is_explained(client, secretary, committee):
    draft_informe(committee)

    response = signed_in(client, secretary).post(
        url(committee), {**VALID, "period_start": "2024-01-01", "period_end": "2024-02-29"}
    )

    assert field_error(response, "id_number") == (
        "Ya existe el Primer informe de actividades de este órgano."
    )
    assert field_value(response, "id_period_start") == "2024-01-01"
    assert Informe.objects.count() == 1


def test_a_second_final_informe_is_refused(client, secretary, committee):
    final = {**VALID, "kind": "final", "period_end": "2024-06-30"}
    signed_in(client, secretary).post(url(committee), final)

    response = client.post(url(committee), final)

    assert field_error(response, "id_kind") == "Este órgano ya tiene su informe final."
    assert field_value(response, "id_kind") == "final"
    assert Informe.objects.count() == 1
