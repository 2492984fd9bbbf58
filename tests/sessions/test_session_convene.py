"""Convening a session from its page: the secretariat's "Convocar", and the convocation mail."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from committees.models import Membership
from sessions.models import NoticeDelivery, Session
from sessions.services import convene_session
from tests.factories import make_membership, make_person, make_point, make_session
from tests.web import assert_sign_in_required, page_text, signed_in

pytestmark = pytest.mark.django_db


def url(session) -> str:
    return reverse("sessions:convene", args=[session.pk])


def session_page(session) -> str:
    return reverse("sessions:detail", args=[session.pk])


def flashed(response) -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def session(committee):
    """An ordinary session a month ahead (notice in time), with its agenda."""
    session = make_session(
        committee, date=timezone.localdate() + datetime.timedelta(days=30), start_time=None
    )
    make_point(session, title="Lectura y aprobación del orden del día")
    return session


def in_office(user):
    """Keep the user's seat open past the test's dates (the fixtures' terms end in 2024)."""
    Membership.objects.filter(person__user=user).update(end=None)
    return user


@pytest.fixture
def with_email(secretary):
    secretary.person.email = "secretaria@example.org"
    secretary.person.save()
    return in_office(secretary)


def test_the_url(session):
    assert url(session) == f"/sesiones/{session.pk}/convocar/"


def test_it_requires_sign_in(client, session):
    assert_sign_in_required(client.post(url(session)), url(session))
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_the_secretariat_convenes(request, client, session, user, mailoutbox):
    response = signed_in(client, request.getfixturevalue(user)).post(url(session))

    assert response.status_code == 404
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED
    assert session.convened_at is None


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_it_answers_post_only(client, secretary, session, method):
    assert getattr(signed_in(client, secretary), method)(url(session)).status_code == 405


def test_the_secretary_convenes_and_the_convocation_goes_out(
    client, committee, with_email, session, mailoutbox, django_capture_on_commit_callbacks
):
    person = make_person(name="Ana Integrante", email="ana@example.org")
    make_membership(committee, person=person, end=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(client, with_email).post(url(session))

    assert response.status_code == 302
    assert response.url == f"{session_page(session)}#ciclo-de-la-sesion"
    session.refresh_from_db()
    assert session.status == Session.Status.CONVENED
    assert session.convened_at is not None
    assert flashed(response) == [
        ("success", "Se convocó la primera sesión ordinaria."),
        ("info", "Se envía la convocatoria por correo a 2 personas."),
    ]
    assert sorted(m.to[0] for m in mailoutbox) == ["ana@example.org", "secretaria@example.org"]
    assert NoticeDelivery.objects.filter(session=session).count() == 2
    # The history says who convened it.
    assert session.history.first().history_user == with_email


@pytest.mark.parametrize("user", ["alice", "manager"])
def test_those_who_manage_every_committee_convene_too(request, client, session, user):
    response = signed_in(client, request.getfixturevalue(user)).post(url(session))

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == Session.Status.CONVENED


def test_a_short_notice_is_a_warning_not_a_refusal(client, with_email, session):
    session.date = timezone.localdate() + datetime.timedelta(days=1)
    session.save()

    response = signed_in(client, with_email).post(url(session))

    session.refresh_from_db()
    assert session.status == Session.Status.CONVENED
    assert (
        "warning",
        "La convocatoria se envía con menos de 72 horas de anticipación, el plazo del órgano "
        "para una sesión ordinaria.",
    ) in flashed(response)


def test_people_without_email_are_named_to_the_secretariat(client, committee, secretary, session):
    make_membership(committee, person=make_person(name="Beatriz Sin Correo"), end=None)

    response = signed_in(client, in_office(secretary)).post(url(session))

    assert flashed(response)[1:] == [
        (
            "warning",
            "No se envió el aviso a 2 personas sin correo electrónico registrado: Beatriz "
            "Sin Correo, Secretaria.",
        )
    ]


def test_a_session_without_agenda_is_not_convened(
    client, committee, with_email, mailoutbox, django_capture_on_commit_callbacks
):
    session = make_session(committee, date=timezone.localdate() + datetime.timedelta(days=30))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = signed_in(client, with_email).post(url(session))

    assert response.status_code == 302
    assert flashed(response) == [
        ("error", "Agregue al menos un punto al orden del día antes de convocar.")
    ]
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED
    assert callbacks == [] and mailoutbox == []


def test_a_convened_session_is_not_convened_twice(
    client, with_email, session, mailoutbox, django_capture_on_commit_callbacks
):
    convene_session(session)
    convened_at = session.convened_at

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(client, with_email).post(url(session))

    assert flashed(response) == [
        ("error", "Solo se convoca una sesión programada o pospuesta; esta está convocada.")
    ]
    session.refresh_from_db()
    assert session.convened_at == convened_at
    assert mailoutbox == []


def test_a_postponed_session_is_convened_again(client, with_email, session):
    session.status = Session.Status.POSTPONED
    session.status_reason = "Coincide con el simulacro."
    session.save()

    response = signed_in(client, with_email).post(url(session))

    assert flashed(response)[0] == ("success", "Se convocó la primera sesión ordinaria.")
    session.refresh_from_db()
    assert session.status == Session.Status.CONVENED


# --- The panel on the session page ----------------------------------------------------------


def test_the_panel_offers_the_secretariat_what_a_planned_session_allows(client, secretary, session):
    response = signed_in(client, secretary).get(session_page(session))

    text = page_text(response)
    assert "Convocatoria y desarrollo Estado Programada" in text
    assert f'action="{url(session)}"' in response.text
    assert f'href="{reverse("sessions:postpone", args=[session.pk])}"' in response.text
    assert f'href="{reverse("sessions:cancel", args=[session.pk])}"' in response.text
    assert reverse("sessions:open", args=[session.pk]) not in response.text
    assert reverse("sessions:close", args=[session.pk]) not in response.text


def test_members_see_the_status_and_its_dates_only(client, member, committee):
    session = make_session(
        committee,
        date=datetime.date(2024, 3, 19),
        status=Session.Status.CONVENED,
        convened_at=datetime.datetime(2024, 3, 12, 16, tzinfo=datetime.UTC),
    )

    response = signed_in(client, member).get(session_page(session))

    text = page_text(response)
    assert "Estado Convocada Convocada el 12 de marzo de 2024, 10:00 h" in text
    for name in ("convene", "postpone", "cancel", "open", "close"):
        assert reverse(f"sessions:{name}", args=[session.pk]) not in response.text
    assert "Presentes" not in text


def test_a_party_representative_sees_no_action_either(client, representative, committee):
    session = make_session(committee, kind=Session.Kind.WORK_MEETING)
    make_membership(committee, role=Membership.Role.MEMBER)

    response = signed_in(client, representative).get(session_page(session))

    assert response.status_code == 200
    assert url(session) not in response.text
