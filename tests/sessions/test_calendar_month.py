"""The month calendar: a grid of the sessions the user may see, filtered by body and kind."""

import datetime
import html
import re
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from django.utils import timezone

from committees.models import Membership
from committees.spanish import month_name
from sessions.models import Session
from tests.factories import make_committee, make_membership, make_session
from tests.web import assert_sign_in_required, page_text, seat, signed_in

pytestmark = pytest.mark.django_db

URL = reverse("sessions:calendar")
MARCH = {"mes": "2024-03"}


def day_text(response, day: datetime.date) -> str:
    """What the grid shows in the cell of ``day``."""
    content = response.content.decode()
    cell = re.search(
        rf'<td[^>]*>\s*<div class="day-number"><time datetime="{day:%Y-%m-%d}">.*?</td>',
        content,
        flags=re.S,
    )
    assert cell, f"no cell for {day}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell.group(0))).split())


def link_query(response, rel: str) -> dict:
    """The query string of the previous / next month link, as a dict."""
    href = re.search(rf'href="\?([^"]*)" rel="{rel}"', response.content.decode())
    assert href, f"no {rel} link"
    return {key: values[0] for key, values in parse_qs(html.unescape(href.group(1))).items()}


def error_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "error"]


def test_the_url():
    assert URL == "/calendario/"


def test_it_requires_sign_in(client):
    response = client.get(URL, MARCH)
    assert_sign_in_required(response, f"{URL}?mes=2024-03")


def test_it_shows_the_current_month_by_default(client, member):
    today = timezone.localdate()

    response = signed_in(client, member).get(URL)

    assert response.status_code == 200
    assert response.context["month"] == today.replace(day=1)
    assert f"Calendario · {month_name(today.month).capitalize()} de {today.year}" in page_text(
        response
    )
    assert day_text(response, today).startswith(f"{today.day} (hoy)")


def test_sessions_appear_on_their_day(client, member, committee):
    make_session(committee, date=datetime.date(2024, 3, 19), start_time=datetime.time(11))
    make_session(committee, kind=Session.Kind.EXTRAORDINARY, date=datetime.date(2024, 3, 19))
    make_session(committee, date=datetime.date(2024, 3, 26))

    response = signed_in(client, member).get(URL, MARCH)

    assert response.status_code == 200
    assert "Calendario · Marzo de 2024" in page_text(response)
    assert response.context["weekday_names"][:2] == ["Lunes", "Martes"]
    # A session with no time yet lasts "all day" and comes first.
    assert day_text(response, datetime.date(2024, 3, 19)) == (
        "19 Todo el día · COTAPREP: Primera sesión extraordinaria "
        "11:00 h · COTAPREP: Primera sesión ordinaria"
    )
    assert day_text(response, datetime.date(2024, 3, 26)) == (
        "26 Todo el día · COTAPREP: Segunda sesión ordinaria"
    )
    assert day_text(response, datetime.date(2024, 3, 20)) == "20"


def test_the_grid_shows_the_days_of_the_neighbouring_months(client, member, committee):
    # March 2024 starts on a Friday: the first week begins on Monday 26 February.
    make_session(committee, date=datetime.date(2024, 2, 27))
    make_session(committee, date=datetime.date(2024, 4, 1))  # the week after the grid

    response = signed_in(client, member).get(URL, MARCH)

    assert "Primera sesión ordinaria" in day_text(response, datetime.date(2024, 2, 27))
    assert re.search(
        r'<td class="other-month">\s*<div class="day-number"><time datetime="2024-02-26">',
        response.text,
    )
    assert "2024-04-01" not in response.text


def test_a_cancelled_session_stays_marked_as_cancelled(client, member, committee):
    make_session(
        committee,
        date=datetime.date(2024, 3, 19),
        status=Session.Status.CANCELLED,
        status_reason="Sin quórum.",
    )
    response = signed_in(client, member).get(URL, MARCH)
    assert day_text(response, datetime.date(2024, 3, 19)).endswith("(cancelada)")


def test_it_filters_by_committee(client, member, committee):
    other = make_committee(short_name="GTPREP")
    make_membership(other, person=member.person)
    make_session(committee, date=datetime.date(2024, 3, 19))
    make_session(other, date=datetime.date(2024, 3, 19))

    response = signed_in(client, member).get(URL, {**MARCH, "organo": other.slug})

    assert day_text(response, datetime.date(2024, 3, 19)) == (
        "19 Todo el día · GTPREP: Primera sesión ordinaria"
    )
    assert f'<option value="{other.slug}" selected>' in response.text


def test_it_filters_by_kind(client, member, committee):
    make_session(committee, date=datetime.date(2024, 3, 19))
    make_session(committee, kind=Session.Kind.WORK_MEETING, date=datetime.date(2024, 3, 19))

    response = signed_in(client, member).get(URL, {**MARCH, "tipo": "work_meeting"})

    assert day_text(response, datetime.date(2024, 3, 19)) == (
        "19 Todo el día · COTAPREP: Primera reunión formal de trabajo con las "
        "representaciones de partidos políticos y candidaturas independientes"
    )


def test_the_month_links_keep_the_filters(client, member, committee):
    query = {"organo": committee.slug, "tipo": "ordinary", **MARCH}

    response = signed_in(client, member).get(URL, query)

    assert link_query(response, "prev") == {**query, "mes": "2024-02"}
    assert link_query(response, "next") == {**query, "mes": "2024-04"}
    text = page_text(response)
    assert "← Febrero" in text
    assert "Abril →" in text
    list_url = reverse("sessions:calendar-list")
    assert f'href="{list_url}?organo={committee.slug}&amp;tipo=ordinary&amp;mes=2024-03"' in (
        response.text
    )


def test_the_links_cross_the_year(client, member):
    response = signed_in(client, member).get(URL, {"mes": "2024-12"})
    assert link_query(response, "prev") == {"mes": "2024-11"}
    assert link_query(response, "next") == {"mes": "2025-01"}


@pytest.mark.parametrize("mes", ["marzo", "2024-13", "19/03/2024"])
def test_a_bad_month_is_explained_and_the_current_month_shown(client, member, mes):
    response = signed_in(client, member).get(URL, {"mes": mes})

    assert response.status_code == 200
    assert error_messages(response) == ["El mes debe escribirse como AAAA-MM, p. ej. 2024-03."]
    assert "El mes debe escribirse como AAAA-MM, p. ej. 2024-03." in page_text(response)
    assert response.context["month"] == timezone.localdate().replace(day=1)


def test_a_bad_month_does_not_drop_the_other_filters(client, member, committee):
    other = make_committee(short_name="GTPREP")
    make_membership(other, person=member.person)
    day = timezone.localdate()
    make_session(committee, date=day)
    make_session(other, date=day)

    response = signed_in(client, member).get(URL, {"mes": "marzo", "organo": other.slug})

    assert [s.committee for s in response.context["sessions"]] == [other]


@pytest.mark.parametrize("mes", ["0001-01", "9999-12"])
def test_a_month_at_the_end_of_time_is_refused_not_a_crash(client, member, mes):
    response = signed_in(client, member).get(URL, {"mes": mes})

    assert response.status_code == 200
    assert error_messages(response) == ["El calendario no llega a ese mes."]
    assert response.context["month"] == timezone.localdate().replace(day=1)


def test_a_committee_the_user_cannot_see_is_refused_as_a_filter(client, member, committee):
    hidden = make_session(date=datetime.date(2024, 3, 19))
    make_session(committee, date=datetime.date(2024, 3, 19))

    response = signed_in(client, member).get(URL, {**MARCH, "organo": hidden.committee.slug})

    assert error_messages(response) == ["Ese órgano colegiado no existe o no lo puede ver."]
    assert response.context["sessions"] != [] and hidden not in response.context["sessions"]
    assert f'value="{hidden.committee.slug}"' not in response.text


def test_an_unknown_kind_is_refused_as_a_filter(client, member):
    response = signed_in(client, member).get(URL, {**MARCH, "tipo": "secreta"})
    assert error_messages(response) == ["Ese tipo de sesión no existe."]


def test_only_the_sessions_the_user_may_see_appear(client, outsider, committee):
    make_session(committee, date=datetime.date(2024, 3, 19))

    response = signed_in(client, outsider).get(URL, MARCH)

    assert response.status_code == 200
    assert response.context["sessions"] == []
    assert day_text(response, datetime.date(2024, 3, 19)) == "19"


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
    assert day_text(response, datetime.date(2024, 3, 19)) == "19"


def test_a_guest_sees_only_the_sessions_they_are_invited_to(client, guest, committee):
    make_session(committee, kind=Session.Kind.WORK_MEETING, date=datetime.date(2024, 3, 5))
    invited = make_session(committee, date=datetime.date(2024, 3, 12))
    invited.invitations.add(seat(guest))

    response = signed_in(client, guest).get(URL, MARCH)

    assert response.context["sessions"] == [invited]


@pytest.mark.parametrize("user", ["alice", "manager"])
def test_those_who_manage_every_committee_see_every_session(request, client, user):
    session = make_session(date=datetime.date(2024, 3, 19))
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
    assert len(response.context["filters"].fields["organo"].choices) == committees + 1


def test_a_month_and_year_picker_jumps_to_any_month(client, member, committee):
    make_session(committee, date=datetime.date(2019, 7, 11))

    response = signed_in(client, member).get(URL, {"mes": "2019-07"})

    content = response.content.decode()
    assert '<input type="month"' in content
    assert 'name="mes" value="2019-07"' in content
    assert response.context["month_title"] == "Julio de 2019"


def test_on_a_phone_the_month_is_also_a_list_with_every_weekday(client, member, committee):
    thursday = datetime.date(2024, 3, 14)
    make_session(committee, date=thursday)

    response = signed_in(client, member).get(URL, MARCH)

    content = response.content.decode()
    listing = re.search(r'<ol class="list-unstyled calendar-month-list.*?</ol>', content, re.S)
    assert listing, "no list view of the month"
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", listing.group(0))).split())
    assert "Jueves 14 de marzo de 2024" in text
