"""An agreement's page: what was agreed, its follow-up log, and the form to add to it."""

import datetime

import pytest
from django.urls import reverse

from agendas.models import AgendaPoint, AgreementFollowUp
from agendas.services import adopt_agreement, follow_up_agreement
from sessions.models import Session
from tests.factories import make_open_session, make_point, make_session
from tests.web import assert_sign_in_required, field_value, page_text, seat, signed_in

pytestmark = pytest.mark.django_db


def url(agreement, query: str = "") -> str:
    return reverse("agendas:agreement", args=[agreement.pk]) + query


@pytest.fixture
def agreement(committee, member):
    session = make_open_session(committee, date=datetime.date(2024, 1, 30))
    point = make_point(session, title="Aprobación del PTO")
    return adopt_agreement(
        point,
        text="Se aprueba el Proceso Técnico Operativo.",
        responsible=seat(member).person,
        due_date=datetime.date(2024, 2, 28),
    )


@pytest.fixture
def follow_up_point(committee):
    """The follow-up point of the ordinary session of 19 March 2024."""
    session = make_session(committee, date=datetime.date(2024, 3, 19))
    make_point(session, title="Lectura y aprobación del orden del día")
    return make_point(
        session,
        title="Seguimiento de acuerdos",
        kind=AgendaPoint.Kind.INFORMATIVE,
        standard=AgendaPoint.Standard.AGREEMENTS_FOLLOW_UP,
    )


def test_the_url(agreement):
    assert url(agreement) == f"/acuerdos/{agreement.pk}/"


def test_it_requires_sign_in(client, agreement):
    assert_sign_in_required(client.get(url(agreement)), url(agreement))


def test_someone_without_a_seat_gets_a_404(client, outsider, agreement):
    assert signed_in(client, outsider).get(url(agreement)).status_code == 404


def test_a_guest_sees_only_agreements_of_sessions_they_are_invited_to(client, guest, agreement):
    signed_in(client, guest)
    assert client.get(url(agreement)).status_code == 404

    agreement.point.session.invitations.add(seat(guest))
    assert client.get(url(agreement)).status_code == 200


def test_a_member_reads_the_agreement_and_its_log(client, member, agreement, follow_up_point):
    follow_up_agreement(
        agreement,
        note="Se envió al ente auditor.",
        date=datetime.date(2024, 3, 19),
        new_status="in_progress",
        at_point=follow_up_point,
    )
    follow_up_agreement(agreement, note="Sin novedad.", date=datetime.date(2024, 3, 25))

    response = signed_in(client, member).get(url(agreement))

    assert response.status_code == 200
    text = page_text(response)
    assert f"Acuerdo {agreement.number} En proceso Vencido" in text
    assert (
        "Se aprueba el Proceso Técnico Operativo. Adoptado en Primera sesión ordinaria, "
        "punto 1 · 30 de enero de 2024 Responsable Integrante Fecha compromiso "
        "28 de febrero de 2024 (vencido)"
    ) in text
    assert (
        "Seguimiento 19 de marzo de 2024 · nuevo estado: En proceso Se envió al ente auditor. "
        "Informado en Segunda sesión ordinaria, punto 2 25 de marzo de 2024 Sin novedad."
    ) in text
    session_url = reverse("sessions:detail", args=[follow_up_point.session_id])
    assert f'href="{session_url}#punto-{follow_up_point.pk}"' in response.text
    assert reverse("agendas:agreement-history", args=[agreement.pk]) in response.text
    # Reading is not following up.
    assert "Registrar seguimiento" not in text
    assert response.context["form"] is None


@pytest.mark.parametrize("user", ["secretary", "alice", "manager"])
def test_the_secretariat_gets_the_follow_up_form(request, client, agreement, user):
    response = signed_in(client, request.getfixturevalue(user)).get(url(agreement))

    assert "Registrar seguimiento" in page_text(response)
    assert reverse("agendas:agreement-follow-up", args=[agreement.pk]) in response.text
    assert field_value(response, "id_at_point") == ""
    assert "— Sin cambio de estado —" in page_text(response)


def test_coming_from_a_follow_up_point_links_the_entry_to_it(
    client, secretary, agreement, follow_up_point
):
    response = signed_in(client, secretary).get(url(agreement, f"?punto={follow_up_point.pk}"))

    assert (
        "Se registrará como informado en el punto 2 de la segunda sesión ordinaria."
    ) in page_text(response)
    assert field_value(response, "id_at_point") == str(follow_up_point.pk)
    assert field_value(response, "id_date") == "2024-03-19"


@pytest.mark.parametrize("value", ["abc", "999999", "other-point"])
def test_a_point_that_is_not_a_follow_up_point_is_ignored(
    client, secretary, agreement, follow_up_point, value
):
    if value == "other-point":
        value = str(follow_up_point.session.points.get(position=1).pk)

    response = signed_in(client, secretary).get(url(agreement, f"?punto={value}"))

    assert response.status_code == 200
    assert "Se registrará como informado" not in page_text(response)
    assert field_value(response, "id_at_point") == ""


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_reads(client, secretary, agreement, method):
    assert getattr(signed_in(client, secretary), method)(url(agreement)).status_code == 405


@pytest.mark.parametrize("entries", [1, 40], ids=["small", "large"])
def test_the_number_of_queries_does_not_grow_with_the_log(
    client, secretary, agreement, committee, entries, django_assert_max_num_queries
):
    for n in range(entries):
        point = make_point(
            make_session(
                committee,
                kind=Session.Kind.WORKING_GROUP,
                date=datetime.date(2024, 3, 1) + datetime.timedelta(n),
            ),
            standard=AgendaPoint.Standard.AGREEMENTS_FOLLOW_UP,
        )
        AgreementFollowUp.objects.create(
            agreement=agreement,
            note=f"Avance {n}",
            date=point.session.date,
            at_point=point,
            recorded_by=secretary,
        )
    signed_in(client, secretary)

    # 1 the session, 2 the user, 3-4 permissions, 5 the agreement with point, session,
    # committee and responsible, 6 whether the user manages it, 7 the log.
    with django_assert_max_num_queries(7):
        response = client.get(url(agreement))

    assert len(response.context["follow_ups"]) == entries
