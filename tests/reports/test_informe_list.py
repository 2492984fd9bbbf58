"""The list of a committee's informes, linked from the committee's page."""

import pytest
from django.urls import reverse

from tests.factories import make_committee
from tests.reports.informe_data import D, draft_informe, first_bimester, presented
from tests.web import assert_sign_in_required, page_text, signed_in

pytestmark = pytest.mark.django_db


def url(committee) -> str:
    return reverse("reports:informes", args=[committee.slug])


def test_the_url():
    assert url(make_committee(slug="cotaprep-2024")) == "/organos/cotaprep-2024/informes/"


def test_it_requires_sign_in(client, committee):
    assert_sign_in_required(client.get(url(committee)), url(committee))


def test_an_outsider_gets_a_404(client, outsider, committee):
    assert signed_in(client, outsider).get(url(committee)).status_code == 404


def test_it_is_read_only(client, secretary, committee):
    assert signed_in(client, secretary).post(url(committee)).status_code == 405


def test_a_member_sees_the_informes_without_the_button_to_create_one(client, member, committee):
    record = first_bimester(committee)
    presented(draft_informe(committee), record["third"])
    draft_informe(committee, number=2, start=D(2024, 1, 1), end=D(2024, 2, 29))

    response = signed_in(client, member).get(url(committee))

    assert response.status_code == 200
    text = page_text(response)
    assert f"Informes del {committee.short_name}" in text
    assert (
        "Primer informe de actividades Del 1 de noviembre de 2023 al 31 de diciembre de 2023 "
        "Presentado Tercera sesión ordinaria, 30 de enero de 2024"
    ) in text
    # The draft of the second is the secretariat's alone.
    assert "Segundo informe de actividades" not in text
    assert "Nuevo informe" not in text


def test_the_secretariat_may_create_one(client, secretary, committee):
    response = signed_in(client, secretary).get(url(committee))

    assert "El órgano aún no tiene informes." in page_text(response)
    assert reverse("reports:informe-create", args=[committee.slug]) in response.content.decode()


def test_the_committee_page_links_the_informes(client, member, committee):
    response = signed_in(client, member).get(reverse("committees:detail", args=[committee.slug]))

    assert url(committee) in response.content.decode()


def test_its_queries_do_not_grow_with_the_informes(
    client, secretary, committee, django_assert_max_num_queries
):
    record = first_bimester(committee)
    signed_in(client, secretary)
    presented(draft_informe(committee), record["third"])
    with django_assert_max_num_queries(12) as captured:
        client.get(url(committee))
    few = len(captured)
    for number in range(2, 8):  # one-day periods from January to June 2024
        start = D(2024, number - 1, 1)
        draft_informe(committee, number=number, start=start, end=start)

    with django_assert_max_num_queries(few):
        response = client.get(url(committee))

    assert "Séptimo informe de actividades" in page_text(response)
