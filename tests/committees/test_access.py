"""
The visibility rule of committees.access, through the pages people use: terms, roles,
drafts, inactive accounts and the personal feed.
"""

import datetime

import pytest
from django.urls import reverse

from agendas.models import AgendaPoint, Document
from committees.models import Committee, Membership
from reports.models import Acta, Informe
from sessions.models import Session
from tests.factories import make_committee, make_point, make_session
from tests.reports.informe_data import draft_informe, first_bimester, presented
from tests.web import make_user_with_seat, seat, signed_in

pytestmark = pytest.mark.django_db

D = datetime.date
TERM_END = D(2024, 6, 30)


@pytest.fixture
def former(django_user_model, committee):
    """A member whose term ended on 30 June 2024."""
    return make_user_with_seat(
        django_user_model, committee, Membership.Role.MEMBER, "exintegrante", end=TERM_END
    )


def session_url(session):
    return reverse("sessions:detail", args=[session.pk])


def test_a_former_member_keeps_the_sessions_of_the_term_and_nothing_after(
    client, former, committee
):
    during = make_session(committee, date=D(2024, 6, 30), is_public=False)
    after = make_session(committee, date=D(2024, 7, 1), is_public=False)
    signed_in(client, former)

    assert client.get(session_url(during)).status_code == 200
    assert client.get(session_url(after)).status_code == 404
    # The committee page stays (what they could see in office) and lists the term only.
    response = client.get(reverse("committees:detail", args=[committee.slug]))
    assert response.status_code == 200
    assert list(Session.objects.for_user(former)) == [during]


def test_a_former_members_documents_and_points_follow_the_term(former, committee):
    during = make_point(make_session(committee, date=D(2024, 6, 1)))
    after = make_point(make_session(committee, date=D(2024, 9, 1)))
    assert list(AgendaPoint.objects.for_user(former)) == [during]
    assert after not in AgendaPoint.objects.for_user(former)
    assert not Document.objects.for_user(former).exists()


def test_the_secretary_keeps_every_term(django_user_model, committee):
    secretary = make_user_with_seat(
        django_user_model, committee, Membership.Role.TECHNICAL_SECRETARY, "st", end=TERM_END
    )
    later = make_session(committee, date=D(2025, 1, 1))
    assert list(Session.objects.for_user(secretary, manage=True)) == [later]
    assert list(Committee.objects.for_user(secretary, manage=True)) == [committee]


def test_a_representative_sees_only_work_meetings_and_invitations(representative, committee):
    meeting = make_session(committee, kind=Session.Kind.WORK_MEETING, date=D(2025, 1, 1))
    ordinary = make_session(committee, date=D(2025, 1, 2))
    invited = make_session(committee, date=D(2025, 1, 3))
    invited.invitations.add(seat(representative))
    assert set(Session.objects.for_user(representative)) == {meeting, invited}
    assert ordinary not in Session.objects.for_user(representative)


def test_a_guest_sees_only_the_invitations(guest, committee):
    make_session(committee, kind=Session.Kind.WORK_MEETING)
    invited = make_session(committee, date=D(2025, 1, 3))
    invited.invitations.add(seat(guest))
    assert list(Session.objects.for_user(guest)) == [invited]


def test_an_inactive_user_sees_nothing(client, member, committee):
    session = make_session(committee)
    member.is_active = False
    member.save()
    assert not Session.objects.for_user(member).exists()
    assert not Committee.objects.for_user(member).exists()
    assert not Session.objects.for_person(member.person).exists()
    assert client.get(reverse("sessions:detail", args=[session.pk])).status_code == 302


def test_the_feed_of_a_deactivated_user_has_no_sessions(client, member, committee):
    make_session(committee, is_public=False, place="Sala reservada")
    url = reverse("sessions:personal-feed", args=[member.person.calendar_token])
    assert "Sala reservada" in client.get(url).content.decode()
    member.is_active = False
    member.save()
    response = client.get(url)
    assert response.status_code in (200, 404)
    assert "Sala reservada" not in response.content.decode()


def test_the_feed_of_a_former_member_stops_at_the_term(client, former, committee):
    make_session(committee, date=D(2024, 6, 1), place="Sala del periodo")
    make_session(committee, date=D(2024, 9, 1), place="Sala posterior")
    url = reverse("sessions:personal-feed", args=[former.person.calendar_token])
    body = client.get(url).content.decode()
    assert "Sala del periodo" in body
    assert "Sala posterior" not in body


@pytest.mark.parametrize("who", ["representative", "guest", "member"])
def test_drafts_of_informes_are_the_secretariats(request, client, committee, who):
    user = request.getfixturevalue(who)
    record = first_bimester(committee)
    shown = presented(draft_informe(committee), record["third"])
    draft = draft_informe(committee, number=2, start=D(2024, 1, 1), end=D(2024, 2, 29))
    signed_in(client, user)

    assert client.get(reverse("reports:informe", args=[draft.pk])).status_code == 404
    assert client.get(reverse("reports:informe-pdf", args=[draft.pk])).status_code == 404
    presented_status = client.get(reverse("reports:informe", args=[shown.pk])).status_code
    # A presented informe is the members' too; guests and representatives read it on the
    # public portal once published, where it shows no more than the public record.
    assert presented_status == (200 if who == "member" else 404)


def test_a_draft_acta_is_for_the_secretariat_and_the_members(member, guest, secretary, committee):
    session = make_session(committee)
    session.invitations.add(seat(guest))
    acta = Acta.objects.create(session=session)
    assert list(Acta.objects.for_user(member)) == [acta]
    assert list(Acta.objects.for_user(secretary, manage=True)) == [acta]
    assert not Acta.objects.for_user(guest).exists()


def test_another_committees_member_sees_none_of_it(django_user_model, committee):
    other = make_committee(short_name="OTRO")
    stranger = make_user_with_seat(django_user_model, other, Membership.Role.MEMBER, "otra")
    make_session(committee)
    draft_informe(committee)
    assert not Session.objects.for_user(stranger).exists()
    assert not Informe.objects.for_user(stranger).exists()
    assert list(Committee.objects.for_user(stranger)) == [other]


def test_anonymous_gets_nothing(committee):
    from django.contrib.auth.models import AnonymousUser

    make_session(committee)
    assert not Session.objects.for_user(AnonymousUser()).exists()
    assert not Committee.objects.for_user(AnonymousUser()).exists()
