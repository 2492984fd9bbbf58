"""A committee's page: who sits on it, its next and past sessions, its legal basis."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from committees.models import Attribution, Membership
from committees.spanish import long_date
from sessions.models import Session
from tests.factories import (
    make_committee,
    make_membership,
    make_party,
    make_person,
    make_process,
    make_session,
)
from tests.web import assert_sign_in_required, page_text, seat, signed_in

pytestmark = pytest.mark.django_db


def url(committee) -> str:
    return reverse("committees:detail", args=[committee.slug])


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def test_the_url():
    assert url(make_committee(slug="cotaprep-iepc-2024")) == "/organos/cotaprep-iepc-2024/"


def test_it_requires_sign_in(client, committee):
    assert_sign_in_required(client.get(url(committee)), url(committee))


def test_someone_without_a_seat_gets_a_404(client, outsider, committee):
    assert signed_in(client, outsider).get(url(committee)).status_code == 404


def test_an_unknown_committee_is_a_404(client, alice):
    assert signed_in(client, alice).get("/organos/no-existe/").status_code == 404


def test_a_member_sees_the_committee(client, member, committee):
    committee.process = make_process(institution=committee.institution)
    committee.integration_act = "IEPC-ACG-069/2023"
    committee.legal_basis = "Artículo 340 del Reglamento de Elecciones."
    committee.save()
    Attribution.objects.create(committee=committee, position=1, label="a", text="Asesorar.")
    secretary = make_membership(
        committee,
        person=make_person(name="Ana Pérez", honorific="Mtra."),
        role=Membership.Role.TECHNICAL_SECRETARY,
        appointing_act="IEPC-ACG-070/2023",
        end=datetime.date(2024, 6, 30),
    )
    representative = make_membership(
        committee, role=Membership.Role.PARTY_REPRESENTATIVE, party=make_party(acronym="PXX")
    )

    response = signed_in(client, member).get(url(committee))

    assert response.status_code == 200
    text = page_text(response)
    assert f"{committee.name} ({committee.short_name})" in text
    assert f"{committee.institution.name} · {committee.process.name} · jornada electoral" in text
    assert "instalado el 1 de noviembre de 2023 · concluye el 30 de junio de 2024" in text
    assert "Acuerdo de integración: IEPC-ACG-069/2023" in text
    assert "Artículo 340 del Reglamento de Elecciones." in text
    assert "a) Asesorar." in text
    assert (
        "Secretaría técnica (voz) Mtra. Ana Pérez Del 25 de octubre de 2023 al 30 de junio de "
        "2024 · IEPC-ACG-070/2023"
    ) in text
    assert f"Integrante (voz y voto) {member.person.name} Del 25 de octubre de 2023" in text
    assert f"{representative.person.name} (PXX)" in text
    assert secretary.person.full_name in text
    # Reading is not managing.
    assert "Nueva sesión" not in text
    assert reverse("sessions:create", args=[committee.slug]) not in response.text


def test_it_lists_the_next_sessions_and_the_past_ones_latest_first(client, member, committee):
    older = make_session(committee, date=in_days(-40))
    recent = make_session(committee, date=in_days(-10))
    today = make_session(committee, date=in_days(0), start_time=datetime.time(11))
    later = make_session(committee, kind=Session.Kind.EXTRAORDINARY, date=in_days(20))
    make_session(date=in_days(1))  # another committee's

    response = signed_in(client, member).get(url(committee))

    assert response.context["upcoming"] == [today, later]
    assert response.context["past"] == [recent, older]
    text = page_text(response)
    assert f"{today.title} {long_date(today.date, weekday=True)}, 11:00 h Programada" in text
    assert f"Primera sesión extraordinaria {long_date(later.date, weekday=True)}" in text
    assert text.index("Próximas sesiones") < text.index(today.title) < text.index(later.title)
    assert text.index("Sesiones anteriores") < text.index(recent.title) < text.index(older.title)


def test_a_committee_with_nothing_yet_says_so(client, member, committee):
    text = page_text(signed_in(client, member).get(url(committee)))
    assert "No hay sesiones programadas." in text
    assert "Aún no hay sesiones anteriores." in text


def test_a_party_representative_sees_work_meetings_and_invitations(
    client, representative, committee
):
    work_meeting = make_session(committee, kind=Session.Kind.WORK_MEETING, date=in_days(3))
    invited = make_session(committee, date=in_days(4))
    invited.invitations.add(seat(representative))
    make_session(committee, date=in_days(5))

    response = signed_in(client, representative).get(url(committee))

    assert response.status_code == 200
    assert response.context["upcoming"] == [work_meeting, invited]


def test_a_guest_sees_only_the_sessions_they_are_invited_to(client, guest, committee):
    make_session(committee, kind=Session.Kind.WORK_MEETING, date=in_days(3))
    invited = make_session(committee, date=in_days(-4))
    invited.invitations.add(seat(guest))

    response = signed_in(client, guest).get(url(committee))

    assert response.status_code == 200
    assert response.context["upcoming"] == []
    assert response.context["past"] == [invited]


@pytest.mark.parametrize("user", ["secretary", "alice", "manager"])
def test_those_who_manage_the_committee_get_the_new_session_button(
    request, client, committee, user
):
    response = signed_in(client, request.getfixturevalue(user)).get(url(committee))

    assert response.status_code == 200
    assert response.context["can_manage"] is True
    assert "Nueva sesión" in page_text(response)
    assert reverse("sessions:create", args=[committee.slug]) in response.text


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_reads(client, member, committee, method):
    assert getattr(signed_in(client, member), method)(url(committee)).status_code == 405


@pytest.mark.parametrize(("sessions", "memberships"), [(1, 1), (60, 20)], ids=["small", "large"])
def test_the_number_of_queries_does_not_grow_with_the_data(
    client, member, committee, sessions, memberships, django_assert_max_num_queries
):
    committee.process = make_process(institution=committee.institution)
    committee.parent = make_committee(institution=committee.institution)
    committee.save()
    for n in range(sessions):
        make_session(
            committee,
            kind=list(Session.Kind)[n % 3],
            date=in_days(n - sessions // 2),
            start_time=datetime.time(10) if n % 2 else None,
        )
    roles = list(Membership.Role)
    for n in range(memberships - 1):  # the member's own seat is the last one
        make_membership(
            committee,
            role=roles[n % 4],
            person=make_person(cv_extract="Maestría en ciencias."),
            appointing_act=f"ACG-{n}",
        )
        Attribution.objects.create(committee=committee, position=n + 1, text=f"Atribución {n}")
    signed_in(client, member)

    # 1 the session, 2 the user, 3-4 the user's own and group permissions (read once),
    # 5 the committee with institution, process and parent, 6 memberships with person and
    # party, 7 sessions, 8 whether the user manages the committee, 9 attributions; the
    # compliance summary: 10 whether a session was held, then the checker's own bounded
    # queries (at most 20, see tests/reports/test_compliance.py).
    with django_assert_max_num_queries(30):
        response = client.get(url(committee))

    assert response.status_code == 200
    assert len(response.context["upcoming"]) + len(response.context["past"]) == sessions
    assert sum(len(group) for _, group in response.context["members_by_role"]) == memberships


def test_earlier_years_are_a_click_away_with_their_counts(client, member, committee):
    recent = make_session(committee, date=in_days(-30))
    ahead = make_session(committee, date=in_days(30))
    two_years_ago = in_days(-730)
    old = make_session(committee, date=two_years_ago)
    make_session(committee, date=two_years_ago + datetime.timedelta(days=1))

    response = signed_in(client, member).get(url(committee))
    assert response.context["upcoming"] == [ahead]
    assert response.context["past"] == [recent]
    assert response.context["earlier_years"][0]["year"] <= two_years_ago.year + 1
    text = page_text(response)
    assert "Años anteriores:" in text
    assert f'href="?anio={old.date.year}"' in response.text

    by_year = client.get(url(committee), {"anio": old.date.year})
    assert by_year.context["year"] == old.date.year
    assert old in by_year.context["past"]
    assert recent not in by_year.context["past"]
    assert by_year.context["upcoming"] == [ahead]
    assert f"Sesiones de {old.date.year}" in page_text(by_year)
    assert "Últimos doce meses" in page_text(by_year)


@pytest.mark.parametrize("year", ["dos mil", "1800", "99999"])
def test_a_bad_year_shows_the_current_season(client, member, committee, year):
    recent = make_session(committee, date=in_days(-30))
    response = signed_in(client, member).get(url(committee), {"anio": year})
    assert response.status_code == 200
    assert response.context["year"] is None
    assert response.context["past"] == [recent]


def test_the_page_does_not_list_a_long_history(
    client, member, committee, django_assert_max_num_queries
):
    for n in range(40):
        make_session(committee, date=in_days(-400 - 7 * n))
    recent = make_session(committee, date=in_days(-3))
    signed_in(client, member)
    with django_assert_max_num_queries(30):
        response = client.get(url(committee))
    assert response.context["past"] == [recent]
    assert sum(entry["count"] for entry in response.context["earlier_years"]) == 40
