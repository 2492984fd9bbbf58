"""Roll-call votes on a point for approval, and what the result does to a previous acta."""

import datetime

import pytest
from django.urls import reverse

from agendas.models import AgendaPoint, Vote
from agendas.services import adopt_agreement, cast_vote, schedule_session
from committees.models import Membership
from reports.models import Acta
from reports.services import draft_acta
from sessions.models import Attendance, Session
from tests.factories import make_membership, make_open_session, make_person, make_point
from tests.record import (
    DAY,
    approve_at_next_session,
    attend,
    convened,
    held,
    messages_of,
    opened,
    seats,
)
from tests.web import assert_sign_in_required, page_text, signed_in

pytestmark = pytest.mark.django_db

FOR, AGAINST, ABSTAIN = "for", "against", "abstain"


def url(point) -> str:
    return reverse("agendas:point-votes", args=[point.pk])


def session_url(session, point=None) -> str:
    url = reverse("sessions:detail", args=[session.pk])
    return f"{url}#punto-{point.pk}" if point else url


def ballot(**senses) -> dict:
    return {f"voto_{membership.pk}": sense for membership, sense in senses.values()}


def votes_of(point) -> dict:
    return dict(point.votes.values_list("membership__person__name", "sense"))


@pytest.fixture
def voters(committee):
    return seats(committee, "Adela Ruiz", "Beatriz Soto", "Carmen Díaz", "Diana Flores")


@pytest.fixture
def session(committee, voters):
    """Convened on DAY; the four members with vote, present."""
    session = convened(committee)
    attend(session, voters)
    return session


@pytest.fixture
def point(session):
    make_point(session, title="Lectura y aprobación del orden del día")
    return make_point(session, title="Aprobación del Proceso Técnico Operativo")


def test_the_url(point):
    assert url(point) == f"/puntos/{point.pk}/votacion/"


def test_it_requires_sign_in(client, point):
    assert_sign_in_required(client.get(url(point)), url(point))
    assert_sign_in_required(client.post(url(point), {}), url(point))


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_the_secretariat_records_votes(request, client, session, point, voters, user):
    opened(session)
    signed_in(client, request.getfixturevalue(user))

    assert client.get(url(point)).status_code == 404
    assert client.post(url(point), ballot(a=(voters[0], FOR))).status_code == 404
    assert not Vote.objects.exists()


@pytest.mark.parametrize("user", ["secretary", "alice", "manager"])
def test_one_row_per_member_with_vote_present(request, client, session, point, voters, user):
    seats(session.committee, "Gabriela Invitada", role=Membership.Role.GUEST)
    opened(session)
    Attendance.objects.filter(membership=voters[3]).update(status="absent")

    response = signed_in(client, request.getfixturevalue(user)).get(url(point))

    assert response.status_code == 200
    text = page_text(response)
    assert (
        "Adela Ruiz A favor En contra Abstención Beatriz Soto A favor En contra Abstención "
        "Carmen Díaz A favor En contra Abstención Guardar votación"
    ) in text
    assert "Diana Flores" not in text
    assert "Gabriela Invitada" not in text
    assert "Votación: Sin votación" in text


def test_the_secretariat_records_the_vote_and_sees_it_on_the_session_page(
    client, secretary, session, point, voters
):
    opened(session)
    signed_in(client, secretary)
    data = ballot(
        a=(voters[0], FOR), b=(voters[1], FOR), c=(voters[2], AGAINST), d=(voters[3], ABSTAIN)
    )

    response = client.post(url(point), data)

    assert response.status_code == 302
    assert response.url == session_url(session, point)
    assert messages_of(response) == ["Se registró la votación del punto 2: no aprobado."]
    assert votes_of(point) == {
        "Adela Ruiz": FOR,
        "Beatriz Soto": FOR,
        "Carmen Díaz": AGAINST,
        "Diana Flores": ABSTAIN,
    }
    text = page_text(client.get(session_url(session)))
    assert (
        "Votación: No aprobado 2 a favor, 1 en contra, 1 abstenciones Adela Ruiz: a favor; "
        "Beatriz Soto: a favor; Carmen Díaz: en contra; Diana Flores: abstención"
    ) in text


def test_a_vote_can_be_corrected_and_rows_left_blank_are_not_cast(
    client, secretary, session, point, voters
):
    opened(session)
    signed_in(client, secretary)
    client.post(url(point), ballot(a=(voters[0], AGAINST), b=(voters[1], FOR)))

    response = client.post(url(point), ballot(a=(voters[0], FOR), b=(voters[1], FOR)))

    assert messages_of(response)[-1] == (
        "Se registró la votación del punto 2: aprobado por unanimidad."
    )
    assert votes_of(point) == {"Adela Ruiz": FOR, "Beatriz Soto": FOR}
    page = client.get(url(point))
    checked = page.text.split(f'name="voto_{voters[0].pk}" value="for"')[1].split(">")[0]
    assert "checked" in checked


def test_members_read_the_result_by_name_on_the_session_page(
    client, member, session, point, voters
):
    opened(session)
    client = signed_in(client, member)
    Vote.objects.bulk_create(
        [Vote(point=point, membership=m, sense=FOR) for m in voters[:3]]
        + [Vote(point=point, membership=voters[3], sense=AGAINST)]
    )

    response = client.get(session_url(session))

    text = page_text(response)
    assert "Votación: Aprobado por mayoría 3 a favor, 1 en contra, 0 abstenciones" in text
    assert url(point) not in response.text


def test_a_tie_is_flagged_and_never_decided(client, member, session, point, voters):
    opened(session)
    for membership, sense in zip(voters, [FOR, AGAINST, FOR, AGAINST], strict=True):
        Vote.objects.create(point=point, membership=membership, sense=sense)

    response = signed_in(client, member).get(session_url(session))

    text = page_text(response)
    assert (
        "Votación: Empate 2 a favor, 2 en contra, 0 abstenciones Empate. La votación no decide "
        "el punto: el órgano debe resolverlo conforme a sus reglas; el sistema no lo da por "
        "aprobado ni por rechazado."
    ) in text
    assert "Aprobado por" not in text
    assert "No aprobado" not in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Registre el sentido del voto de al menos una persona."),
        (
            {"sense": "maybe"},
            "Seleccione una opción válida. maybe no es una de las opciones disponibles.",
        ),
    ],
    ids=["empty", "bad-sense"],
)
def test_bad_input_is_explained_and_nothing_is_cast(
    client, secretary, session, point, voters, data, message
):
    opened(session)
    form = {f"voto_{voters[0].pk}": data["sense"]} if data else {}
    form[f"voto_{voters[1].pk}"] = AGAINST if data else ""

    response = signed_in(client, secretary).post(url(point), form)

    assert response.status_code == 200
    assert message in page_text(response)
    assert not Vote.objects.exists()
    if data:
        kept = response.text.split(f'name="voto_{voters[1].pk}" value="against"')[1]
        assert "checked" in kept.split(">")[0]


def test_no_vote_without_the_session_opened_with_quorum(client, secretary, session, point, voters):
    data = ballot(a=(voters[0], FOR), b=(voters[1], AGAINST))

    page = signed_in(client, secretary).get(url(point))
    response = client.post(url(point), data)

    assert "La sesión aún no se abre con quórum" in page_text(page)
    assert response.status_code == 200
    text = page_text(response)
    # The service's reason, once for the whole form.
    assert text.count("No se puede votar: la sesión no se ha abierto con quórum.") == 1
    assert not Vote.objects.exists()
    kept = response.text.split(f'name="voto_{voters[1].pk}" value="against"')[1]
    assert "checked" in kept.split(">")[0]


def test_someone_without_vote_is_refused_and_nothing_is_cast(
    client, secretary, session, point, voters
):
    opened(session)
    clerk = secretary.person.memberships.get()
    data = ballot(a=(voters[0], FOR), s=(clerk, FOR))

    response = signed_in(client, secretary).post(url(point), data)

    assert response.status_code == 200
    text = page_text(response)
    assert (
        "Secretaria A favor En contra Abstención Solo votan las y los integrantes con voz y "
        "voto; esta persona participa con voz, sin voto."
    ) in text
    assert not Vote.objects.exists()


def test_a_member_marked_absent_meanwhile_is_refused(client, secretary, session, point, voters):
    opened(session)
    signed_in(client, secretary)
    client.get(url(point))
    Attendance.objects.filter(membership=voters[2]).update(status="absent")

    response = client.post(url(point), ballot(a=(voters[0], FOR), c=(voters[2], FOR)))

    assert "Carmen Díaz no está registrada como presente en la sesión." in page_text(response)
    assert not Vote.objects.exists()


def test_a_seat_of_another_committee_is_ignored(client, secretary, session, point, voters):
    opened(session)
    stranger = make_membership(person=make_person(name="Persona Ajena"))

    response = signed_in(client, secretary).post(
        url(point), ballot(a=(voters[0], FOR), x=(stranger, AGAINST))
    )

    assert response.status_code == 302
    assert votes_of(point) == {"Adela Ruiz": FOR}


def test_only_points_for_approval_are_voted(client, secretary, session, voters):
    opened(session)
    informative = make_point(session, kind=AgendaPoint.Kind.INFORMATIVE)

    signed_in(client, secretary)

    assert client.get(url(informative)).status_code == 404
    assert client.post(url(informative), ballot(a=(voters[0], FOR))).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_wrong_methods(client, secretary, point, method):
    assert getattr(signed_in(client, secretary), method)(url(point)).status_code == 405


def test_the_session_page_links_each_point_for_approval_once_opened(
    client, secretary, session, point
):
    informative = make_point(session, kind=AgendaPoint.Kind.INFORMATIVE)
    signed_in(client, secretary)

    before = client.get(session_url(session))
    opened(session)
    after = client.get(session_url(session))

    assert url(point) not in before.text
    assert f'href="{url(point)}"' in after.text
    assert 'aria-label="Registrar votación del punto 2"' in after.text
    assert url(informative) not in after.text


@pytest.mark.parametrize("present", [2, 12], ids=["small", "large"])
def test_the_number_of_queries_does_not_grow_with_the_members(
    client, secretary, committee, present, django_assert_max_num_queries
):
    session = convened(committee)
    point = make_point(session)
    attend(session, seats(committee, *[f"Integrante {n:02d}" for n in range(present)]))
    opened(session)
    signed_in(client, secretary)

    # 1 the session, 2 the user, 3-4 permissions, 5 the point with session and committee,
    # 6 whether the session's acta is approved, 7 the members present, 8 the votes.
    with django_assert_max_num_queries(8):
        response = client.get(url(point))

    assert response.text.count('value="abstain"') == present


# --- The vote on the previous acta approves it -------------------------------------------


@pytest.fixture
def earlier(committee, voters):
    """A held ordinary session of 20 February 2024 (all present)."""
    first = schedule_session(committee=committee, kind="ordinary", date=datetime.date(2024, 2, 20))
    Session.objects.filter(pk=first.pk).update(status="convened")
    first.refresh_from_db()
    return held(first)


@pytest.fixture
def approving(committee, earlier):
    """The session of DAY, opened, and its point approving the previous acta."""
    second = schedule_session(committee=committee, kind="ordinary", date=DAY)
    Session.objects.filter(pk=second.pk).update(status="convened")
    second.refresh_from_db()
    opened(second)
    point = second.points.get(standard=AgendaPoint.Standard.PREVIOUS_ACTA)
    assert point.approves_acta_of == earlier
    return point


def test_approving_the_previous_acta_freezes_it_and_its_minutes(
    client, secretary, earlier, approving, voters
):
    acta = draft_acta(earlier)
    signed_in(client, secretary)

    response = client.post(url(approving), ballot(**{m.person.name: (m, FOR) for m in voters}))

    assert messages_of(response) == [
        "Se registró la votación del punto 2: aprobado por unanimidad.",
        "Se aprobó el acta de la primera sesión ordinaria; su registro quedó sellado.",
    ]
    acta.refresh_from_db()
    assert acta.status == Acta.Status.APPROVED
    assert acta.approved_at_point == approving
    assert acta.approved_on == DAY
    assert acta.snapshot["approval"]["result"] == "Aprobado por unanimidad"
    # An edit of the minutes of the approved session is refused from now on.
    first_point = earlier.points.get(position=1)
    minutes = reverse("reports:acta-minutes", args=[acta.pk, first_point.pk])
    edit = client.post(minutes, {f"punto-{first_point.pk}-minutes": "Otro texto."})
    assert edit.status_code == 302
    assert messages_of(edit)[-1] == (
        "El acta ya fue aprobada y no se puede modificar. Para corregirla, registre una fe de "
        "erratas."
    )
    first_point.refresh_from_db()
    assert first_point.minutes == ""
    # Nor does the vote that approved it change any more.
    vote_again = client.post(url(approving), ballot(a=(voters[0], AGAINST)))
    assert vote_again.status_code == 302
    assert messages_of(vote_again)[-1] == (
        "Esta votación aprobó el acta de una sesión anterior: ya no se modifica."
    )
    assert votes_of(approving)["Adela Ruiz"] == FOR


def test_a_previous_acta_not_yet_drafted_is_explained(
    client, secretary, earlier, approving, voters
):
    signed_in(client, secretary)
    data = ballot(**{m.person.name: (m, FOR) for m in voters})

    response = client.post(url(approving), data)

    assert messages_of(response)[-1] == (
        "La votación aprobó el acta de la primera sesión ordinaria, pero esa acta aún no se ha "
        "elaborado: genere su proyecto desde la página de esa sesión y guarde de nuevo esta "
        "votación para registrarla como aprobada."
    )
    assert not Acta.objects.exists()
    # Once drafted, saving the same vote again approves it.
    draft_acta(earlier)
    client.post(url(approving), data)
    assert Acta.objects.get().status == Acta.Status.APPROVED


def test_a_previous_acta_voted_down_stays_a_draft(client, secretary, earlier, approving, voters):
    acta = draft_acta(earlier)
    signed_in(client, secretary)

    response = client.post(
        url(approving),
        ballot(a=(voters[0], AGAINST), b=(voters[1], AGAINST), c=(voters[2], FOR)),
    )

    assert messages_of(response) == ["Se registró la votación del punto 2: no aprobado."]
    acta.refresh_from_db()
    assert acta.status == Acta.Status.DRAFT


def test_a_tie_on_the_previous_acta_does_not_approve_it(
    client, secretary, earlier, approving, voters
):
    acta = draft_acta(earlier)
    signed_in(client, secretary)

    client.post(
        url(approving),
        ballot(
            a=(voters[0], AGAINST), b=(voters[1], AGAINST), c=(voters[2], FOR), d=(voters[3], FOR)
        ),
    )

    acta.refresh_from_db()
    assert acta.status == Acta.Status.DRAFT
    text = page_text(client.get(url(approving)))
    assert "Votación: Empate" in text
    assert "Este punto aprueba el acta de la primera sesión ordinaria" in text


def test_once_the_sessions_acta_is_approved_its_votes_stay(client, secretary, earlier, voters):
    point = earlier.points.get(position=1)
    approve_at_next_session(draft_acta(earlier), day=DAY)
    before = votes_of(point)
    signed_in(client, secretary)

    page = client.get(url(point))
    response = client.post(url(point), ballot(a=(voters[0], AGAINST)))

    message = (
        "El acta de esta sesión ya fue aprobada: su registro quedó sellado y ya no se "
        "modifica. Las correcciones se registran como fe de erratas del acta."
    )
    assert message in page_text(page)
    assert "Guardar votación" not in page_text(page)
    assert messages_of(response) == [message]
    assert votes_of(point) == before


@pytest.mark.parametrize(("points", "present"), [(1, 2), (15, 12)], ids=["small", "large"])
def test_the_session_page_stays_bounded_with_the_record(
    client, secretary, committee, points, present, django_assert_max_num_queries
):
    session = convened(committee)
    voters = seats(committee, *[f"Integrante {n:02d}" for n in range(present)])
    make_point(
        session,
        kind=AgendaPoint.Kind.INFORMATIVE,
        standard=AgendaPoint.Standard.AGREEMENTS_FOLLOW_UP,
    )
    earlier = make_point(make_open_session(committee, date=datetime.date(2024, 2, 20)))
    for n in range(points):
        adopt_agreement(earlier, text=f"Pendiente {n}", responsible=voters[0].person)
    opened(session)
    for n in range(points):
        point = make_point(session)
        for voter in voters:
            cast_vote(point, voter, FOR)
        adopt_agreement(point, text=f"Acuerdo {n}", responsible=voters[n % present].person)
    signed_in(client, secretary)

    # 1 the session, 2 the user, 3-4 permissions, 5 the session with committee and
    # institution, 6 whether the user manages it, 7 the points, 8 their documents, 9 their
    # votes, 10 their agreements, 11 the agenda's version, 12 the agreements open that day
    # (under the follow-up point), 13 the attendance, 14 the points for approval still
    # undecided, 15 the notices sent and 16 the convening warnings confirmed (lifecycle
    # panel).
    with django_assert_max_num_queries(16):
        response = client.get(session_url(session))

    assert len(response.context["open_agreements"]) == points
    assert page_text(response).count("Votación: Aprobado por unanimidad") == points
