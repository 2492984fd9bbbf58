"""
Feeds never serve a stale agenda: their validators (ETag, Last-Modified) change with
anything an event shows — the session, its agenda points (reordered in bulk too), their
documents, the committee's names — and a request that matches is answered 304 without
building the body.
"""

import datetime
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from icalendar import Calendar

from agendas.models import AgendaPoint, Document
from agendas.services import reorder_points
from sessions import ical
from tests.factories import make_committee, make_membership, make_point, make_session

pytestmark = pytest.mark.django_db


def feed_url(committee) -> str:
    return reverse("sessions:committee-feed", args=[committee.slug])


def description(response) -> str:
    return str(Calendar.from_ical(response.content).walk("VEVENT")[0]["DESCRIPTION"])


def test_an_edited_point_title_answers_both_conditional_requests_with_the_new_agenda(client):
    session = make_session()
    point = make_point(session, title="Informe del primer simulacro")
    url = feed_url(session.committee)
    first = client.get(url)
    # Last-Modified counts whole seconds: the edit comes in a later second than the poll.
    time.sleep(1.1)

    point.title = "Informe del segundo simulacro"
    point.save()

    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    by_etag = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    for response in (by_date, by_etag):
        assert response.status_code == 200
        assert "1. Informe del segundo simulacro" in description(response)
    assert by_date["Last-Modified"] != first["Last-Modified"]
    event = Calendar.from_ical(by_etag.content).walk("VEVENT")[0]
    first_event = Calendar.from_ical(first.content).walk("VEVENT")[0]
    assert event["DTSTAMP"].dt > first_event["DTSTAMP"].dt
    assert event["LAST-MODIFIED"].dt == event["DTSTAMP"].dt


@pytest.mark.parametrize(
    "change",
    [
        "reorder",
        "bulk_update",
        "delete_point",
        "add_document",
        "rename_document",
        "delete_document",
        "make_private",
        "rename_committee",
    ],
)
def test_every_change_an_event_shows_changes_the_etag(client, media, change):
    session = make_session()
    first_point = make_point(session, title="Orden del día")
    second_point = make_point(session, title="Asuntos generales")
    document = Document.objects.create(
        point=first_point, title="Anexo", file=SimpleUploadedFile("anexo.pdf", b"%PDF-1.4")
    )
    url = feed_url(session.committee)
    before = client.get(url)

    if change == "reorder":
        reorder_points(session, [second_point.pk, first_point.pk])
    elif change == "bulk_update":
        AgendaPoint.objects.filter(pk=second_point.pk).update(title="Clausura")
    elif change == "delete_point":
        second_point.delete()
    elif change == "add_document":
        Document.objects.create(
            point=second_point, title="Minuta", file=SimpleUploadedFile("m.pdf", b"%PDF-1.4")
        )
    elif change == "rename_document":
        Document.objects.filter(pk=document.pk).update(title="Anexo técnico")
    elif change == "delete_document":
        document.delete()
    elif change == "make_private":
        session.is_public = False
        session.save()
    elif change == "rename_committee":
        committee = session.committee
        committee.short_name = "CTAPREP"
        committee.save()

    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200, change
    assert after["ETag"] != before["ETag"]
    assert after.content != before.content


def test_a_matching_request_is_answered_without_building_the_body(
    client, django_assert_num_queries, monkeypatch
):
    committee = make_committee()
    for day in range(1, 30):
        make_point(make_session(committee, date=datetime.date(2024, 3, day)))
    url = feed_url(committee)
    first = client.get(url)

    def refuse(*args, **kwargs):
        raise AssertionError("the body was built for a 304")

    monkeypatch.setattr(ical, "committee_calendar", refuse)
    # 1. the committee with its newest session deletion; 2. its sessions' versions.
    with django_assert_num_queries(2):
        response = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 304
    assert response["ETag"] == first["ETag"]
    assert "no-cache" in response["Cache-Control"]


def test_a_deleted_session_changes_both_validators(client):
    committee = make_committee()
    make_session(committee, date=datetime.date(2024, 3, 1))
    gone = make_session(committee, date=datetime.date(2024, 3, 8))
    url = feed_url(committee)
    first = client.get(url)
    time.sleep(1.1)
    gone.delete()
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 200


def test_the_personal_feed_follows_the_committees_and_the_seats(client):
    membership = make_membership()
    session = make_session(membership.committee)
    url = reverse("sessions:personal-feed", args=[membership.person.calendar_token])
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    make_point(session, title="Asuntos generales")
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert "Asuntos generales" in description(second)

    # A new seat brings another committee's sessions.
    other = make_session()
    make_membership(other.committee, person=membership.person)
    third = client.get(url, HTTP_IF_NONE_MATCH=second["ETag"])
    assert third.status_code == 200
    assert len(Calendar.from_ical(third.content).walk("VEVENT")) == 2


def test_the_validators_depend_on_the_address_the_links_use(client, settings):
    session = make_session()
    url = feed_url(session.committee)
    one = client.get(url)
    settings.SITE_URL = "https://quorum.iepcjalisco.org.mx"
    other = client.get(url, HTTP_IF_NONE_MATCH=one["ETag"])
    assert other.status_code == 200
    # The request's own host changes nothing: links come from SITE_URL only.
    again = client.get(url, HTTP_HOST="localhost", HTTP_IF_NONE_MATCH=other["ETag"])
    assert again.status_code == 304
