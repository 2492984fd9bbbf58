"""manage.py export_ics --committee SLUG: the committee's public feed on standard output."""

import datetime
import io

import pytest
import vobject
from django.core.management import CommandError, call_command
from icalendar import Calendar

from sessions import ical
from tests.factories import make_committee, make_session

pytestmark = pytest.mark.django_db


def export_ics(slug: str) -> str:
    out = io.StringIO()
    call_command("export_ics", "--committee", slug, stdout=out)
    return out.getvalue()


def test_it_writes_the_public_feed_of_the_committee(settings):
    settings.SITE_URL = "https://quorum.example.org"
    committee = make_committee()
    public = make_session(committee, date=datetime.date(2023, 12, 18))
    make_session(committee, date=datetime.date(2024, 1, 30), is_public=False)

    text = export_ics(committee.slug)

    events = Calendar.from_ical(text).walk("VEVENT")
    assert [str(event["UID"]) for event in events] == [ical.session_uid(public)]
    assert str(events[0]["URL"]) == f"https://quorum.example.org/sesiones/{public.pk}/"
    assert vobject.readOne(text).vevent.uid.value == ical.session_uid(public)


def test_it_is_the_same_feed_twice():
    committee = make_committee()
    make_session(committee)
    assert export_ics(committee.slug) == export_ics(committee.slug)


def test_without_a_site_url_links_point_to_the_development_server():
    session = make_session()
    assert f"URL:http://127.0.0.1:8000/sesiones/{session.pk}/" in export_ics(session.committee.slug)


def test_an_unknown_committee_is_refused():
    with pytest.raises(CommandError, match="No existe un órgano con el identificador «nada»"):
        export_ics("nada")
