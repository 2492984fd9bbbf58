"""The home page: my committees, my next sessions, my open agreements, actas to review."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agendas.models import Agreement
from committees.models import Membership
from committees.spanish import long_date
from reports.models import Acta
from sessions.models import Session
from tests.factories import (
    make_agreement,
    make_committee,
    make_membership,
    make_point,
    make_process,
    make_session,
)
from tests.web import assert_sign_in_required, page_text, seat, signed_in

pytestmark = pytest.mark.django_db

URL = reverse("home")


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def test_it_requires_sign_in(client):
    assert_sign_in_required(client.get(URL), URL)


def test_it_shows_my_committees(client, member, committee):
    make_committee(short_name="COTECORA")

    response = signed_in(client, member).get(URL)

    assert response.status_code == 200
    assert list(response.context["committees"]) == [committee]
    text = page_text(response)
    assert f"Mis órganos colegiados {committee.short_name} {committee.name}" in text
    assert "COTECORA" not in text
    assert reverse("committees:detail", args=[committee.slug]) in response.text


def test_someone_without_a_seat_sees_empty_lists(client, charlie):
    make_session(date=in_days(3))

    text = page_text(signed_in(client, charlie).get(URL))

    assert "Aún no forma parte de ningún órgano colegiado." in text
    assert "No tiene sesiones próximas." in text
    assert "No tiene acuerdos abiertos a su cargo." in text
    assert "No hay proyectos de acta pendientes." in text


def test_it_shows_my_next_sessions_with_the_date_in_words(client, member, committee):
    soon = make_session(committee, date=in_days(5), start_time=datetime.time(11))
    today = make_session(committee, date=in_days(0))
    make_session(committee, date=in_days(-1))  # already held
    make_session(committee, date=in_days(2), status=Session.Status.CANCELLED, status_reason="x")
    make_session(date=in_days(1))  # another committee's

    response = signed_in(client, member).get(URL)

    assert list(response.context["upcoming"]) == [today, soon]
    text = page_text(response)
    when = f"{long_date(soon.date, weekday=True)}, 11:00 h"
    assert f"{soon.title} · {committee.short_name} {when}" in text
    assert long_date(today.date, weekday=True) in text


def test_only_the_next_ten_sessions_are_listed(client, member, committee):
    sessions = [make_session(committee, date=in_days(day)) for day in range(1, 13)]
    response = signed_in(client, member).get(URL)
    assert list(response.context["upcoming"]) == sessions[:10]


def test_a_party_representative_sees_work_meetings_and_invitations(
    client, representative, committee
):
    work_meeting = make_session(committee, kind=Session.Kind.WORK_MEETING, date=in_days(1))
    invited = make_session(committee, date=in_days(2))
    invited.invitations.add(seat(representative))
    make_session(committee, date=in_days(3))  # an ordinary session they are not invited to

    response = signed_in(client, representative).get(URL)

    assert list(response.context["upcoming"]) == [work_meeting, invited]


def test_a_guest_sees_only_the_sessions_they_are_invited_to(client, guest, committee):
    make_session(committee, kind=Session.Kind.WORK_MEETING, date=in_days(1))
    make_session(committee, date=in_days(2))
    invited = make_session(committee, kind=Session.Kind.EXTRAORDINARY, date=in_days(3))
    invited.invitations.add(seat(guest))

    response = signed_in(client, guest).get(URL)

    assert list(response.context["upcoming"]) == [invited]
    assert "Primera sesión extraordinaria" in page_text(response)


def test_it_shows_the_open_agreements_assigned_to_me(client, member, committee):
    point = make_point(make_session(committee))
    overdue = make_agreement(
        point, responsible=member.person, due_date=in_days(-2), number="COTAPREP/A01"
    )
    pending = make_agreement(
        point,
        responsible=member.person,
        due_date=in_days(10),
        status=Agreement.Status.IN_PROGRESS,
        number="COTAPREP/A02",
    )
    make_agreement(
        point, responsible=member.person, status=Agreement.Status.DONE, number="COTAPREP/A03"
    )
    make_agreement(point, responsible=make_membership(committee).person, number="COTAPREP/A04")

    response = signed_in(client, member).get(URL)

    assert list(response.context["my_agreements"]) == [overdue, pending]
    text = page_text(response)
    assert (
        f"COTAPREP/A01 — {overdue.text} Pendiente · fecha compromiso "
        f"{long_date(overdue.due_date)} Vencido"
    ) in text
    assert f"En proceso · fecha compromiso {long_date(pending.due_date)}" in text
    assert "COTAPREP/A03" not in text
    assert "COTAPREP/A04" not in text
    assert text.count("Vencido") == 1


def test_the_secretary_sees_the_overdue_agreements_of_the_committee(
    client, secretary, member, committee
):
    point = make_point(make_session(committee))
    make_agreement(point, responsible=member.person, due_date=in_days(-3), number="A01")
    make_agreement(point, responsible=member.person, due_date=in_days(3), number="A02")
    make_agreement(point, due_date=in_days(-3), status=Agreement.Status.DONE, number="A03")
    make_agreement(make_point(), due_date=in_days(-3), number="B01")  # another committee

    response = signed_in(client, secretary).get(URL)

    assert [a.number for a in response.context["overdue_agreements"]] == ["A01"]
    text = page_text(response)
    assert "Acuerdos vencidos de los órganos que administra" in text
    assert f"A01 ({committee.short_name}) — venció el {long_date(in_days(-3))} · Integrante" in (
        text
    )
    assert "A02" not in text


def test_members_do_not_get_the_overdue_list(client, member, committee):
    make_agreement(make_point(make_session(committee)), due_date=in_days(-3))
    response = signed_in(client, member).get(URL)
    assert "Acuerdos vencidos" not in page_text(response)


def test_it_shows_the_draft_actas_of_my_committees(client, member, committee):
    draft = Acta.objects.create(session=make_session(committee, date=datetime.date(2023, 12, 18)))
    approved_session = make_session(committee, date=datetime.date(2024, 1, 30))
    Acta.objects.create(
        session=approved_session,
        status=Acta.Status.APPROVED,
        approved_on=datetime.date(2024, 2, 27),
        approved_at_point=make_point(make_session(committee, date=datetime.date(2024, 2, 27))),
    )
    Acta.objects.create(session=make_session())  # another committee's draft

    response = signed_in(client, member).get(URL)

    assert list(response.context["draft_actas"]) == [draft]
    text = page_text(response)
    assert (
        f"Acta de la primera sesión ordinaria ({committee.short_name}, 18 de diciembre de 2023)"
        in text
    )
    assert reverse("reports:acta", args=[draft.pk]) in response.text


def test_a_guest_does_not_see_the_draft_actas_of_sessions_they_were_not_invited_to(
    client, guest, committee
):
    Acta.objects.create(session=make_session(committee))
    response = signed_in(client, guest).get(URL)
    assert list(response.context["draft_actas"]) == []


@pytest.mark.parametrize("user", ["alice", "manager"])
def test_those_who_manage_every_committee_see_every_committee(request, client, user):
    committees = [make_committee(short_name=name) for name in ("CTA", "GT")]
    response = signed_in(client, request.getfixturevalue(user)).get(URL)
    assert set(response.context["committees"]) >= set(committees)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_reads(client, member, method):
    assert getattr(signed_in(client, member), method)(URL).status_code == 405


@pytest.mark.parametrize("size", [1, 30])
def test_the_number_of_queries_does_not_grow_with_the_data(
    client, secretary, committee, size, django_assert_max_num_queries
):
    person = secretary.person
    for n in range(size):
        other = make_committee(process=make_process()) if n else committee
        if n:
            make_membership(other, person=person, role=Membership.Role.MEMBER)
        session = make_session(other, date=in_days(n + 1), start_time=datetime.time(10))
        point = make_point(session)
        make_agreement(point, responsible=person, due_date=in_days(-n - 1), number=f"A{n}")
        Acta.objects.create(session=make_session(other, date=in_days(-n - 1)))

    signed_in(client, secretary)

    # 1 the session, 2 the user, 3-4 the user's own and group permissions (read once),
    # 5 next sessions with their committees, 6 my agreements, 7 overdue agreements,
    # 8 committees with institution and process, 9 draft actas with session and committee.
    with django_assert_max_num_queries(9):
        response = client.get(URL)

    assert response.status_code == 200
    assert len(response.context["committees"]) == size
    assert len(response.context["draft_actas"]) == size
