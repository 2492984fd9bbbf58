"""The feeds' default window, the full history on request, and the rendered body kept."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import make_committee, make_membership, make_session
from tests.sessions.test_feeds import committee_feed_url, personal_feed_url, uids

pytestmark = pytest.mark.django_db


def ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def history():
    """A committee with sessions two years back, six months back and next month."""
    committee = make_committee(installed_on=ago(800), closed_on=None)
    sessions = [
        make_session(committee, date=ago(730), is_public=True),
        make_session(committee, date=ago(180), is_public=True),
        make_session(committee, date=ago(-30), is_public=True),
    ]
    return committee, sessions


def uid(session) -> str:
    return f"session-{session.pk}@127.0.0.1:8000"


def test_the_feed_shows_twelve_months_back_and_everything_ahead(client, history):
    committee, (old, recent, ahead) = history
    response = client.get(committee_feed_url(committee))
    assert response.status_code == 200
    assert uids(response) == {uid(recent), uid(ahead)}


def test_the_full_history_is_a_parameter_with_its_own_etag(client, history):
    committee, sessions = history
    window = client.get(committee_feed_url(committee))
    full = client.get(committee_feed_url(committee), {"historial": "completo"})
    assert uids(full) == {uid(s) for s in sessions}
    assert full["ETag"] != window["ETag"]
    again = client.get(
        committee_feed_url(committee),
        {"historial": "completo"},
        headers={"If-None-Match": full["ETag"]},
    )
    assert again.status_code == 304


def test_a_committee_that_stopped_meeting_keeps_its_last_year(client):
    committee = make_committee(installed_on=ago(2000), closed_on=ago(1000))
    first = make_session(committee, date=ago(1500), is_public=True)
    last_but_one = make_session(committee, date=ago(1200), is_public=True)
    last = make_session(committee, date=ago(1100), is_public=True)
    assert uids(client.get(committee_feed_url(committee))) == {uid(last_but_one), uid(last)}
    assert uid(first) in uids(client.get(committee_feed_url(committee), {"historial": "completo"}))


def test_the_personal_feed_has_the_same_window(client, history):
    committee, (old, recent, ahead) = history
    person = make_membership(committee).person
    assert uids(client.get(personal_feed_url(person))) == {uid(recent), uid(ahead)}
    full = client.get(personal_feed_url(person), {"historial": "completo"})
    assert uid(old) in uids(full)


def test_a_repeated_200_reads_the_kept_body_and_a_change_renders_again(
    client, history, django_assert_num_queries
):
    committee, (old, recent, ahead) = history
    first = client.get(committee_feed_url(committee))
    # The committee (with its newest deletion) and its sessions' versions: no calendar built.
    with django_assert_num_queries(2):
        repeated = client.get(committee_feed_url(committee))
    assert repeated.status_code == 200
    assert repeated.content == first.content
    ahead.place = "Sala del Consejo General"
    ahead.save()
    changed = client.get(committee_feed_url(committee))
    assert changed["ETag"] != first["ETag"]
    assert "Sala del Consejo General" in changed.content.decode()
