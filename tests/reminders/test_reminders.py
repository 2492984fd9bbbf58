"""E-mail reminders: before a convened session, and a daily digest of agreements due."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse

from agendas.models import Agreement
from reminders.models import Reminder, ReminderPreference
from reminders.services import claim, run_reminders
from sessions.models import Session
from tests.factories import make_committee as make_any_committee
from tests.factories import make_membership, make_person, make_point, make_session
from tests.web import assert_sign_in_required, page_text, signed_in

NOW = datetime.datetime(2026, 12, 7, 18, 0, tzinfo=datetime.UTC)  # 12:00 in Mexico City
TOMORROW = datetime.date(2026, 12, 8)


def make_committee(**fields):
    """A committee still at work in December 2026."""
    return make_any_committee(**{"closed_on": None, **fields})


def people_of(committee, *names):
    seats = []
    for name in names:
        person = make_person(name=name, email=f"{name.split()[0].lower()}@example.org")
        seats.append(
            make_membership(committee, person=person, start=datetime.date(2026, 1, 1), end=None)
        )
    return seats


def convened(committee, day=TOMORROW, time=datetime.time(11, 0)):
    session = make_session(
        committee,
        date=day,
        start_time=time,
        status=Session.Status.CONVENED,
        place="Sala del Consejo General",
        video_link="https://reuniones.example.org/cotaprep",
    )
    make_point(session, title="Lectura y aprobación del orden del día")
    make_point(session, title="Informe del avance de los simulacros")
    return session


def agreement(committee, responsible, due, *, text="Remitir el calendario de simulacros."):
    session = make_session(committee, date=datetime.date(2026, 11, 3), status=Session.Status.HELD)
    point = make_point(session)
    n = Agreement.objects.count() + 1
    return Agreement.objects.create(
        committee=committee,
        point=point,
        sequence=n,
        number=f"COTAPREP/2026/SO03/A{n:02d}",
        text=text,
        responsible=responsible,
        due_date=due,
    )


@pytest.mark.django_db
def test_a_convened_session_is_reminded_to_each_participant_once(settings):
    settings.SITE_URL = "https://quorum.example.org"
    committee = make_committee(short_name="COTAPREP")
    people_of(committee, "Ana Integrante", "Beto Secretario")
    session = convened(committee)

    first = run_reminders("worker-1", now=NOW)
    # The next run of the same worker, another worker, a restart: nothing again.
    again = run_reminders("worker-2", now=NOW + datetime.timedelta(minutes=5))

    assert (first.sent, again.sent) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "beto@example.org"]
    message = mail.outbox[0]
    assert message.subject == (
        "Recordatorio: Primera sesión ordinaria del COTAPREP — martes 8 de diciembre de 2026"
    )
    assert "Le recordamos la primera sesión ordinaria" in message.body
    assert "Horario: a las 11:00 h" in message.body
    assert "2. Informe del avance de los simulacros" in message.body
    assert f"https://quorum.example.org/sesiones/{session.pk}/" in message.body
    assert "https://quorum.example.org/cuenta/recordatorios/" in message.body
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_sessions_outside_the_window_or_not_convened_are_not_reminded(settings):
    committee = make_committee()
    people_of(committee, "Ana Integrante")
    convened(committee, day=TOMORROW + datetime.timedelta(days=2))
    planned = convened(committee)
    Session.objects.filter(pk=planned.pk).update(status=Session.Status.PLANNED)

    assert run_reminders("worker-1", now=NOW).sent == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_window_is_configurable(settings):
    settings.REMINDER_HOURS_BEFORE = 72
    committee = make_committee()
    people_of(committee, "Ana Integrante")
    convened(committee, day=TOMORROW + datetime.timedelta(days=2))

    assert run_reminders("worker-1", now=NOW).sent == 1


@pytest.mark.django_db
def test_nobody_who_turned_them_off_gets_one():
    committee = make_committee()
    ana, beto = people_of(committee, "Ana Integrante", "Beto Secretario")
    ReminderPreference.objects.create(person=ana.person, sessions=False)
    ReminderPreference.objects.create(person=beto.person, agreements=False)
    convened(committee)
    agreement(committee, beto.person, due=TOMORROW)

    run_reminders("worker-1", now=NOW)

    assert [m.to[0] for m in mail.outbox] == ["beto@example.org"]
    assert mail.outbox[0].subject.startswith("Recordatorio:")


@pytest.mark.django_db
def test_turning_them_off_after_planning_still_stops_the_mail():
    committee = make_committee()
    (ana,) = people_of(committee, "Ana Integrante")
    convened(committee)
    from reminders.services import plan_session_reminders

    plan_session_reminders(NOW)
    ReminderPreference.objects.create(person=ana.person, sessions=False)

    summary = run_reminders("worker-1", now=NOW)

    assert (summary.sent, summary.skipped) == (0, 1)
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_daily_digest_lists_overdue_and_due_soon_agreements(settings):
    settings.SITE_URL = "https://quorum.example.org"
    committee = make_committee(short_name="COTAPREP")
    (beto,) = people_of(committee, "Beto Secretario")
    late = agreement(
        committee, beto.person, due=datetime.date(2026, 12, 3), text="Entregar el PTO."
    )
    agreement(committee, beto.person, due=datetime.date(2026, 12, 9), text="Remitir el calendario.")
    agreement(committee, beto.person, due=datetime.date(2026, 12, 30), text="Lejano.")
    done = agreement(committee, beto.person, due=datetime.date(2026, 12, 1), text="Cumplido.")
    Agreement.objects.filter(pk=done.pk).update(status=Agreement.Status.DONE)

    run_reminders("worker-1", now=NOW)
    run_reminders("worker-1", now=NOW + datetime.timedelta(hours=3))  # same day: no second

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == (
        "Acuerdos a su cargo por vencer o vencidos — 7 de diciembre de 2026"
    )
    assert "Vencidos:\n- COTAPREP COTAPREP/2026/SO03/A01 (venció el 3 de diciembre de 2026" in body
    assert "Vencen en los próximos 3 días:\n- COTAPREP" in body
    assert "Remitir el calendario." in body
    assert "Lejano." not in body and "Cumplido." not in body
    assert f"https://quorum.example.org/acuerdos/{late.pk}/" in body

    # The next day, a new digest.
    run_reminders("worker-1", now=NOW + datetime.timedelta(days=1))
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_concluded_committee_sends_no_digest():
    committee = make_committee(
        closed_on=datetime.date(2026, 6, 30), installed_on=datetime.date(2026, 1, 1)
    )
    (beto,) = people_of(committee, "Beto Secretario")
    agreement(committee, beto.person, due=datetime.date(2026, 6, 1))

    assert run_reminders("worker-1", now=NOW).planned == 0


@pytest.mark.django_db
def test_a_worker_that_died_after_claiming_is_replaced_after_a_while():
    committee = make_committee()
    people_of(committee, "Ana Integrante")
    convened(committee)
    from reminders.services import plan_session_reminders

    plan_session_reminders(NOW)
    assert len(claim("worker-dead", NOW)) == 1  # claimed, then the process died

    assert run_reminders("worker-2", now=NOW + datetime.timedelta(minutes=1)).sent == 0
    assert run_reminders("worker-2", now=NOW + datetime.timedelta(minutes=20)).sent == 1
    assert run_reminders("worker-3", now=NOW + datetime.timedelta(minutes=40)).sent == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_send_is_tried_again(monkeypatch):
    committee = make_committee()
    people_of(committee, "Ana Integrante")
    convened(committee)
    from django.core.mail import EmailMessage

    original = EmailMessage.send

    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("sin servidor")

    monkeypatch.setattr(EmailMessage, "send", broken)
    assert run_reminders("worker-1", now=NOW).failed == 1
    assert "sin servidor" in Reminder.objects.get().error
    monkeypatch.setattr(EmailMessage, "send", original)
    assert run_reminders("worker-1", now=NOW + datetime.timedelta(minutes=5)).sent == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_once():
    """Real threads, each with its own connection: on PostgreSQL the rows are locked."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race only exists on PostgreSQL.")
    committee = make_committee()
    people_of(committee, *[f"Persona{n} Prueba" for n in range(12)])
    convened(committee)
    barrier = threading.Barrier(2)
    errors = []

    def work(name):
        try:
            barrier.wait()
            run_reminders(name, now=NOW)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # A restart: a third worker finds nothing left.
    run_reminders("worker-restarted", now=NOW + datetime.timedelta(minutes=1))

    assert errors == []
    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == 12 == len(set(recipients))
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 12


# --- The preference page ----------------------------------------------------------------------

URL = reverse("reminders:preferences")


@pytest.mark.django_db
def test_the_preference_page_requires_sign_in(client):
    assert_sign_in_required(client.get(URL), URL)


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["secretary", "member", "guest", "representative"])
def test_each_person_turns_their_reminders_off(request, client, user):
    account = request.getfixturevalue(user)
    signed_in(client, account)
    page = client.get(URL)
    assert page.status_code == 200
    assert "Recordatorio antes de cada sesión" in page_text(page)

    response = client.post(URL, {"agreements": "on"})

    assert response.status_code == 302
    preference = ReminderPreference.objects.get(person__user=account)
    assert (preference.sessions, preference.agreements) == (False, True)


@pytest.mark.django_db
def test_an_account_without_a_person_is_told_so(client, django_user_model):
    user = django_user_model.objects.create_user("solo", password="x")
    response = signed_in(client, user).get(URL)
    assert "no recibe recordatorios" in page_text(response)
    assert client.post(URL, {"sessions": "on"}).status_code == 200
    assert not ReminderPreference.objects.exists()


@pytest.mark.django_db
def test_the_command_runs_the_job():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "Recordatorios: 0 programados" in out.getvalue()
