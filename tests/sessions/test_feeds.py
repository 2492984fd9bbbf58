"""The calendar views: committee feed, personal feed, one session's .ics."""

import datetime

import pytest
import vobject
from django.urls import reverse
from icalendar import Calendar

from agendas.models import AgendaPoint
from committees.models import Membership
from sessions import ical
from sessions.models import Session
from sessions.services import postpone_session
from tests.factories import make_committee, make_membership, make_point, make_session

pytestmark = pytest.mark.django_db


def uids(response) -> set[str]:
    return {str(event["UID"]) for event in Calendar.from_ical(response.content).walk("VEVENT")}


def committee_feed_url(committee) -> str:
    return reverse("sessions:committee-feed", args=[committee.slug])


def personal_feed_url(person) -> str:
    return reverse("sessions:personal-feed", args=[person.calendar_token])


# --- The committee feed -------------------------------------------------------------------


def test_the_committee_feed_needs_no_sign_in(client):
    session = make_session()
    response = client.get(committee_feed_url(session.committee))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'inline; filename="{session.committee.slug}.ics"'
    assert uids(response) == {ical.session_uid(session)}
    assert vobject.readOne(response.content.decode()).vevent.summary.value == (
        "COTAPREP: Primera sesión ordinaria"
    )


def test_the_committee_feed_leaks_no_private_session(client):
    public = make_session(date=datetime.date(2023, 12, 18))
    private = make_session(public.committee, date=datetime.date(2024, 1, 30), is_public=False)
    other_committee = make_session(date=datetime.date(2024, 1, 30))

    response = client.get(committee_feed_url(public.committee))

    assert uids(response) == {ical.session_uid(public)}
    assert ical.session_uid(private) not in response.content.decode()
    assert "2024013" not in response.content.decode()  # nor its date
    assert ical.session_uid(other_committee) not in response.content.decode()


def test_an_unknown_committee_is_a_404(client):
    assert client.get("/calendario/no-existe/calendario.ics").status_code == 404


def test_the_feed_urls():
    committee = make_committee(slug="cotaprep-iepc-jalisco-2023-2024")
    assert committee_feed_url(committee) == (
        "/calendario/cotaprep-iepc-jalisco-2023-2024/calendario.ics"
    )
    assert reverse("sessions:session-ics", args=[7]) == "/sesiones/7/sesion.ics"


def test_event_links_use_the_site_url_not_the_requested_host(client):
    session = make_session()
    response = client.get(committee_feed_url(session.committee), HTTP_HOST="localhost")
    body = response.content.decode()
    assert f"URL:http://127.0.0.1:8000/sesiones/{session.pk}/" in body
    assert "localhost" not in body


def test_a_feed_accepts_only_safe_methods(client):
    session = make_session()
    assert client.post(committee_feed_url(session.committee)).status_code == 405
    assert client.head(committee_feed_url(session.committee)).status_code == 200


# --- Conditional requests -----------------------------------------------------------------


def test_a_repeated_conditional_request_gets_a_304(client):
    session = make_session()
    url = committee_feed_url(session.committee)
    first = client.get(url)
    assert first["ETag"]
    assert first["Last-Modified"]
    assert "no-cache" in first["Cache-Control"]

    by_etag = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_etag["ETag"] == first["ETag"]
    assert by_date.status_code == 304


def test_a_change_answers_the_conditional_request_with_the_new_feed(client):
    session = make_session(date=datetime.date(2024, 1, 26))
    url = committee_feed_url(session.committee)
    first = client.get(url)

    postpone_session(session, new_date=datetime.date(2024, 1, 30), reason="Cambio de sede")
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert "SEQUENCE:1" in second.content.decode()


def test_a_new_agenda_point_changes_the_etag(client):
    session = make_session()
    url = committee_feed_url(session.committee)
    first = client.get(url)
    AgendaPoint.objects.create(
        session=session, position=1, title="Asuntos generales", kind="general_matters"
    )
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert (
        "1. Asuntos generales"
        in Calendar.from_ical(second.content).walk("VEVENT")[0]["DESCRIPTION"]
    )


def test_the_feed_is_byte_stable_while_nothing_changes(client):
    session = make_session()
    url = committee_feed_url(session.committee)
    assert client.get(url).content == client.get(url).content


# --- Constant number of queries ------------------------------------------------------------


def make_many_sessions(committee, count: int) -> None:
    start = datetime.date(2023, 11, 1)
    for n in range(count):
        session = make_session(
            committee,
            number=n + 1,
            date=start + datetime.timedelta(days=n),
            start_time=datetime.time(10) if n % 2 else None,
            is_public=n % 5 != 0,
        )
        AgendaPoint.objects.bulk_create(
            [
                AgendaPoint(session=session, position=p, title=f"Punto {p}", kind="informative")
                for p in (1, 2, 3)
            ]
        )


@pytest.mark.parametrize("count", [10, 200])
def test_the_committee_feed_takes_the_same_queries_for_any_number_of_sessions(
    client, django_assert_num_queries, count
):
    committee = make_committee()
    make_many_sessions(committee, count)
    # 1. the committee with its institution and its newest session deletion; 2. the
    # versions of its sessions (validators); 3. the public sessions with committee and
    # institution; 4. their agenda points; 5. the points' documents.
    with django_assert_num_queries(5):
        response = client.get(committee_feed_url(committee))
    assert len(uids(response)) == count - count // 5


@pytest.mark.parametrize("count", [10, 200])
def test_the_personal_feed_takes_the_same_queries_for_any_number_of_sessions(
    client, django_assert_num_queries, count
):
    first, second = make_committee(), make_committee()
    make_many_sessions(first, count // 2)
    make_many_sessions(second, count // 2)
    person = make_membership(first).person
    make_membership(second, person=person, role=Membership.Role.TECHNICAL_SECRETARY)
    # 1. the person by token; 2. the versions of their sessions; 3. their committees
    # (names, newest deletion); 4. the sessions; 5. the agenda points; 6. the documents.
    with django_assert_num_queries(6):
        response = client.get(personal_feed_url(person))
    assert len(uids(response)) == count


def test_the_session_file_takes_a_fixed_number_of_queries(client, django_assert_num_queries):
    session = make_session()
    make_point(session)
    # 1. the session with committee and institution (validators); 2. again, to build;
    # 3. its points; 4. their documents.
    with django_assert_num_queries(4):
        response = client.get(reverse("sessions:session-ics", args=[session.pk]))
    assert response.status_code == 200
    assert uids(response) == {f"session-{session.pk}@127.0.0.1:8000"}
    # A conditional request that matches costs the first query only.
    with django_assert_num_queries(1):
        again = client.get(
            reverse("sessions:session-ics", args=[session.pk]),
            HTTP_IF_NONE_MATCH=response["ETag"],
        )
    assert again.status_code == 304


# --- The personal feed --------------------------------------------------------------------


def test_the_personal_feed_has_every_session_of_the_person_committees(client):
    membership = make_membership()
    committee = membership.committee
    public = make_session(committee, date=datetime.date(2023, 12, 18))
    private = make_session(committee, date=datetime.date(2024, 1, 30), is_public=False)
    as_representative = make_membership(
        role=Membership.Role.PARTY_REPRESENTATIVE, person=membership.person
    )
    meeting = make_session(as_representative.committee, kind=Session.Kind.WORK_MEETING)
    elsewhere = make_session()

    response = client.get(personal_feed_url(membership.person))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    assert uids(response) == {
        ical.session_uid(public),
        ical.session_uid(private),
        ical.session_uid(meeting),
    }
    assert ical.session_uid(elsewhere) not in response.content.decode()


def test_a_person_with_two_terms_in_a_committee_gets_each_session_once(client):
    membership = make_membership(end=datetime.date(2023, 12, 31))
    make_membership(
        membership.committee,
        person=membership.person,
        start=datetime.date(2024, 1, 1),
        end=None,
    )
    make_session(membership.committee)
    response = client.get(personal_feed_url(membership.person))
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 1


def test_a_wrong_token_is_a_404(client):
    make_membership()
    url = reverse("sessions:personal-feed", args=["x" * 43])
    assert client.get(url).status_code == 404


def test_a_revoked_token_is_a_404(client):
    membership = make_membership()
    make_session(membership.committee)
    person = membership.person
    old_url = personal_feed_url(person)
    assert client.get(old_url).status_code == 200

    person.regenerate_calendar_token()

    assert client.get(old_url).status_code == 404
    assert client.get(personal_feed_url(person)).status_code == 200


def test_the_personal_feed_answers_conditional_requests(client):
    membership = make_membership()
    make_session(membership.committee)
    url = personal_feed_url(membership.person)
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


# --- One session ------------------------------------------------------------------------


def test_a_public_session_downloads_as_a_file(client):
    session = make_session()
    response = client.get(reverse("sessions:session-ics", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert uids(response) == {ical.session_uid(session)}
    again = client.get(
        reverse("sessions:session-ics", args=[session.pk]), HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304


def test_a_missing_session_is_a_404(client):
    session = make_session()
    assert client.get(reverse("sessions:session-ics", args=[session.pk + 1])).status_code == 404


def test_a_private_session_file_needs_someone_who_may_see_it(client, django_user_model):
    private = make_session(is_public=False)
    url = reverse("sessions:session-ics", args=[private.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    outsider = django_user_model.objects.create_user("fuera", password="x")
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    member = make_membership(private.committee)
    member.person.user = django_user_model.objects.create_user("dentro", password="x")
    member.person.save()
    client.force_login(member.person.user)
    assert client.get(url).status_code == 200


def test_the_personal_feed_follows_each_role(client):
    committee = make_committee()
    ordinary = make_session(committee, kind="ordinary", date=datetime.date(2024, 3, 19))
    meeting = make_session(committee, kind="work_meeting", date=datetime.date(2024, 3, 15))
    invited = make_session(committee, kind="extraordinary", date=datetime.date(2024, 6, 1))
    representative = make_membership(committee, role=Membership.Role.PARTY_REPRESENTATIVE)
    guest = make_membership(committee, role=Membership.Role.GUEST)
    invited.invitations.add(representative, guest)

    def session_uids(membership):
        return {uid.split("@")[0] for uid in uids(client.get(personal_feed_url(membership.person)))}

    assert session_uids(representative) == {f"session-{meeting.pk}", f"session-{invited.pk}"}
    assert session_uids(guest) == {f"session-{invited.pk}"}
    assert f"session-{ordinary.pk}" in session_uids(make_membership(committee))
