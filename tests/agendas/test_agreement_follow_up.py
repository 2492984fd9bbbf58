"""
Following up an agreement: entries of its log, perhaps reported at a session's follow-up
point; the follow-up point lists the agreements open on its session's date.
"""

import datetime

import pytest
from django.urls import reverse

from agendas.models import AgendaPoint, Agreement, AgreementFollowUp
from agendas.services import adopt_agreement, follow_up_agreement
from tests.factories import make_committee, make_open_session, make_point, make_session
from tests.record import messages_of
from tests.web import assert_sign_in_required, field_error, field_value, page_text, signed_in

pytestmark = pytest.mark.django_db

MARCH_19 = datetime.date(2024, 3, 19)


def url(agreement) -> str:
    return reverse("agendas:agreement-follow-up", args=[agreement.pk])


def detail_url(agreement) -> str:
    return reverse("agendas:agreement", args=[agreement.pk])


def session_url(session) -> str:
    return reverse("sessions:detail", args=[session.pk])


def adopted(committee, day: datetime.date, text: str, number: int = 1) -> Agreement:
    session = make_open_session(committee, number=number, date=day)
    return adopt_agreement(make_point(session), text=text)


def follow_up_point_of(committee, day: datetime.date = MARCH_19, **fields) -> AgendaPoint:
    session = make_session(committee, date=day, **fields)
    make_point(session, title="Lectura y aprobación del orden del día")
    return make_point(
        session,
        title="Seguimiento de acuerdos",
        kind=AgendaPoint.Kind.INFORMATIVE,
        standard=AgendaPoint.Standard.AGREEMENTS_FOLLOW_UP,
    )


@pytest.fixture
def agreement(committee):
    return adopted(committee, datetime.date(2024, 1, 30), "Revisar el PTO.")


@pytest.fixture
def follow_up_point(committee, agreement):
    return follow_up_point_of(committee, number=9)


def entry(**fields) -> dict:
    return {"date": "2024-02-15", "note": "Se envió al ente auditor.", "new_status": "", **fields}


def test_the_url(agreement):
    assert url(agreement) == f"/acuerdos/{agreement.pk}/seguimiento/"


def test_it_requires_sign_in(client, agreement):
    assert_sign_in_required(client.post(url(agreement), entry()), url(agreement))
    assert not AgreementFollowUp.objects.exists()


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_the_secretariat_follows_up(request, client, agreement, user):
    response = signed_in(client, request.getfixturevalue(user)).post(url(agreement), entry())

    assert response.status_code == 404
    assert not AgreementFollowUp.objects.exists()


@pytest.mark.parametrize("user", ["secretary", "alice", "manager"])
def test_an_entry_is_logged_and_may_change_the_status(request, client, agreement, user):
    someone = request.getfixturevalue(user)

    response = signed_in(client, someone).post(
        url(agreement), entry(new_status=Agreement.Status.DONE)
    )

    assert response.status_code == 302
    assert response.url == detail_url(agreement)
    assert messages_of(response) == [f"Se registró el seguimiento del acuerdo {agreement.number}."]
    logged = AgreementFollowUp.objects.get()
    assert (logged.date, logged.note, logged.new_status) == (
        datetime.date(2024, 2, 15),
        "Se envió al ente auditor.",
        "done",
    )
    assert (logged.at_point, logged.recorded_by) == (None, someone)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DONE


def test_without_a_new_status_the_status_stays(client, secretary, agreement):
    signed_in(client, secretary).post(url(agreement), entry())

    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.PENDING
    page = page_text(client.get(detail_url(agreement)))
    assert "15 de febrero de 2024 · registró Secretaria Se envió al ente auditor." in page


def test_an_entry_from_the_follow_up_point_is_linked_to_it(
    client, secretary, agreement, follow_up_point
):
    data = entry(date="2024-03-19", at_point=follow_up_point.pk, new_status="in_progress")

    response = signed_in(client, secretary).post(url(agreement), data)

    assert response.status_code == 302
    assert response.url == f"{session_url(follow_up_point.session)}#punto-{follow_up_point.pk}"
    assert AgreementFollowUp.objects.get().at_point == follow_up_point


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (entry(note="  "), "id_note", "Escriba el seguimiento."),
        (entry(date=""), "id_date", "Indique la fecha del seguimiento."),
        (entry(date="2024-02-30"), "id_date", "Introduzca una fecha válida."),
        (
            entry(date="2024-01-29"),
            "id_date",
            "El seguimiento no puede ser anterior a la adopción del acuerdo (30/01/2024).",
        ),
        (
            entry(new_status="archived"),
            "id_new_status",
            "Seleccione una opción válida. archived no es una de las opciones disponibles.",
        ),
    ],
    ids=["no-note", "no-date", "bad-date", "before-adoption", "bad-status"],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    client, secretary, agreement, data, field, message
):
    response = signed_in(client, secretary).post(url(agreement), data)

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert not AgreementFollowUp.objects.exists()
    if data["note"].strip():
        assert field_value(response, "id_note") == data["note"]
    assert field_value(response, "id_date") == data["date"]


@pytest.mark.parametrize("which", ["not-a-follow-up-point", "another-committee", "earlier"])
def test_a_wrong_point_is_refused(client, secretary, committee, agreement, which):
    if which == "not-a-follow-up-point":
        point = follow_up_point_of(committee, number=9).session.points.get(position=1)
        message = "El punto de seguimiento no es de una sesión de este órgano."
    elif which == "another-committee":
        point = follow_up_point_of(make_committee())
        message = "El punto de seguimiento no es de una sesión de este órgano."
    else:
        point = follow_up_point_of(committee, day=datetime.date(2024, 1, 15), number=9)
        message = "El acuerdo se informa en una sesión posterior a la que lo adoptó."

    response = signed_in(client, secretary).post(
        url(agreement), entry(date="2024-03-19", at_point=point.pk)
    )

    assert response.status_code == 200
    assert f'role="alert">{message}' in response.text
    assert not AgreementFollowUp.objects.exists()


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_wrong_methods(client, secretary, agreement, method):
    assert getattr(signed_in(client, secretary), method)(url(agreement)).status_code == 405


# --- The follow-up point of a session ------------------------------------------------------


def test_the_follow_up_point_lists_exactly_the_agreements_open_that_day(client, member, committee):
    january = datetime.date(2024, 1, 30)
    pending = adopted(committee, january, "Sigue pendiente.", number=1)
    in_progress = adopted(committee, datetime.date(2024, 2, 20), "En curso.", number=2)
    follow_up_agreement(
        in_progress, note="Avanza", date=datetime.date(2024, 2, 25), new_status="in_progress"
    )
    done_before = adopted(committee, january, "Cumplido antes.", number=3)
    follow_up_agreement(
        done_before, note="Listo", date=datetime.date(2024, 3, 1), new_status="done"
    )
    done_after = adopted(committee, january, "Cumplido después.", number=4)
    follow_up_agreement(
        done_after, note="Listo", date=datetime.date(2024, 3, 25), new_status="done"
    )
    cancelled = adopted(committee, january, "Cancelado.", number=5)
    follow_up_agreement(cancelled, note="Ya no", date=january, new_status="cancelled")
    adopted(committee, datetime.date(2024, 4, 2), "Posterior.", number=6)
    adopted(make_committee(), january, "De otro órgano.")
    point = follow_up_point_of(committee, number=7)

    response = signed_in(client, member).get(session_url(point.session))

    listed = [agreement.number for agreement in response.context["open_agreements"]]
    assert sorted(listed) == sorted([pending.number, done_after.number, in_progress.number])
    assert listed[-1] == in_progress.number  # in the order of the sessions that adopted them
    text = page_text(response)
    assert "Acuerdos pendientes al 19 de marzo de 2024" in text
    assert f"{pending.number}: Sigue pendiente. (Primera sesión ordinaria;" in text
    assert "Cumplido antes." not in text
    assert "Cancelado." not in text
    assert "Posterior." not in text
    assert "De otro órgano." not in text
    assert f"{done_after.number}: Cumplido después." in text
    assert "estado actual: cumplido" in text
    assert f'href="{detail_url(pending)}"' in response.text


def test_the_secretariat_follows_up_from_the_point(client, secretary, committee, agreement):
    point = follow_up_point_of(committee, number=9)

    response = signed_in(client, secretary).get(session_url(point.session))

    assert f'href="{detail_url(agreement)}?punto={point.pk}"' in response.text


def test_no_open_agreements_says_so(client, member, committee):
    point = follow_up_point_of(committee)

    text = page_text(signed_in(client, member).get(session_url(point.session)))

    assert "No había acuerdos pendientes a la fecha de la sesión." in text


def test_a_session_without_a_follow_up_point_does_not_look_them_up(
    client, member, committee, agreement
):
    session = make_session(committee, date=MARCH_19, number=9)
    make_point(session)
    signed_in(client, member)

    response = client.get(session_url(session))

    assert response.context["open_agreements"] == []
