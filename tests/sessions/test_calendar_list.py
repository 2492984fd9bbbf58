"""The calendar as a list: the month's sessions in date order, with the same filters."""

import datetime
import html
import re
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from django.utils import timezone

from committees.models import Membership
from committees.spanish import long_date
from sessions.models import Session
from tests.factories import make_committee, make_membership, make_session
from tests.web import assert_sign_in_required, page_text, seat, signed_in

pytestmark = pytest.mark.django_db

URL = reverse("sessions:calendar-list")
MARCH = {"mes": "2024-03"}


def link_query(response, rel: str) -> dict:
    href = re.search(rf'href="\?([^"]*)" rel="{rel}"', response.content.decode())
    assert href, f"no {rel} link"
    return {key: values[0] for key, values in parse_qs(html.unescape(href.group(1))).items()}


def test_the_url():
    assert URL == "/calendario/lista/"


def test_it_requires_sign_in(client):
    assert_sign_in_required(client.get(URL, MARCH), f"{URL}?mes=2024-03")


def test_it_lists_the_sessions_of_the_month_in_date_order(client, member, committee):
    later = make_session(committee, date=datetime.date(2024, 3, 26))
    first = make_session(
        committee,
        kind=Session.Kind.EXTRAORDINARY,
        date=datetime.date(2024, 3, 19),
        start_time=datetime.time(11),
    )
    make_session(committee, date=datetime.date(2024, 2, 27))  # in the grid, not the month
    make_session(committee, date=datetime.date(2024, 4, 2))

    response = signed_in(client, member).get(URL, MARCH)

    assert response.status_code == 200
    assert response.context["sessions"] == [first, later]
    text = page_text(response)
    assert "Calendario · Marzo de 2024" in text
    assert (
        "Primera sesión extraordinaria · COTAPREP martes 19 de marzo de 2024, 11:00 h Programada "
        f"{later.title} · COTAPREP {long_date(later.date, weekday=True)} Programada"
    ) in text
    assert "Segunda sesión ordinaria" not in text  # 27 February
    assert "Tercera sesión ordinaria" not in text  # 2 April
    assert reverse("sessions:detail", args=[first.pk]) in response.text


def test_an_empty_month_says_so(client, member):
    response = signed_in(client, member).get(URL, MARCH)
    assert "No hay sesiones en este mes." in page_text(response)


def test_it_shows_the_current_month_by_default(client, member, committee):
    session = make_session(committee, date=timezone.localdate())
    response = signed_in(client, member).get(URL)
    assert response.context["sessions"] == [session]


def test_it_filters_by_committee_and_kind(client, member, committee):
    other = make_committee(short_name="GTPREP")
    make_membership(other, person=member.person)
    make_session(committee, date=datetime.date(2024, 3, 19))
    wanted = make_session(other, kind=Session.Kind.WORK_MEETING, date=datetime.date(2024, 3, 19))
    make_session(other, date=datetime.date(2024, 3, 20))

    response = signed_in(client, member).get(
        URL, {**MARCH, "organo": other.slug, "tipo": "work_meeting"}
    )

    assert response.context["sessions"] == [wanted]
    assert f'<option value="{other.slug}" selected>' in response.text
    assert '<option value="work_meeting" selected>' in response.text


def test_the_month_links_keep_the_filters_and_the_list(client, member, committee):
    query = {"organo": committee.slug, "tipo": "extraordinary", **MARCH}

    response = signed_in(client, member).get(URL, query)

    assert link_query(response, "prev") == {**query, "mes": "2024-02"}
    assert link_query(response, "next") == {**query, "mes": "2024-04"}
    month_url = reverse("sessions:calendar")
    current = f"organo={committee.slug}&amp;tipo=extraordinary&amp;mes=2024-03"
    assert f'href="{month_url}?{current}"' in response.text
    assert f'aria-current="page" href="{URL}?{current}"' in response.text


def test_a_bad_month_is_explained_and_the_current_month_shown(client, member):
    response = signed_in(client, member).get(URL, {"mes": "2024-3-19"})

    assert response.status_code == 200
    assert "El mes debe escribirse como AAAA-MM, p. ej. 2024-03." in page_text(response)
    assert response.context["month"] == timezone.localdate().replace(day=1)


def test_only_the_sessions_the_user_may_see_appear(client, outsider, committee):
    hidden = make_session(committee, date=datetime.date(2024, 3, 19))
    response = signed_in(client, outsider).get(URL, MARCH)
    assert response.context["sessions"] == []
    assert "No hay sesiones en este mes." in page_text(response)
    assert reverse("sessions:detail", args=[hidden.pk]) not in response.text


def test_a_party_representative_sees_work_meetings_and_invitations(
    client, representative, committee
):
    work_meeting = make_session(
        committee, kind=Session.Kind.WORK_MEETING, date=datetime.date(2024, 3, 5)
    )
    invited = make_session(committee, date=datetime.date(2024, 3, 12))
    invited.invitations.add(seat(representative))
    make_session(committee, date=datetime.date(2024, 3, 19))

    response = signed_in(client, representative).get(URL, MARCH)

    assert response.context["sessions"] == [work_meeting, invited]


def test_a_guest_sees_only_the_sessions_they_are_invited_to(client, guest, committee):
    make_session(committee, kind=Session.Kind.WORK_MEETING, date=datetime.date(2024, 3, 5))
    invited = make_session(committee, date=datetime.date(2024, 3, 12))
    invited.invitations.add(seat(guest))

    response = signed_in(client, guest).get(URL, MARCH)

    assert response.context["sessions"] == [invited]


@pytest.mark.parametrize("user", ["alice", "manager", "secretary"])
def test_those_who_manage_see_the_sessions(request, client, committee, user):
    session = make_session(committee, date=datetime.date(2024, 3, 19))
    response = signed_in(client, request.getfixturevalue(user)).get(URL, MARCH)
    assert response.context["sessions"] == [session]


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_reads(client, member, method):
    assert getattr(signed_in(client, member), method)(URL).status_code == 405


@pytest.mark.parametrize(("committees", "sessions"), [(1, 1), (3, 60)], ids=["small", "large"])
def test_the_number_of_queries_does_not_grow_with_the_data(
    client, member, committee, committees, sessions, django_assert_max_num_queries
):
    bodies = [committee]
    for n in range(committees - 1):
        bodies.append(make_committee(short_name=f"GT{n}"))
        make_membership(bodies[-1], person=member.person, role=Membership.Role.MEMBER)
    for n in range(sessions):
        make_session(
            bodies[n % committees],
            kind=list(Session.Kind)[n % 3],
            date=datetime.date(2024, 3, 1 + n % 31),
            start_time=datetime.time(9 + n % 8) if n % 2 else None,
        )
    signed_in(client, member)

    # 1 the session, 2 the user, 3-4 the user's own and group permissions (read once),
    # 5 the sessions with their committees, 6 the committees (and institutions) for the
    # filter.
    with django_assert_max_num_queries(6):
        response = client.get(URL, MARCH)

    assert response.status_code == 200
    assert len(response.context["sessions"]) == sessions
