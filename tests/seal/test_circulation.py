"""
Approval by circulation: the acta of a session with no later session (the closing session,
or the last one held) is approved by the members with vote from their own accounts; when a
majority approves, it is approved "por circulación" and sealed.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from committees.models import Membership
from reports.models import Acta, ActaApproval
from reports.services import (
    answer_circulation,
    circulate_acta,
    circulation_tally,
    draft_acta,
    update_minutes,
    withdraw_circulation,
)
from tests.record import held, opened, scheduled
from tests.web import make_user_with_seat, page_text, signed_in

pytestmark = pytest.mark.django_db

CLOSING_DAY = datetime.date(2024, 6, 28)


@pytest.fixture
def voters(django_user_model, committee):
    """Three members with vote, each with an account (the secretary has none here)."""
    users = [
        make_user_with_seat(django_user_model, committee, Membership.Role.MEMBER, name)
        for name in ("adela", "beatriz", "carmen")
    ]
    return users


@pytest.fixture
def closing_acta(committee, voters, secretary):
    session = held(opened(scheduled(committee, CLOSING_DAY, role="closing")))
    return draft_acta(session)


def seat_of(user):
    return user.person.memberships.get()


def url(acta, name="acta"):
    return reverse(f"reports:{name}", args=[acta.pk])


# --- The service ---------------------------------------------------------------------------


def test_a_majority_approves_it_and_seals_the_record(closing_acta, voters, secretary):
    circulate_acta(closing_acta, by=secretary)
    answer_circulation(closing_acta, membership=seat_of(voters[0]), decision="approve")
    closing_acta.refresh_from_db()
    assert closing_acta.status == Acta.Status.DRAFT  # 1 of 3: not yet a majority
    answer_circulation(
        closing_acta,
        membership=seat_of(voters[1]),
        decision="approve",
        decided_at=datetime.datetime(2024, 7, 2, 18, tzinfo=datetime.UTC),
    )

    closing_acta.refresh_from_db()
    assert closing_acta.status == Acta.Status.APPROVED
    assert closing_acta.approved_at_point is None
    assert closing_acta.approved_on == datetime.date(2024, 7, 2)
    approval = closing_acta.snapshot["approval"]
    assert approval["mode"] == "circulation"
    assert approval["result"] == "Aprobada por circulación (2 de 3 integrantes con voto)"
    assert sorted(row["name"] for row in approval["approvals"]) == ["Adela", "Beatriz"]
    assert closing_acta.session.sealed_at is not None
    # The third member is too late: the acta is approved.
    with pytest.raises(ValidationError):
        answer_circulation(closing_acta, membership=seat_of(voters[2]), decision="approve")


def test_objections_do_not_approve_it(closing_acta, voters, secretary):
    circulate_acta(closing_acta, by=secretary)
    answer_circulation(closing_acta, membership=seat_of(voters[0]), decision="approve")
    answer_circulation(
        closing_acta,
        membership=seat_of(voters[1]),
        decision="object",
        text="Falta la intervención de la representación.",
    )
    answer_circulation(
        closing_acta, membership=seat_of(voters[2]), decision="object", text="Coincido."
    )

    closing_acta.refresh_from_db()
    assert closing_acta.status == Acta.Status.DRAFT
    tally = circulation_tally(closing_acta)
    assert (len(tally.approvals), len(tally.objections), tally.required) == (1, 2, 2)
    assert not tally.reached


def test_an_answer_may_change_until_the_approval(closing_acta, voters, secretary):
    circulate_acta(closing_acta, by=secretary)
    seat = seat_of(voters[0])
    answer_circulation(closing_acta, membership=seat, decision="object", text="Revisar.")
    answer_circulation(closing_acta, membership=seat, decision="approve")
    answers = ActaApproval.objects.filter(acta=closing_acta, withdrawn_at__isnull=True)
    assert list(answers.values_list("decision", flat=True)) == ["approve"]
    assert answers.get().history.count() == 2


def test_an_objection_needs_its_text(closing_acta, voters, secretary):
    circulate_acta(closing_acta, by=secretary)
    with pytest.raises(ValidationError) as caught:
        answer_circulation(closing_acta, membership=seat_of(voters[0]), decision="object")
    assert caught.value.message_dict["text"] == ["Escriba su objeción."]


def test_only_members_with_vote_in_office_that_day_answer(
    closing_acta, committee, secretary, django_user_model
):
    circulate_acta(closing_acta, by=secretary)
    later = make_user_with_seat(
        django_user_model,
        committee,
        Membership.Role.MEMBER,
        "tardia",
        start=CLOSING_DAY + datetime.timedelta(days=1),
    )
    for seat in (seat_of(secretary), seat_of(later)):
        with pytest.raises(ValidationError) as caught:
            answer_circulation(closing_acta, membership=seat, decision="approve")
        assert "cuyo cargo estaba vigente el día de la sesión" in caught.value.messages[0]
    assert not ActaApproval.objects.exists()


def test_an_acta_that_a_later_session_approves_is_not_circulated(committee, voters, secretary):
    first = held(opened(scheduled(committee, datetime.date(2024, 3, 19))))
    scheduled(committee, datetime.date(2024, 4, 16))  # the next session will approve it
    with pytest.raises(ValidationError) as caught:
        circulate_acta(draft_acta(first), by=secretary)
    assert "se aprueba en la siguiente sesión" in caught.value.messages[0]


def test_the_last_session_held_is_circulated_too(committee, voters, secretary):
    last = held(opened(scheduled(committee, datetime.date(2024, 3, 19))))
    acta = circulate_acta(draft_acta(last), by=secretary)
    assert acta.in_circulation


def test_while_it_circulates_its_content_is_fixed_until_withdrawn(closing_acta, voters, secretary):
    circulate_acta(closing_acta, by=secretary)
    answer_circulation(closing_acta, membership=seat_of(voters[0]), decision="approve")
    point = closing_acta.session.points.first()
    with pytest.raises(ValidationError) as caught:
        update_minutes(closing_acta, point, minutes="Otro texto")
    assert "está en circulación" in caught.value.messages[0]

    withdraw_circulation(closing_acta, by=secretary)
    update_minutes(closing_acta, point, minutes="Otro texto")
    point.refresh_from_db()
    assert point.minutes == "Otro texto"
    # The answers given to the withdrawn circulation no longer count.
    circulate_acta(closing_acta, by=secretary)
    assert circulation_tally(closing_acta).approvals == []


# --- The pages ----------------------------------------------------------------------------


def test_the_secretariat_circulates_it_from_the_acta_page(client, secretary, closing_acta):
    signed_in(client, secretary)
    page = page_text(client.get(url(closing_acta)))
    assert "Circular el acta para su aprobación" in page

    response = client.post(url(closing_acta, "acta-circulate"), follow=True)

    closing_acta.refresh_from_db()
    assert closing_acta.in_circulation
    text = page_text(response)
    assert "El acta está en circulación" in text
    assert "Aprobaciones: 0 de 3 integrantes con voto; se requieren 2." in text
    assert "Retirar la circulación" in text
    assert "Editar el desarrollo" not in text


@pytest.mark.parametrize("user", ["member", "guest", "representative"])
def test_only_the_secretariat_circulates(request, client, closing_acta, user):
    closing_acta.session.invitations.add(*closing_acta.session.committee.memberships.all())
    signed_in(client, request.getfixturevalue(user))
    response = client.post(url(closing_acta, "acta-circulate"))
    assert response.status_code == 404
    closing_acta.refresh_from_db()
    assert not closing_acta.in_circulation


def test_a_member_approves_from_their_account_and_the_majority_seals_it(
    client, closing_acta, voters, secretary
):
    circulate_acta(closing_acta, by=secretary)
    signed_in(client, voters[0])
    assert "Su respuesta" in page_text(client.get(url(closing_acta)))
    response = client.post(url(closing_acta, "acta-answer"), {"decision": "approve"}, follow=True)
    assert "Se registró su aprobación del acta." in page_text(response)

    signed_in(client, voters[1])
    response = client.post(url(closing_acta, "acta-answer"), {"decision": "approve"}, follow=True)

    text = page_text(response)
    assert "la mayoría aprobó el acta por circulación" in text
    assert "Por circulación entre las y los integrantes con voto" in text
    assert "PROYECTO" not in text
    closing_acta.refresh_from_db()
    assert closing_acta.status == Acta.Status.APPROVED
    answer = ActaApproval.objects.get(membership=seat_of(voters[1]))
    assert answer.recorded_by == voters[1]


def test_an_objection_without_text_keeps_the_form(client, closing_acta, voters, secretary):
    circulate_acta(closing_acta, by=secretary)
    signed_in(client, voters[0])
    response = client.post(url(closing_acta, "acta-answer"), {"decision": "object", "text": " "})
    assert response.status_code == 200
    assert "Escriba su objeción." in page_text(response)
    assert not ActaApproval.objects.exists()


@pytest.mark.parametrize("user", ["secretary", "guest", "outsider"])
def test_who_has_no_vote_does_not_answer(request, client, closing_acta, secretary, user):
    circulate_acta(closing_acta, by=secretary)
    closing_acta.session.invitations.add(*closing_acta.session.committee.memberships.all())
    signed_in(client, request.getfixturevalue(user))
    response = client.post(url(closing_acta, "acta-answer"), {"decision": "approve"})
    assert response.status_code == 404
    assert not ActaApproval.objects.exists()


def test_the_secretariat_withdraws_the_circulation(client, closing_acta, voters, secretary):
    circulate_acta(closing_acta, by=secretary)
    answer_circulation(closing_acta, membership=seat_of(voters[0]), decision="approve")
    signed_in(client, secretary)
    response = client.post(url(closing_acta, "acta-withdraw-circulation"), follow=True)
    assert "Se retiró la circulación" in page_text(response)
    closing_acta.refresh_from_db()
    assert not closing_acta.in_circulation
    assert ActaApproval.objects.get().withdrawn_at is not None


@pytest.mark.parametrize("name", ["acta-circulate", "acta-withdraw-circulation", "acta-answer"])
def test_they_answer_post_only(client, secretary, closing_acta, name):
    signed_in(client, secretary)
    assert client.get(url(closing_acta, name)).status_code == 405


@pytest.mark.parametrize("name", ["acta-circulate", "acta-withdraw-circulation", "acta-answer"])
def test_they_require_sign_in(client, closing_acta, name):
    response = client.post(url(closing_acta, name))
    assert response.status_code == 302
    assert "/cuenta/login/" in response.url
