"""Closing a session that was opened with quorum: it is held from then on."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agendas.services import cast_vote, dispose_point
from committees.spanish import long_date
from sessions.models import Attendance, Session
from sessions.services import convene_session, record_attendance
from tests.factories import make_committee, make_membership, make_point, make_session
from tests.sessions.test_session_postpone import flashed
from tests.web import assert_sign_in_required, page_text, signed_in

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 3, 19)
OPENED_AT = datetime.datetime(2024, 3, 19, 17, 5, tzinfo=datetime.UTC)


def url(session) -> str:
    return reverse("sessions:close", args=[session.pk])


def session_page(session) -> str:
    return reverse("sessions:detail", args=[session.pk])


@pytest.fixture
def session(committee):
    return make_session(
        committee,
        date=DAY,
        status=Session.Status.CONVENED,
        convened_at=datetime.datetime(2024, 3, 12, 16, tzinfo=datetime.UTC),
        opened_at=OPENED_AT,
        quorum_present=2,
        quorum_required=2,
    )


def test_the_url(session):
    assert url(session) == f"/sesiones/{session.pk}/clausurar/"


CLOSING = {"ended_at": "13:20"}


def test_it_requires_sign_in(client, session):
    assert_sign_in_required(client.post(url(session), CLOSING), url(session))
    session.refresh_from_db()
    assert session.status == Session.Status.CONVENED


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_the_secretariat_closes(request, client, session, user):
    response = signed_in(client, request.getfixturevalue(user)).post(url(session), CLOSING)

    assert response.status_code == 404
    session.refresh_from_db()
    assert session.closed_at is None


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_it_answers_post_only(client, secretary, session, method):
    assert getattr(signed_in(client, secretary), method)(url(session)).status_code == 405


@pytest.mark.parametrize("user", ["secretary", "alice", "manager"])
def test_it_closes_the_session_at_the_time_stated(request, client, session, user):
    response = signed_in(client, request.getfixturevalue(user)).post(url(session), CLOSING)

    assert response.status_code == 302
    assert response.url == f"{session_page(session)}#ciclo-de-la-sesion"
    session.refresh_from_db()
    assert session.status == Session.Status.HELD
    assert session.closed_at == datetime.datetime(
        2024, 3, 19, 13, 20, tzinfo=session.committee.zone
    )
    assert flashed(response) == [
        ("success", "Se clausuró la primera sesión ordinaria; queda como celebrada.")
    ]
    assert session.history.first().history_user == request.getfixturevalue(user)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("", "Indique la hora."),
        ("10:00", "La hora de clausura debe ser posterior a la de inicio (11:05)."),
        ("11:05", "La hora de clausura debe ser posterior a la de inicio (11:05)."),
        ("13:99", "Escriba una hora válida, p. ej. 11:00."),
    ],
    ids=["missing", "before-opening", "at-opening", "bad"],
)
def test_a_missing_or_impossible_time_is_refused_and_kept(client, secretary, session, value, error):
    response = signed_in(client, secretary).post(url(session), {"ended_at": value})

    assert response.status_code == 400
    assert error in page_text(response)
    assert f'value="{value}"' in response.text
    session.refresh_from_db()
    assert session.status == Session.Status.CONVENED
    assert session.closed_at is None


def test_points_for_approval_need_a_result_or_a_disposition(client, secretary, session):
    agenda = make_point(session, title="Lectura y aprobación del orden del día")
    plan = make_point(session, title="Aprobación del plan de trabajo")
    make_point(session, title="Informe del mes", kind="informative")
    signed_in(client, secretary)

    page = page_text(client.get(session_page(session)))
    assert "Antes de clausurar, registre la votación de estos puntos" in page
    response = client.post(url(session), CLOSING)

    assert flashed(response) == [
        (
            "error",
            "Antes de clausurar, registre la votación de los puntos para aprobación que "
            "faltan o indique por qué no se votaron (retirados, diferidos o no votados): "
            f"{agenda.position}. «{agenda.title}»; {plan.position}. «{plan.title}».",
        )
    ]
    session.refresh_from_db()
    assert session.status == Session.Status.CONVENED
    # A vote on one and a stated disposition on the other: now it closes.
    voter = make_membership(session.committee)
    Attendance.objects.create(session=session, membership=voter, status="present")
    cast_vote(agenda, voter, "for")
    dispose_point(plan, disposition="deferred", reason="Falta el dictamen técnico.")
    client.post(url(session), CLOSING)
    session.refresh_from_db()
    assert session.status == Session.Status.HELD


def test_a_session_is_not_closed_before_its_date(client, secretary, committee):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    session = make_session(
        committee,
        date=tomorrow,
        status=Session.Status.CONVENED,
        convened_at=datetime.datetime(2024, 3, 12, 16, tzinfo=datetime.UTC),
        opened_at=datetime.datetime.combine(tomorrow, datetime.time(11), tzinfo=committee.zone),
    )

    response = signed_in(client, secretary).post(url(session), CLOSING)

    assert flashed(response)[0][1].startswith(
        f"La sesión está programada para el {long_date(tomorrow)}: no se puede clausurar"
    )
    session.refresh_from_db()
    assert session.closed_at is None


@pytest.mark.parametrize(
    ("status", "fields"),
    [
        (Session.Status.PLANNED, {}),
        (Session.Status.CONVENED, {}),
        (Session.Status.HELD, {"opened_at": OPENED_AT, "closed_at": OPENED_AT}),
    ],
    ids=["planned", "convened-not-open", "held"],
)
def test_only_an_open_session_closes(client, secretary, committee, status, fields):
    session = make_session(committee, date=DAY, status=status, **fields)

    response = signed_in(client, secretary).post(url(session), CLOSING)

    assert flashed(response) == [("error", "Solo se clausura una sesión que se abrió con quórum.")]
    session.refresh_from_db()
    assert session.status == status
    assert session.closed_at == fields.get("closed_at")


def test_the_panel_offers_closing_an_open_session_only(client, secretary, session):
    response = signed_in(client, secretary).get(session_page(session))

    text = page_text(response)
    assert "Estado Convocada (en curso)" in text
    assert (
        "Inicio con quórum 19 de marzo de 2024, 11:05 h (2 integrantes con voto presentes; "
        "se requerían 2)"
    ) in text
    assert f'action="{url(session)}"' in response.text
    # Under way: no longer postponed, cancelled or opened again.
    for name in ("convene", "postpone", "cancel", "open"):
        assert reverse(f"sessions:{name}", args=[session.pk]) not in response.text


def test_a_held_session_offers_nothing_but_correcting_its_times(
    client, secretary, committee, session
):
    signed_in(client, secretary).post(url(session), CLOSING)

    response = client.get(session_page(session))

    text = page_text(response)
    assert "Estado Celebrada" in text
    assert f"Clausura {long_date(session.date)}," in text
    for name in ("convene", "postpone", "cancel", "open", "close"):
        assert reverse(f"sessions:{name}", args=[session.pk]) not in response.text
    assert f'action="{reverse("sessions:times", args=[session.pk])}"' in response.text


def test_a_session_recorded_afterwards_keeps_its_own_date_and_the_times_stated(
    client, django_user_model
):
    committee = make_committee()
    secretary = make_membership(committee, role="technical_secretary")
    secretary.person.user = django_user_model.objects.create_user("hg", password="x")
    secretary.person.save()
    session = make_session(
        committee,
        date=datetime.date(2024, 4, 25),
        start_time=datetime.time(11),
        end_time=datetime.time(13, 30),
    )
    make_point(session, kind="informative")
    convene_session(session, now=datetime.datetime(2024, 4, 20, tzinfo=datetime.UTC), notify=False)
    for _ in range(3):
        record_attendance(session, make_membership(committee), "present")
    client.force_login(secretary.person.user)
    # Transcribed from the notes long after: the real times, not the schedule nor the clock.
    client.post(reverse("sessions:open", args=[session.pk]), {"started_at": "11:12"})
    client.post(reverse("sessions:close", args=[session.pk]), {"ended_at": "14:05"})
    session.refresh_from_db()
    local = session.committee.zone
    assert session.opened_at.astimezone(local).replace(tzinfo=None) == datetime.datetime(
        2024, 4, 25, 11, 12
    )
    assert session.closed_at.astimezone(local).replace(tzinfo=None) == datetime.datetime(
        2024, 4, 25, 14, 5
    )
