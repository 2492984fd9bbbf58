"""The agreements of a committee: filtered by status, overdue ones stand out."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agendas.models import Agreement
from sessions.models import Session
from tests.factories import make_agreement, make_point, make_session
from tests.record import messages_of
from tests.web import assert_sign_in_required, page_text, seat, signed_in

pytestmark = pytest.mark.django_db


def url(committee, query: str = "") -> str:
    return reverse("agendas:agreements", args=[committee.slug]) + query


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def session(committee):
    return make_session(committee, date=datetime.date(2024, 3, 19))


@pytest.fixture
def agreements(session):
    """Pending and overdue, in progress with a future date, done long ago, cancelled."""
    point = make_point(session)
    return {
        "overdue": make_agreement(
            point,
            number="COTAPREP/2024/SO01/A01",
            text="Entregar el PTO.",
            due_date=today() - datetime.timedelta(days=1),
        ),
        "in_progress": make_agreement(
            point,
            number="COTAPREP/2024/SO01/A02",
            text="Revisar los simulacros.",
            status=Agreement.Status.IN_PROGRESS,
            due_date=today() + datetime.timedelta(days=10),
        ),
        "done": make_agreement(
            point,
            number="COTAPREP/2024/SO01/A03",
            text="Publicar el calendario.",
            status=Agreement.Status.DONE,
            due_date=datetime.date(2024, 4, 1),
        ),
        "cancelled": make_agreement(
            point,
            number="COTAPREP/2024/SO01/A04",
            text="Visitar el CATD.",
            status=Agreement.Status.CANCELLED,
        ),
    }


def numbers(response) -> list[str]:
    return [agreement.number for agreement, _overdue in response.context["rows"]]


def test_the_url(committee):
    assert url(committee) == f"/organos/{committee.slug}/acuerdos/"


def test_it_requires_sign_in(client, committee):
    assert_sign_in_required(client.get(url(committee)), url(committee))


def test_someone_without_a_seat_gets_a_404(client, outsider, committee, agreements):
    assert signed_in(client, outsider).get(url(committee)).status_code == 404


@pytest.mark.parametrize("user", ["member", "secretary", "alice", "manager"])
def test_those_who_read_the_committee_see_every_agreement(
    request, client, committee, agreements, user
):
    response = signed_in(client, request.getfixturevalue(user)).get(url(committee))

    assert response.status_code == 200
    assert numbers(response) == [f"COTAPREP/2024/SO01/A0{n}" for n in range(1, 5)]
    text = page_text(response)
    assert (
        "COTAPREP/2024/SO01/A01 Entregar el PTO. Primera sesión ordinaria 19 de marzo de 2024"
    ) in text
    detail = reverse("agendas:agreement", args=[agreements["overdue"].pk])
    assert f'href="{detail}"' in response.text


def test_overdue_agreements_stand_out(client, member, committee, agreements):
    response = signed_in(client, member).get(url(committee))

    rows = dict((a.number, overdue) for a, overdue in response.context["rows"])
    assert rows == {
        "COTAPREP/2024/SO01/A01": True,
        "COTAPREP/2024/SO01/A02": False,
        "COTAPREP/2024/SO01/A03": False,
        "COTAPREP/2024/SO01/A04": False,
    }
    assert response.text.count('class="table-danger"') == 1
    assert page_text(response).count("Vencido") == 2  # the filter option and the row


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("pending", ["A01"]),
        ("in_progress", ["A02"]),
        ("done", ["A03"]),
        ("cancelled", ["A04"]),
        ("vencidos", ["A01"]),
        ("", ["A01", "A02", "A03", "A04"]),
    ],
)
def test_the_filter_by_status(client, member, committee, agreements, status, expected):
    response = signed_in(client, member).get(url(committee, f"?estado={status}"))

    assert numbers(response) == [f"COTAPREP/2024/SO01/{n}" for n in expected]
    chosen = response.text.split(f'<option value="{status}"')[1].split(">")[0]
    assert "selected" in chosen


def test_an_unknown_status_is_reported_and_ignored(client, member, committee, agreements):
    response = signed_in(client, member).get(url(committee, "?estado=archivado"))

    assert response.status_code == 200
    assert messages_of(response) == [
        "Seleccione una opción válida. archivado no es una de las opciones disponibles."
    ]
    assert len(numbers(response)) == 4


def test_an_empty_list_says_so(client, member, committee):
    response = signed_in(client, member).get(url(committee))

    assert "El órgano aún no tiene acuerdos registrados." in page_text(response)


def test_a_filter_that_matches_nothing_says_so(client, member, committee, agreements):
    agreements["cancelled"].delete()

    response = signed_in(client, member).get(url(committee, "?estado=cancelled"))

    assert "Ningún acuerdo coincide con el filtro." in page_text(response)


def test_guests_and_representatives_see_the_agreements_of_what_they_see(
    client, guest, representative, committee, session, agreements
):
    meeting = make_session(committee, kind=Session.Kind.WORK_MEETING)
    make_agreement(make_point(meeting), number="COTAPREP/2024/RT01/A01")
    invited = make_session(committee, kind=Session.Kind.EXTRAORDINARY)
    invited.invitations.add(seat(guest))
    make_agreement(make_point(invited), number="COTAPREP/2024/SE01/A01")

    assert numbers(signed_in(client, guest).get(url(committee))) == ["COTAPREP/2024/SE01/A01"]
    assert numbers(signed_in(client, representative).get(url(committee))) == [
        "COTAPREP/2024/RT01/A01"
    ]


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_reads(client, member, committee, method):
    assert getattr(signed_in(client, member), method)(url(committee)).status_code == 405


@pytest.mark.parametrize("count", [1, 60], ids=["small", "large"])
def test_the_number_of_queries_does_not_grow_with_the_agreements(
    client, member, committee, count, django_assert_max_num_queries
):
    for n in range(count):
        # Both kinds of title: a working group's meeting reads its committee's name.
        session = make_session(
            committee,
            kind=Session.Kind.WORKING_GROUP if n % 2 else Session.Kind.ORDINARY,
            date=datetime.date(2024, 1, 1) + datetime.timedelta(n),
        )
        make_agreement(
            make_point(session),
            number=f"COTAPREP/2024/SO{n:02d}/A01",
            responsible=seat(member).person,
            due_date=datetime.date(2024, 2, 1),
        )
    signed_in(client, member)

    # 1 the session, 2 the user, 3-4 permissions (visible_to), 5 the committee, 6 the
    # agreements with their session, committee and responsible.
    with django_assert_max_num_queries(6):
        response = client.get(url(committee, "?estado=vencidos"))

    assert len(numbers(response)) == count
