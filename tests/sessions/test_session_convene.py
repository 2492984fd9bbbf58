"""
Convening a session from its page: the check page with its warnings, the secretariat's
"Convocar", the recorded confirmation, and the convocation mail.
"""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from committees.models import Membership
from sessions.convening import convening_warnings
from sessions.models import ConveningConfirmation, NoticeDelivery, Session
from sessions.services import convene_session
from tests.factories import make_membership, make_person, make_point, make_session
from tests.web import assert_sign_in_required, page_text, signed_in

pytestmark = pytest.mark.django_db


def url(session) -> str:
    return reverse("sessions:convene", args=[session.pk])


def session_page(session) -> str:
    return reverse("sessions:detail", args=[session.pk])


def confirmed(session) -> dict:
    """What the check page posts once the secretary ticks the confirmation."""
    codes = [warning.code for warning in convening_warnings(session)]
    return {"advertencia": codes, "confirmar": "si"}


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


@pytest.fixture
def ready(committee, with_email):
    """A session with nothing to warn about: place, a matter to discuss, everyone reachable."""
    session = make_session(
        committee,
        date=timezone.localdate() + datetime.timedelta(days=30),
        start_time=None,
        place="Sala de sesiones",
    )
    make_point(session, title="Lectura y aprobación del orden del día", kind="approval")
    make_point(session, title="Informe del avance del PREP", kind="informative")
    Membership.objects.filter(committee=committee).exclude(person=with_email.person).delete()
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


@pytest.mark.parametrize("method", ["put", "delete"])
def test_it_answers_get_and_post_only(client, secretary, session, method):
    assert getattr(signed_in(client, secretary), method)(url(session)).status_code == 405


def test_the_secretary_convenes_and_the_convocation_goes_out(
    client, committee, with_email, session, mailoutbox, django_capture_on_commit_callbacks
):
    person = make_person(name="Ana Integrante", email="ana@example.org")
    make_membership(committee, person=person, end=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(client, with_email).post(url(session), confirmed(session))

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
    response = signed_in(client, request.getfixturevalue(user)).post(
        url(session), confirmed(session)
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == Session.Status.CONVENED


def test_a_short_notice_is_a_warning_not_a_refusal(client, with_email, session):
    session.date = timezone.localdate() + datetime.timedelta(days=1)
    session.save()

    page = signed_in(client, with_email).get(url(session))
    assert (
        "La convocatoria se envía con menos de 72 horas de anticipación, el plazo del órgano "
        "para una sesión ordinaria."
    ) in page_text(page)
    signed_in(client, with_email).post(url(session), confirmed(session))

    session.refresh_from_db()
    assert session.status == Session.Status.CONVENED


def test_people_without_email_are_named_to_the_secretariat(client, committee, secretary, session):
    make_membership(committee, person=make_person(name="Beatriz Sin Correo"), end=None)

    response = signed_in(client, in_office(secretary)).post(url(session), confirmed(session))

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

    response = signed_in(client, with_email).post(url(session), confirmed(session))

    assert flashed(response)[0] == ("success", "Se convocó la primera sesión ordinaria.")
    session.refresh_from_db()
    assert session.status == Session.Status.CONVENED


# --- The panel on the session page ----------------------------------------------------------


def test_the_panel_offers_the_secretariat_what_a_planned_session_allows(client, secretary, session):
    response = signed_in(client, secretary).get(session_page(session))

    text = page_text(response)
    assert "Convocatoria y desarrollo Estado Programada" in text
    assert f'href="{url(session)}"' in response.text
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


# --- The check before convening -------------------------------------------------------------


def warning_codes(response) -> list[str]:
    return [w.code for w in response.context["warnings"]]


def test_a_session_with_nothing_to_warn_about_is_convened_without_confirmation(
    client, with_email, ready
):
    page = signed_in(client, with_email).get(url(ready))
    assert page.status_code == 200
    assert warning_codes(page) == []
    assert "Sin advertencias" in page_text(page)

    response = signed_in(client, with_email).post(url(ready))

    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == Session.Status.CONVENED
    assert not ConveningConfirmation.objects.exists()


def test_no_recipients_is_a_warning(client, with_email, ready):
    with_email.person.email = ""
    with_email.person.save()

    page = signed_in(client, with_email).get(url(ready))

    assert warning_codes(page) == ["no_recipients", "no_email"]
    assert "Nadie recibirá la convocatoria por correo" in page_text(page)


def test_people_without_email_are_a_warning(client, committee, with_email, ready):
    make_membership(committee, person=make_person(name="Beatriz Sin Correo"), end=None)

    page = signed_in(client, with_email).get(url(ready))

    assert warning_codes(page) == ["no_email"]
    assert (
        "Beatriz Sin Correo no tiene correo electrónico registrado: no recibirá la convocatoria."
        in page_text(page)
    )


def test_an_agenda_of_procedural_points_only_is_a_warning(client, with_email, ready):
    ready.points.filter(kind="informative").delete()
    ready.points.update(standard="agenda")

    page = signed_in(client, with_email).get(url(ready))

    assert warning_codes(page) == ["no_substantive_point"]
    assert "solo tiene puntos de trámite" in page_text(page)


@pytest.mark.parametrize("place", ["", "Por definir", "  por definir. ", "Pendiente"])
def test_an_undefined_place_without_a_link_is_a_warning(client, with_email, ready, place):
    ready.place = place
    ready.save()

    page = signed_in(client, with_email).get(url(ready))

    assert warning_codes(page) == ["no_place"]
    assert "No se ha definido el lugar ni el enlace" in page_text(page)


def test_a_video_link_is_a_place(client, with_email, ready):
    ready.place = "Por definir"
    ready.video_link = "https://reuniones.example.org/cotaprep"
    ready.save()

    assert warning_codes(signed_in(client, with_email).get(url(ready))) == []


def test_a_notice_shorter_than_the_rule_is_a_warning(client, with_email, ready):
    ready.date = timezone.localdate() + datetime.timedelta(days=1)
    ready.save()

    page = signed_in(client, with_email).get(url(ready))

    assert warning_codes(page) == ["short_notice"]


def test_warnings_must_be_confirmed_and_the_confirmation_is_recorded(
    client, committee, with_email, ready
):
    ready.place = "Por definir"
    ready.save()
    signed_in(client, with_email)

    unticked = client.post(url(ready), {"advertencia": ["no_place"]})

    assert unticked.status_code == 200
    assert "Confirme que desea convocar pese a las advertencias." in page_text(unticked)
    ready.refresh_from_db()
    assert ready.status == Session.Status.PLANNED

    response = client.post(url(ready), {"advertencia": ["no_place"], "confirmar": "si"})

    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == Session.Status.CONVENED
    confirmation = ConveningConfirmation.objects.get(session=ready)
    assert confirmation.confirmed_by == with_email
    assert confirmation.warnings == [
        "No se ha definido el lugar ni el enlace de la videoconferencia: la convocatoria no "
        "dirá dónde se celebra la sesión."
    ]
    panel = page_text(client.get(session_page(ready)))
    assert "con 1 advertencia confirmada por" in panel


def test_a_warning_that_appeared_after_the_page_was_shown_is_not_confirmed_blindly(
    client, committee, with_email, ready
):
    signed_in(client, with_email)
    ready.place = "Por definir"
    ready.save()

    # The page was shown without warnings; the secretary posts with nothing to confirm.
    response = client.post(url(ready), {"confirmar": "si"})

    assert response.status_code == 200
    assert "Las advertencias cambiaron" in page_text(response)
    ready.refresh_from_db()
    assert ready.status == Session.Status.PLANNED


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_the_secretariat_sees_the_check_page(request, client, session, user):
    assert signed_in(client, request.getfixturevalue(user)).get(url(session)).status_code == 404


def test_the_check_page_of_a_convened_session_sends_back(client, with_email, ready):
    convene_session(ready, notify=False)

    response = signed_in(client, with_email).get(url(ready))

    assert response.status_code == 302
    assert flashed(response) == [
        ("error", "Solo se convoca una sesión programada o pospuesta; esta está convocada.")
    ]
