"""The session admin: calendar edits, the Posponer and Cancelar actions, the agenda inline."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from agendas.models import AgendaPoint
from committees.models import Committee, Institution
from sessions.models import Session

CHANGELIST = reverse("admin:committee_sessions_session_changelist")
ADD = reverse("admin:committee_sessions_session_add")

pytestmark = pytest.mark.django_db


def make_committee(**overrides):
    institution = Institution.objects.create(
        name="Instituto Electoral de Prueba", short_name="IEP", kind=Institution.Kind.OPL
    )
    fields = {
        "institution": institution,
        "name": "Comité Técnico Asesor del PREP",
        "short_name": "COTAPREP",
        "slug": "cotaprep",
        "kind": Committee.Kind.TECHNICAL_ADVISORY,
        "installed_on": datetime.date(2023, 11, 1),
    }
    return Committee.objects.create(**{**fields, **overrides})


def make_session(committee, number, date, **overrides):
    fields = {"kind": Session.Kind.ORDINARY, "status": Session.Status.PLANNED}
    return Session.objects.create(
        committee=committee, number=number, date=date, **{**fields, **overrides}
    )


def make_points(session, *titles):
    return [
        AgendaPoint.objects.create(
            session=session, position=n, title=title, kind=AgendaPoint.Kind.INFORMATIVE
        )
        for n, title in enumerate(titles, start=1)
    ]


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def committee():
    return make_committee()


# Posponer


def postpone(client, *sessions, **fields):
    data = {"action": "postpone", "_selected_action": [s.pk for s in sessions], "apply": "1"}
    return client.post(CHANGELIST, {**data, **fields})


def test_postpone_shows_the_intermediate_page(admin_client, committee):
    session = make_session(committee, 1, datetime.date(2024, 1, 10))

    response = admin_client.post(
        CHANGELIST, {"action": "postpone", "_selected_action": [session.pk], "index": "0"}
    )

    assert response.status_code == 200
    assert "admin/committee_sessions/session/change_status.html" in [
        t.name for t in response.templates
    ]
    assert "Nueva fecha" in response.text
    assert "Primera sesión ordinaria" in response.text


def test_postpone_moves_the_session_and_keeps_why(admin_client, committee):
    session = make_session(committee, 1, datetime.date(2024, 1, 10))

    response = postpone(
        admin_client,
        session,
        new_date="2024-01-17",
        new_start_time="11:00",
        reason="Coincide con el simulacro del PREP.",
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.date == datetime.date(2024, 1, 17)
    assert session.start_time == datetime.time(11, 0)
    assert session.status == Session.Status.POSTPONED
    assert session.status_reason == "Coincide con el simulacro del PREP."
    assert session.rescheduled_from == datetime.date(2024, 1, 10)
    assert session.revision > 0
    assert "Se pospuso 1 sesión." in messages_of(response)


def test_postpone_counts_every_session(admin_client, committee):
    first = make_session(committee, 1, datetime.date(2024, 1, 10))
    second = make_session(committee, 2, datetime.date(2024, 1, 12))

    response = postpone(admin_client, first, second, new_date="2024-02-01", reason="Receso.")

    assert "Se pospusieron 2 sesiones." in messages_of(response)
    assert set(Session.objects.values_list("status", flat=True)) == {Session.Status.POSTPONED}


def test_postpone_without_reason_shows_the_form_again(admin_client, committee):
    session = make_session(committee, 1, datetime.date(2024, 1, 10))

    response = postpone(admin_client, session, new_date="2024-01-17", reason="  ")

    assert response.status_code == 200
    assert "Este campo es obligatorio." in response.text
    assert 'value="2024-01-17"' in response.text  # what was typed is kept
    assert f'name="_selected_action" value="{session.pk}"' in response.text
    session.refresh_from_db()
    assert session.date == datetime.date(2024, 1, 10)
    assert session.status == Session.Status.PLANNED
    assert session.revision == 0


def test_postpone_rejects_an_end_time_without_start(admin_client, committee):
    session = make_session(committee, 1, datetime.date(2024, 1, 10))

    response = postpone(
        admin_client, session, new_date="2024-01-17", new_end_time="12:00", reason="Receso."
    )

    assert response.status_code == 200
    assert "Indique también la nueva hora de inicio." in response.text
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED


def test_a_held_session_cannot_be_postponed(admin_client, committee):
    held = make_session(committee, 1, datetime.date(2024, 1, 10), status=Session.Status.HELD)

    response = postpone(admin_client, held, new_date="2024-01-17", reason="Por error.")

    assert response.status_code == 302
    assert messages_of(response) == [
        "No se pudo posponer «Primera sesión ordinaria (COTAPREP, 10/01/2024)»: "
        "No se puede posponer una sesión celebrada."
    ]
    held.refresh_from_db()
    assert held.date == datetime.date(2024, 1, 10)
    assert held.status == Session.Status.HELD
    assert held.status_reason == ""


def test_postpone_changes_the_sessions_it_can_and_reports_the_others(admin_client, committee):
    held = make_session(committee, 1, datetime.date(2024, 1, 10), status=Session.Status.HELD)
    planned = make_session(committee, 2, datetime.date(2024, 1, 20))

    response = postpone(admin_client, held, planned, new_date="2024-01-25", reason="Receso.")

    found = messages_of(response)
    assert "Se pospuso 1 sesión." in found
    assert any(m.startswith("No se pudo posponer «Primera sesión ordinaria") for m in found)
    planned.refresh_from_db()
    assert planned.date == datetime.date(2024, 1, 25)


def test_postpone_to_an_earlier_date_is_refused(admin_client, committee):
    session = make_session(committee, 1, datetime.date(2024, 1, 10))

    response = postpone(admin_client, session, new_date="2024-01-05", reason="Adelanto.")

    assert any("La nueva fecha debe ser posterior" in m for m in messages_of(response))
    session.refresh_from_db()
    assert session.date == datetime.date(2024, 1, 10)


# Cancelar


def test_cancel_keeps_the_reason(admin_client, committee):
    session = make_session(committee, 1, datetime.date(2024, 1, 10))

    response = admin_client.post(
        CHANGELIST,
        {
            "action": "cancel",
            "_selected_action": [session.pk],
            "apply": "1",
            "reason": "No se reunió el quórum.",
        },
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.status_reason == "No se reunió el quórum."
    assert session.status_changed_at is not None
    assert "Se canceló 1 sesión." in messages_of(response)


def test_cancel_without_reason_changes_nothing(admin_client, committee):
    session = make_session(committee, 1, datetime.date(2024, 1, 10))

    response = admin_client.post(
        CHANGELIST, {"action": "cancel", "_selected_action": [session.pk], "apply": "1"}
    )

    assert response.status_code == 200
    assert "Este campo es obligatorio." in response.text
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED


def test_a_cancelled_session_cannot_be_cancelled_again(admin_client, committee):
    session = make_session(
        committee,
        1,
        datetime.date(2024, 1, 10),
        status=Session.Status.CANCELLED,
        status_reason="Primera vez.",
    )

    response = admin_client.post(
        CHANGELIST,
        {"action": "cancel", "_selected_action": [session.pk], "apply": "1", "reason": "Otra."},
    )

    assert any("No se puede cancelar una sesión cancelada." in m for m in messages_of(response))
    session.refresh_from_db()
    assert session.status_reason == "Primera vez."


# Adding a session


def add_form_data(committee, **overrides):
    data = {
        "committee": committee.pk,
        "kind": Session.Kind.ORDINARY,
        "role": "",
        "number": "",
        "date": "2024-01-10",
        "start_time": "10:00",
        "end_time": "",
        "place": "Sala de sesiones",
        "video_link": "",
        "status": Session.Status.PLANNED,
        "convened_at_0": "",
        "convened_at_1": "",
        "status_reason": "",
        "rescheduled_from": "",
        "is_public": "on",
        "notes": "",
    }
    return {**data, **overrides}


def test_a_new_session_gets_its_standard_agenda(admin_client, committee):
    response = admin_client.post(ADD, add_form_data(committee))

    assert response.status_code == 302
    session = Session.objects.get()
    assert session.number == 1
    titles = list(session.points.order_by("position").values_list("title", flat=True))
    assert titles[0] == "Lectura y aprobación del orden del día"
    assert titles[-1] == "Resumen y clausura de la sesión"


def test_a_new_session_without_number_is_numbered_in_date_order(admin_client, committee):
    later = make_session(committee, 1, datetime.date(2024, 2, 7))

    admin_client.post(ADD, add_form_data(committee, date="2024-01-10"))

    new = Session.objects.exclude(pk=later.pk).get()
    later.refresh_from_db()
    assert (new.number, later.number) == (1, 2)


def test_the_admin_does_not_set_a_session_as_held(admin_client, committee):
    # A session is held through its lifecycle (open with quorum, close), never typed so.
    admin_client.post(
        ADD,
        add_form_data(
            committee, kind=Session.Kind.EXTRAORDINARY, number="3", status=Session.Status.HELD
        ),
    )

    session = Session.objects.get()
    assert session.status == Session.Status.PLANNED
    assert session.number == 1  # a planned session's number follows the date order
    assert session.points.count() == 2  # agenda, summary and closing


def test_a_typed_number_of_a_planned_session_follows_the_date_order(admin_client, committee):
    admin_client.post(ADD, add_form_data(committee, number="3"))

    assert Session.objects.get().number == 1


def test_the_add_form_refuses_a_repeated_number(admin_client, committee):
    make_session(committee, 1, datetime.date(2024, 2, 7))

    response = admin_client.post(ADD, add_form_data(committee, number="1"))

    assert response.status_code == 200
    assert "Ya existe una sesión de ese tipo con ese número en este órgano." in response.text
    assert Session.objects.count() == 1


# Editing dates


def test_changing_a_date_in_the_list_renumbers(admin_client, committee):
    first = make_session(committee, 1, datetime.date(2024, 1, 10))
    second = make_session(committee, 2, datetime.date(2024, 1, 20))

    response = admin_client.post(
        CHANGELIST,
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": first.pk,
            "form-0-date": "2024-01-25",
            "form-0-start_time": "",
            "form-0-end_time": "",
            "form-1-id": second.pk,
            "form-1-date": "2024-01-05",
            "form-1-start_time": "",
            "form-1-end_time": "",
            "_save": "Guardar",
        },
    )

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.date, second.number) == (datetime.date(2024, 1, 5), 1)
    assert (first.date, first.number) == (datetime.date(2024, 1, 25), 2)
    assert first.revision == second.revision == 1


def test_a_convened_session_keeps_its_number_when_another_moves(admin_client, committee):
    convened = make_session(
        committee, 1, datetime.date(2024, 1, 10), status=Session.Status.CONVENED
    )
    planned = make_session(committee, 2, datetime.date(2024, 1, 20))

    admin_client.post(
        CHANGELIST,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": planned.pk,
            "form-0-date": "2024-01-05",
            "form-0-start_time": "",
            "form-0-end_time": "",
            "_save": "Guardar",
        },
    )

    convened.refresh_from_db()
    planned.refresh_from_db()
    assert planned.date == datetime.date(2024, 1, 5)
    assert (convened.number, planned.number) == (1, 2)


def change_form_data(session, points, **overrides):
    data = add_form_data(
        session.committee,
        number=session.number,
        date=session.date.isoformat(),
        start_time="",
        place="",
        status=session.status,
    )
    data.update(
        {
            "points-TOTAL_FORMS": str(len(points)),
            "points-INITIAL_FORMS": str(len(points)),
            "points-MIN_NUM_FORMS": "0",
            "points-MAX_NUM_FORMS": "1000",
            "attendances-TOTAL_FORMS": "0",
            "attendances-INITIAL_FORMS": "0",
            "attendances-MIN_NUM_FORMS": "0",
            "attendances-MAX_NUM_FORMS": "1000",
        }
    )
    for index, point in enumerate(points):
        data.update(
            {
                f"points-{index}-id": point.pk,
                f"points-{index}-session": session.pk,
                f"points-{index}-position": point.position,
                f"points-{index}-title": point.title,
                f"points-{index}-kind": point.kind,
                f"points-{index}-presenter": point.presenter,
            }
        )
    data.update(overrides)
    return data


def change_url(session):
    return reverse("admin:committee_sessions_session_change", args=[session.pk])


def test_changing_the_date_on_the_change_page_renumbers(admin_client, committee):
    first = make_session(committee, 1, datetime.date(2024, 1, 10))
    second = make_session(committee, 2, datetime.date(2024, 1, 20))

    response = admin_client.post(change_url(first), change_form_data(first, [], date="2024-01-30"))

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.number, first.number) == (1, 2)


# The agenda on the session page


def positions(session):
    return list(session.points.order_by("position").values_list("title", flat=True))


def test_the_change_page_shows_the_reorder_controls(admin_client, committee):
    session = make_session(committee, 1, datetime.date(2024, 1, 10))
    make_points(session, "Orden del día", "Informe")

    response = admin_client.get(change_url(session))

    assert response.status_code == 200
    assert "js/admin-agenda-order.js" in response.text
    assert 'data-label-up="Subir el punto"' in response.text
    assert "<script>" not in response.text  # no inline script (CSP)


def test_swapping_two_numbers_reorders_the_agenda(admin_client, committee):
    session = make_session(committee, 1, datetime.date(2024, 1, 10))
    points = make_points(session, "Orden del día", "Avance mensual", "Informe", "Clausura")

    response = admin_client.post(
        change_url(session),
        change_form_data(session, points, **{"points-1-position": "3", "points-2-position": "2"}),
    )

    assert response.status_code == 302
    assert positions(session) == ["Orden del día", "Informe", "Avance mensual", "Clausura"]
    # Each moved point leaves a trace in its history.
    assert points[1].history.first().position == 3


def test_a_repeated_number_is_refused(admin_client, committee):
    session = make_session(committee, 1, datetime.date(2024, 1, 10))
    points = make_points(session, "Orden del día", "Avance mensual", "Informe")

    response = admin_client.post(
        change_url(session), change_form_data(session, points, **{"points-2-position": "1"})
    )

    assert response.status_code == 200
    assert "El número de punto 1 está repetido" in response.text
    assert positions(session) == ["Orden del día", "Avance mensual", "Informe"]


def test_deleting_a_point_closes_the_gap(admin_client, committee):
    session = make_session(committee, 1, datetime.date(2024, 1, 10))
    points = make_points(session, "Orden del día", "Avance mensual", "Informe")

    admin_client.post(
        change_url(session), change_form_data(session, points, **{"points-1-DELETE": "on"})
    )

    assert list(session.points.order_by("position").values_list("position", "title")) == [
        (1, "Orden del día"),
        (2, "Informe"),
    ]


def test_a_new_point_takes_its_place_and_edits_are_kept(admin_client, committee):
    session = make_session(committee, 1, datetime.date(2024, 1, 10))
    points = make_points(session, "Orden del día", "Clausura")
    data = change_form_data(
        session,
        points,
        **{
            "points-TOTAL_FORMS": "3",
            "points-1-position": "3",
            "points-1-title": "Resumen y clausura",
            "points-2-session": session.pk,
            "points-2-position": "2",
            "points-2-title": "Informe de avance",
            "points-2-kind": AgendaPoint.Kind.INFORMATIVE,
            "points-2-presenter": "Secretaría técnica",
        },
    )

    response = admin_client.post(change_url(session), data)

    assert response.status_code == 302
    assert positions(session) == ["Orden del día", "Informe de avance", "Resumen y clausura"]


def test_the_session_history_shows_each_change(admin_client, committee):
    session = make_session(committee, 1, datetime.date(2024, 1, 10))
    admin_client.post(change_url(session), change_form_data(session, [], place="Sala 2"))

    response = admin_client.get(
        reverse("admin:committee_sessions_session_history", args=[session.pk])
    )

    assert response.status_code == 200
    assert session.history.count() == 2
    assert "admin" in response.text  # who changed it
