"""The committee page lists the actas still in draft past the committee's deadline."""

import datetime

import pytest
from django.urls import reverse

from reports.models import Acta
from sessions.models import Session
from tests.factories import make_session
from tests.web import page_text, signed_in

pytestmark = pytest.mark.django_db


def url(committee) -> str:
    return reverse("committees:detail", args=[committee.slug])


def held_on(committee, day: datetime.date, **fields) -> Session:
    return make_session(committee, date=day, status=Session.Status.HELD, **fields)


@pytest.fixture
def sessions(committee):
    """Held on the 10th of five months: the default rule allows two later sessions."""
    return [held_on(committee, datetime.date(2024, month, 10)) for month in range(1, 6)]


def test_drafts_and_missing_actas_past_the_deadline_are_listed(client, member, sessions):
    january, february, march, april, may = sessions
    draft = Acta.objects.create(session=january)
    Acta.objects.create(session=may)

    response = signed_in(client, member).get(url(january.committee))

    overdue = response.context["overdue_actas"]
    expected = [january, february, march]
    assert overdue == expected
    text = page_text(response)
    assert (
        "Actas pendientes de aprobación Sesiones celebradas cuya acta sigue en proyecto, o sin "
        "elaborar, después del plazo del órgano para aprobarla. Primera sesión ordinaria, "
        "10 de enero de 2024 — acta en proyecto Segunda sesión ordinaria, 10 de febrero de "
        "2024 — acta sin elaborar"
    ) in text
    assert reverse("reports:acta", args=[draft.pk]) in response.text
    assert reverse("sessions:detail", args=[february.pk]) in response.text


def test_nothing_pending_shows_nothing(client, member, committee):
    make_session(committee, date=datetime.date(2024, 1, 10))

    response = signed_in(client, member).get(url(committee))

    assert response.context["overdue_actas"] == []
    assert "Actas pendientes de aprobación" not in page_text(response)


def test_readers_see_only_the_sessions_they_see(client, representative, sessions):
    response = signed_in(client, representative).get(url(sessions[0].committee))

    assert response.context["overdue_actas"] == []


def test_the_committee_page_links_the_agreements(client, member, committee):
    response = signed_in(client, member).get(url(committee))

    assert f'href="{reverse("agendas:agreements", args=[committee.slug])}"' in response.text


@pytest.mark.parametrize("count", [1, 30], ids=["small", "large"])
def test_the_number_of_queries_does_not_grow_with_the_sessions(
    client, member, committee, count, django_assert_max_num_queries
):
    for n in range(count):
        session = held_on(committee, datetime.date(2024, 1, 1) + datetime.timedelta(days=n))
        if n % 2:
            Acta.objects.create(session=session)
    signed_in(client, member)

    # The committee page's 9 queries, then the held sessions with their actas and the rule
    # with the committee's own values for it; the compliance summary: whether a session was
    # held and the checker's own (at most 20, see tests/reports/test_compliance.py).
    with django_assert_max_num_queries(33):
        response = client.get(url(committee))

    # The default rule allows two later sessions; the page names ten and counts the rest.
    late = max(count - 2, 0)
    assert len(response.context["overdue_actas"]) == min(late, 10)
    assert response.context["overdue_more"] == max(late - 10, 0)
