"""An informe's page: what the records say, the narrative, the PDF panel and compliance."""

import pytest
from django.urls import reverse

from agendas.services import follow_up_agreement
from reports.informes import create_informe
from tests.factories import make_membership, make_person
from tests.reports.informe_data import D, agreement, draft_informe, first_bimester, hold, presented
from tests.web import assert_sign_in_required, page_text, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(committee):
    return first_bimester(committee)


@pytest.fixture
def informe(committee, record):
    return draft_informe(
        committee,
        narrative="El comité se instaló y sesionó dos veces.",
        plans="Revisar la prueba del sistema.",
    )


def url(informe) -> str:
    return reverse("reports:informe", args=[informe.pk])


def test_it_requires_sign_in(client, informe):
    assert_sign_in_required(client.get(url(informe)), url(informe))


def test_an_outsider_gets_a_404(client, outsider, informe):
    assert signed_in(client, outsider).get(url(informe)).status_code == 404


def test_it_is_read_only(client, secretary, informe):
    assert signed_in(client, secretary).post(url(informe)).status_code == 405


def test_a_member_does_not_read_a_draft(client, member, informe):
    # Drafts are the secretariat's (committees.access); members read it once presented.
    assert signed_in(client, member).get(url(informe)).status_code == 404


def test_the_secretariat_reads_the_compiled_draft(client, secretary, committee, informe):
    response = signed_in(client, secretary).get(url(informe))

    assert response.status_code == 200
    text = page_text(response)
    assert "Primer informe de actividades" in text
    assert "periodo del 1 de noviembre de 2023 al 31 de diciembre de 2023" in text
    assert "PROYECTO" in text
    assert "El comité se instaló y sesionó dos veces." in text
    assert "Revisar la prueba del sistema." in text
    # The secretary of the fixture sits on the committee too.
    assert "SO02 Segunda sesión ordinaria 18 de diciembre de 2023 4 de 5" in text
    assert "César Ledesma Ugalde A A F 2 de 3" in text
    assert "COTAPREP/2023/SO02/A01" in text
    assert "Cuarta sesión ordinaria, 28 de febrero de 2024 (programada)" in text
    assert "Cumplimiento de la normativa" in text
    # The PDF panel and the secretariat's controls.
    assert "Documento PDF" in text
    assert "Redactar" in text


def test_the_secretariat_may_write_and_present_the_draft(client, secretary, informe, record):
    response = signed_in(client, secretary).get(url(informe))

    content = response.content.decode()
    assert reverse("reports:informe-edit", args=[informe.pk]) in content
    assert reverse("reports:informe-present", args=[informe.pk]) in content
    options = [str(p) for p in response.context["present_form"].fields["point"].queryset]
    assert options == [str(record["third"].points.get(standard="bimonthly_informe"))]
    assert "Tercera sesión ordinaria (30 de enero de 2024) — punto 5" in page_text(response)


def test_a_presented_informe_is_read_only(client, secretary, informe, record):
    presented(informe, record["third"])

    response = signed_in(client, secretary).get(url(informe))

    text = page_text(response)
    assert "Presentado en la tercera sesión ordinaria, punto 5, el 30 de enero de 2024." in text
    assert "PROYECTO" not in text
    assert reverse("reports:informe-edit", args=[informe.pk]) not in response.content.decode()
    assert response.context["present_form"] is None


def test_what_people_typed_is_escaped(client, secretary, committee, record):
    make_membership(committee, person=make_person(name="Ana <script>alert(1)</script> Ruiz"))
    informe = draft_informe(committee, narrative="<b>Negritas</b>")

    content = signed_in(client, secretary).get(url(informe)).content.decode()

    assert "Ana &lt;script&gt;alert(1)&lt;/script&gt; Ruiz" in content
    assert "&lt;b&gt;Negritas&lt;/b&gt;" in content
    assert "<script>alert(1)" not in content


def test_the_final_informe_page(client, secretary, committee, record):
    closing = hold(committee, D(2024, 6, 30), role="closing")
    final = create_informe(
        committee, kind="final", period_start=D(2023, 11, 1), period_end=D(2024, 6, 30)
    )

    text = page_text(signed_in(client, secretary).get(url(final)))

    assert "Informe final de actividades" in text
    assert "Integración y fundamento legal" in text
    assert "Sesiones y reuniones por tipo" in text
    assert "Actas de las sesiones" in text
    assert "Calendario de sesiones como se celebró" in text
    assert f"{closing.title} (30 de junio de 2024) — punto" in text


def test_its_queries_do_not_grow_with_the_record(
    client, secretary, committee, record, informe, django_assert_max_num_queries
):
    # One of each kind of record first (the compliance checks skip what is absent)…
    first = hold(committee, D(2023, 12, 1), kind="extraordinary")
    follow_up_agreement(agreement(first), note="Avance.", date=D(2023, 12, 2))
    signed_in(client, secretary)
    with django_assert_max_num_queries(60) as captured:
        client.get(url(informe))
    baseline = len(captured)
    # …then many more.
    for day in range(2, 12):
        make_membership(committee, person=make_person(name=f"Persona {day}"))
        session = hold(committee, D(2023, 12, day), kind="extraordinary")
        follow_up_agreement(agreement(session), note="Avance.", date=D(2023, 12, 20))

    with django_assert_max_num_queries(baseline):
        response = client.get(url(informe))

    assert "Persona 11" in page_text(response)
