"""The current demo committee: the season's plan moved to the months around today."""

import datetime
import io

import pytest
from django.core.management import call_command

from agendas.models import Agreement
from committees.models import Committee, Person
from committees.spanish import month_name
from demo.current import CURRENT_SLUG, current_data, shift_days
from demo.loader import read_demo_data
from reports.models import Acta
from sessions.models import Session
from sessions.services import local_today

pytestmark = pytest.mark.django_db

SEASON = "cotaprep-iepc-jalisco-2023-2024"


@pytest.fixture
def simulated(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", "--simulate", stdout=out)
    return out.getvalue()


def test_it_has_upcoming_sessions_relative_to_the_day_the_test_runs(simulated):
    committee = Committee.objects.get(slug=CURRENT_SLUG)
    today = local_today(committee)
    upcoming = committee.sessions.filter(date__gte=today)
    assert upcoming.count() >= 3
    assert committee.sessions.filter(date__lt=today, status=Session.Status.HELD).exists()
    # The first one ahead is convened; the rest are planned.
    first = upcoming.order_by("date").first()
    assert first.status == Session.Status.CONVENED
    assert not committee.sessions.filter(date__lt=today, status=Session.Status.PLANNED).exists()
    # Memberships are in force today: a roll call finds people with a current seat.
    assert committee.memberships.active_on(today).count() == 4


def test_the_season_stays_exactly_as_it_was(simulated):
    season = Committee.objects.get(slug=SEASON)
    assert season.sessions.count() == 16
    assert Acta.objects.filter(session__committee=season).exclude(status="draft").count() == 9
    assert season.sessions.get(role="installation").date == datetime.date(2023, 11, 1)


def test_every_demo_person_has_an_example_org_address(simulated):
    emails = list(Person.objects.values_list("email", flat=True))
    assert len(emails) == 4
    assert all(email.endswith("@example.org") for email in emails)
    assert len(set(emails)) == 4


def test_open_agreements_with_due_dates_and_a_draft_acta(simulated):
    committee = Committee.objects.get(slug=CURRENT_SLUG)
    today = local_today(committee)
    open_ones = Agreement.objects.filter(committee=committee).exclude(
        status__in=[Agreement.Status.DONE, Agreement.Status.CANCELLED]
    )
    assert open_ones.count() >= 2
    assert all(a.due_date for a in open_ones)
    assert open_ones.filter(due_date__gte=today).exists()
    draft = Acta.objects.get(session__committee=committee, status="draft")
    assert draft.session.date < today
    assert not Acta.objects.filter(
        session__committee=committee, session__date__gt=draft.session.date
    ).exists()


def test_agreements_read_as_a_spanish_secretariat_writes_them(simulated):
    texts = list(Agreement.objects.values_list("text", flat=True))
    assert texts
    assert not [t for t in texts if t.startswith("Se aprueba: Aprobación")]
    assert "Se aprueba el Plan de Seguridad y Plan de Continuidad del PREP." in texts


def test_running_it_again_keeps_the_current_committee(simulated):
    before = Session.objects.filter(committee__slug=CURRENT_SLUG).count()
    out = io.StringIO()
    call_command("load_demo", "--simulate", stdout=out)
    assert Session.objects.filter(committee__slug=CURRENT_SLUG).count() == before
    assert "ya existe" in out.getvalue()


@pytest.mark.parametrize("today", [datetime.date(2026, 12, 5), datetime.date(2031, 3, 17)])
def test_shifted_dates_keep_weekdays_and_name_the_right_months(today):
    data = read_demo_data()
    days = shift_days(data, today)
    assert days % 7 == 0
    shifted = current_data(today, data)
    installed = datetime.date.fromisoformat(shifted["committee"]["installed_on"])
    assert abs((today - installed).days - 120) <= 3
    for original, moved in zip(data["sessions"], shifted["sessions"], strict=True):
        old = datetime.date.fromisoformat(original["date"])
        new = datetime.date.fromisoformat(moved["date"])
        assert old.weekday() == new.weekday()
    for session in shifted["sessions"]:
        day = datetime.date.fromisoformat(session["date"])
        for point in session["points"]:
            if point["standard"] == "monthly_progress":
                previous = (day.replace(day=1) - datetime.timedelta(days=1)).month
                assert f"mes de {month_name(previous)}" in point["title"]
