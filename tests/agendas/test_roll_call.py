"""The roll call: the secretariat records who attends; the quorum shows as it is taken."""

import datetime

import pytest
from django.urls import reverse

from committees.models import Membership
from reports.services import draft_acta
from sessions.models import Attendance, Session
from sessions.seal import SEALED_MESSAGE
from sessions.services import compute_quorum
from tests.factories import make_membership, make_person, make_session
from tests.record import (
    DAY,
    HTMX,
    approve_at_next_session,
    at,
    attend,
    convened,
    held,
    messages_of,
    opened,
    scheduled,
    seats,
)
from tests.web import assert_sign_in_required, field_error, page_text, signed_in

pytestmark = pytest.mark.django_db

PRESENT, REMOTE, ABSENT, EXCUSED = "present", "remote", "absent", "excused"


def url(session) -> str:
    return reverse("agendas:roll-call", args=[session.pk])


def quorum_url(session) -> str:
    return reverse("agendas:roll-call-quorum", args=[session.pk])


def session_url(session) -> str:
    return reverse("sessions:detail", args=[session.pk])


def answers(**by_seat) -> dict:
    """Form data: {"asistencia_<pk>": status, "llegada_<pk>": "HH:MM"} from seat=(status, time)."""
    data = {}
    for membership, (status, arrival) in by_seat.values():
        if status:
            data[f"asistencia_{membership.pk}"] = status
        if arrival:
            data[f"llegada_{membership.pk}"] = arrival
    return data


def row(membership, status="", arrival="") -> tuple:
    return membership, (status, arrival)


@pytest.fixture
def session(committee):
    return convened(committee)


@pytest.fixture
def people(committee, secretary):
    """Two members with vote, the secretary (a fixture), a guest and a representative."""
    adela, beatriz = seats(committee, "Adela Ruiz", "Beatriz Soto")
    (guest,) = seats(committee, "Gabriela Invitada", role=Membership.Role.GUEST)
    (representative,) = seats(
        committee, "Raúl Representante", role=Membership.Role.PARTY_REPRESENTATIVE
    )
    return {
        "adela": adela,
        "beatriz": beatriz,
        "secretary": secretary.person.memberships.get(),
        "guest": guest,
        "representative": representative,
    }


def test_the_url(session):
    assert url(session) == f"/sesiones/{session.pk}/asistencia/"
    assert quorum_url(session) == f"/sesiones/{session.pk}/asistencia/quorum/"


def test_it_requires_sign_in(client, session):
    assert_sign_in_required(client.get(url(session)), url(session))
    assert_sign_in_required(client.post(url(session), {}), url(session))
    assert_sign_in_required(client.post(quorum_url(session), {}), quorum_url(session))


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_the_secretariat_takes_the_roll(request, client, session, user):
    someone = make_membership(session.committee)
    signed_in(client, request.getfixturevalue(user))

    assert client.get(url(session)).status_code == 404
    assert client.post(url(session), {f"asistencia_{someone.pk}": PRESENT}).status_code == 404
    assert client.post(quorum_url(session), {}).status_code == 404
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("user", ["secretary", "alice", "manager"])
def test_those_who_manage_open_it(request, client, session, user):
    seats(session.committee, "Adela Ruiz")

    response = signed_in(client, request.getfixturevalue(user)).get(url(session))

    assert response.status_code == 200
    assert "Guardar asistencia" in page_text(response)


def test_every_seat_active_that_day_in_order_with_what_was_recorded(
    client, secretary, session, people
):
    make_membership(
        session.committee,
        person=make_person(name="Ana Anterior"),
        end=DAY - datetime.timedelta(days=1),
    )
    make_membership(
        session.committee,
        person=make_person(name="Zoe Posterior"),
        start=DAY + datetime.timedelta(days=1),
    )
    attend(session, [people["beatriz"]], Attendance.Status.REMOTE)
    Attendance.objects.filter(membership=people["beatriz"]).update(arrival_time="11:20")

    response = signed_in(client, secretary).get(url(session))

    text = page_text(response)
    assert "Ana Anterior" not in text
    assert "Zoe Posterior" not in text
    order = [
        "Integrantes (voz y voto)",
        "Adela Ruiz",
        "Beatriz Soto",
        "Secretaría técnica (voz)",
        "Secretaria",
        "Persona invitada (voz)",
        "Gabriela Invitada",
        "Representación de partido político (voz)",
        "Raúl Representante",
    ]
    positions = [text.index(words) for words in order]
    assert positions == sorted(positions)
    assert f"Raúl Representante ({people['representative'].party.acronym})" in text
    assert "Adela Ruiz Presente A distancia Ausente Ausencia justificada Hora de llegada" in text
    beatriz = people["beatriz"].pk
    assert f'name="asistencia_{beatriz}" value="remote" class="form-check-input"' in (response.text)
    checked = response.text.split(f'name="asistencia_{beatriz}" value="remote"')[1]
    assert checked.split(">")[0].endswith("checked")
    assert f'name="llegada_{beatriz}" value="11:20"' in response.text
    assert "No hay quórum Presentes 1 de 2 integrantes con voto; se requieren 2." in text


def test_saving_records_each_answer_and_returns_to_the_session(client, secretary, session, people):
    data = answers(
        a=row(people["adela"], PRESENT, "10:55"),
        b=row(people["beatriz"], EXCUSED),
        s=row(people["secretary"], PRESENT),
        g=row(people["guest"], REMOTE, "11:10"),
    )

    response = signed_in(client, secretary).post(url(session), data)

    assert response.status_code == 302
    assert response.url == f"{session_url(session)}#registro"
    assert messages_of(response) == ["Se guardó la asistencia (4 cambios)."]
    recorded = {
        a.membership_id: (a.status, a.arrival_time, a.recorded_by) for a in Attendance.objects.all()
    }
    assert recorded == {
        people["adela"].pk: (PRESENT, datetime.time(10, 55), secretary),
        people["beatriz"].pk: (EXCUSED, None, secretary),
        people["secretary"].pk: (PRESENT, None, secretary),
        people["guest"].pk: (REMOTE, datetime.time(11, 10), secretary),
    }


def test_sending_it_again_changes_only_what_changed(client, secretary, session, people):
    signed_in(client, secretary)
    first = answers(a=row(people["adela"], PRESENT), b=row(people["beatriz"], ABSENT))
    client.post(url(session), first)
    history = Attendance.objects.get(membership=people["adela"])

    second = answers(a=row(people["adela"], PRESENT), b=row(people["beatriz"], PRESENT, "11:40"))
    response = client.post(url(session), second)

    assert messages_of(response)[-1] == "Se guardó la asistencia (1 cambio)."
    assert Attendance.objects.get(membership=people["beatriz"]).status == PRESENT
    assert Attendance.objects.get(membership=people["adela"]).pk == history.pk


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (("", "11:00"), "Indique también la asistencia de Adela Ruiz."),
        ((ABSENT, "11:00"), "Una persona ausente no tiene hora de llegada."),
        ((PRESENT, "25:99"), "Introduzca una hora válida."),
    ],
    ids=["time-without-status", "absent-with-time", "bad-time"],
)
def test_bad_answers_are_explained_and_nothing_is_saved(
    client, secretary, session, people, answer, message
):
    adela = people["adela"]
    data = answers(a=row(adela, *answer), b=row(people["beatriz"], PRESENT, "11:05"))

    response = signed_in(client, secretary).post(url(session), data)

    assert response.status_code == 200
    assert field_error(response, f"id_llegada_{adela.pk}") == message
    # What was typed stays on the page; nothing is recorded, not even the good rows.
    assert f'name="llegada_{adela.pk}" value="{answer[1]}"' in response.text
    assert f'name="llegada_{people["beatriz"].pk}" value="11:05"' in response.text
    assert not Attendance.objects.exists()


def test_a_status_that_is_not_offered_is_refused(client, secretary, session, people):
    adela = people["adela"]

    response = signed_in(client, secretary).post(url(session), {f"asistencia_{adela.pk}": "x"})

    assert response.status_code == 200
    assert "Seleccione una opción válida. x no es una de las opciones disponibles." in (
        page_text(response)
    )
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_wrong_methods(client, secretary, session, method):
    signed_in(client, secretary)
    assert getattr(client, method)(url(session)).status_code == 405
    assert getattr(client, method)(quorum_url(session)).status_code == 405
    assert client.get(quorum_url(session)).status_code == 405


@pytest.mark.parametrize(
    "status", [Session.Status.PLANNED, Session.Status.POSTPONED, Session.Status.CANCELLED]
)
def test_no_roll_call_before_the_session_is_convened(client, secretary, committee, status):
    session = make_session(
        committee, date=DAY, status=status, status_reason="Motivo." if status != "planned" else ""
    )
    (adela,) = seats(committee, "Adela Ruiz")
    signed_in(client, secretary)

    page = client.get(url(session))
    response = client.post(url(session), {f"asistencia_{adela.pk}": PRESENT})

    assert "La asistencia se registra una vez convocada la sesión." in page_text(page)
    assert "Guardar asistencia" not in page_text(page)
    assert response.status_code == 302
    assert messages_of(response) == ["La asistencia se registra una vez convocada la sesión."]
    assert not Attendance.objects.exists()


# --- The quorum, live -------------------------------------------------------------------


@pytest.fixture
def five(committee):
    """Five members with vote: a majority (the default rule) is three."""
    return seats(committee, "Uno", "Dos", "Tres", "Cuatro", "Cinco")


@pytest.mark.parametrize(
    ("statuses", "shown"),
    [
        ([PRESENT, REMOTE, ABSENT, EXCUSED, ""], "No hay quórum Presentes 2 de 5"),
        ([PRESENT, REMOTE, PRESENT, ABSENT, ""], "Hay quórum Presentes 3 de 5"),
        ([REMOTE] * 5, "Hay quórum Presentes 5 de 5"),
    ],
    ids=["one-short", "exactly", "everyone"],
)
def test_the_quorum_box_follows_the_answers_without_saving_them(
    client, secretary, session, five, statuses, shown
):
    data = {f"asistencia_{m.pk}": s for m, s in zip(five, statuses, strict=True) if s}
    # The secretary and a guest, present, never count.
    data[f"asistencia_{secretary.person.memberships.get().pk}"] = PRESENT
    (guest,) = seats(session.committee, "Invitada", role=Membership.Role.GUEST)
    data[f"asistencia_{guest.pk}"] = PRESENT

    response = signed_in(client, secretary).post(quorum_url(session), data, headers=HTMX)

    assert response.status_code == 200
    # Only what goes inside the live region: the region itself stays on the page.
    assert response.text.lstrip().startswith("<p ")
    assert "<html" not in response.text
    assert 'id="quorum"' not in response.text
    assert page_text(response) == f"{shown} integrantes con voto; se requieren 3."
    assert not Attendance.objects.exists()


def test_the_page_and_the_service_agree_on_the_quorum(client, secretary, session, five):
    attend(session, five[:3])
    attend(session, five[3:], Attendance.Status.ABSENT)

    text = page_text(signed_in(client, secretary).get(url(session)))

    assert f"Hay quórum {compute_quorum(session)}" in text
    assert "Presentes 3 de 5 integrantes con voto; se requieren 3." in text


def test_the_form_asks_for_the_quorum_on_every_change(client, secretary, session, five):
    response = signed_in(client, secretary).get(url(session))

    assert f'hx-post="{quorum_url(session)}" hx-trigger="change"' in response.text
    assert 'hx-target="#quorum" hx-swap="innerHTML"' in response.text
    assert '<div id="quorum" aria-live="polite">' in response.text
    assert f'action="{url(session)}"' in response.text


def test_once_opened_it_shows_the_quorum_declared(client, secretary, session, five):
    attend(session, five[:4])
    opened(session)
    late = five[4]

    response = signed_in(client, secretary).get(url(session))
    preview = client.post(quorum_url(session), {f"asistencia_{late.pk}": ABSENT}, headers=HTMX)

    text = page_text(response)
    assert (
        "Quórum declarado Al abrir la sesión, a las 11:00 h, estaban presentes 5 integrantes "
        "con voto; se requerían 3."
    ) in text
    assert "Asistencia ahora: Presentes 5 de 5 integrantes con voto" in text
    # The declared quorum stays what it was, whatever the roll call says now.
    assert "estaban presentes 5 integrantes" in page_text(preview)
    assert "Asistencia ahora: Presentes 0 de 5" in page_text(preview)
    session.refresh_from_db()
    assert (session.quorum_present, session.quorum_required) == (5, 3)


# --- Members read the attendance on the session page --------------------------------------


def test_members_read_the_attendance_on_the_session_page(client, member, session, people):
    attend(session, [people["adela"], people["secretary"]])
    attend(session, [people["beatriz"]], Attendance.Status.EXCUSED)
    Attendance.objects.filter(membership=people["adela"]).update(arrival_time="11:05")

    response = signed_in(client, member).get(session_url(session))

    text = page_text(response)
    assert (
        "Asistencia Integrante (voz y voto) Adela Ruiz: presente, llegó a las 11:05 h "
        "Beatriz Soto: ausencia justificada Secretaría técnica (voz) Secretaria: presente"
    ) in text
    assert url(session) not in response.text
    assert "Pasar lista" not in text


def test_the_secretariat_gets_the_roll_call_from_the_session_page(client, secretary, session):
    response = signed_in(client, secretary).get(session_url(session))

    assert f'href="{url(session)}"' in response.text
    assert "Aún no se registra la asistencia." in page_text(response)


def test_a_planned_session_has_no_roll_call_yet(client, secretary, committee):
    session = make_session(committee, date=DAY)

    response = signed_in(client, secretary).get(session_url(session))

    assert "La asistencia se registra una vez convocada la sesión." in page_text(response)
    assert url(session) not in response.text


# --- Bounded queries ----------------------------------------------------------------------


@pytest.mark.parametrize("seat_count", [2, 30], ids=["small", "large"])
def test_the_number_of_queries_does_not_grow_with_the_seats(
    client, secretary, session, seat_count, django_assert_max_num_queries
):
    roles = list(Membership.Role)
    for n in range(seat_count - 1):  # the secretary's seat is the last one
        make_membership(session.committee, role=roles[n % 4], person=make_person(name=f"P{n}"))
    attend(session, session.committee.memberships.all()[: seat_count // 2])
    signed_in(client, secretary)
    data = {f"asistencia_{m.pk}": PRESENT for m in session.committee.memberships.all()}

    # 1 the session, 2 the user, 3-4 the user's own and group permissions, 5 the session
    # with committee and institution, 6 the seats with person and party, 7 the attendance,
    # 8-9 the quorum rule and the committee's own values for it.
    with django_assert_max_num_queries(9):
        response = client.get(url(session))
    with django_assert_max_num_queries(9):
        preview = client.post(quorum_url(session), data, headers=HTMX)

    assert response.text.count('name="llegada_') == seat_count
    assert "Hay quórum" in page_text(preview)


def test_late_arrivals_are_recorded_after_opening(client, secretary, session, five):
    attend(session, five[:3])
    opened(session)
    late = five[3]

    response = signed_in(client, secretary).post(
        url(session), {f"asistencia_{late.pk}": PRESENT, f"llegada_{late.pk}": "11:45"}
    )

    assert response.status_code == 302
    attendance = Attendance.objects.get(membership=late)
    assert (attendance.status, attendance.arrival_time) == (PRESENT, datetime.time(11, 45))
    assert at(DAY, 11) == session.opened_at


def test_once_the_acta_is_approved_the_attendance_stays(client, secretary, committee):
    (adela,) = seats(committee, "Adela Ruiz")
    session = held(scheduled(committee, DAY))
    approve_at_next_session(draft_acta(session))
    signed_in(client, secretary)

    page = client.get(url(session))
    response = client.post(url(session), {f"asistencia_{adela.pk}": ABSENT})

    message = str(SEALED_MESSAGE)
    assert message in page_text(page)
    assert "Guardar asistencia" not in page_text(page)
    assert messages_of(response) == [message]
    assert Attendance.objects.get(session=session, membership=adela).status == PRESENT
