import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from agendas.services import adopt_agreement, cast_vote, schedule_session
from reports.models import Acta
from reports.services import (
    acta_content,
    actas_pending_approval,
    add_observation,
    approve_acta,
    draft_acta,
    record_erratum,
)
from sessions.models import Attendance
from sessions.services import close_session, convene_session, open_session, record_attendance
from tests.factories import make_committee, make_membership, make_person
from tests.tamper import tamper

pytestmark = pytest.mark.django_db
MX = zoneinfo.ZoneInfo("America/Mexico_City")


def at(day, hour):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=MX)


@pytest.fixture
def committee():
    committee = make_committee(short_name="COTAPREP", installed_on=datetime.date(2023, 11, 1))
    for name in (
        "Claudia Carolina Olivares Álvarez",
        "César Ledesma Ugalde",
        "Ignacio Alberto Alarcón Alonzo",
    ):
        make_membership(committee, person=make_person(name=name))
    make_membership(
        committee, role="technical_secretary", person=make_person(name="Héctor Gallego Ávila")
    )
    make_membership(committee, role="guest", person=make_person(name="Persona Invitada"))
    return committee


def hold(committee, day, *, absent=(), votes=None):
    """Convene, take attendance, open, vote every point for approval, close."""
    session = schedule_session(
        committee=committee, kind="ordinary", date=day, start_time=datetime.time(11)
    )
    convene_session(session, now=at(day - datetime.timedelta(days=5), 10))
    for membership in committee.memberships.all():
        status = (
            Attendance.Status.ABSENT
            if membership.person.name in absent
            else Attendance.Status.PRESENT
        )
        record_attendance(session, membership, status)
    open_session(session, started_at=datetime.time(11))
    for point in session.points.filter(kind="approval"):
        for membership in committee.memberships.with_vote():
            if membership.person.name not in absent:
                cast_vote(point, membership, (votes or {}).get(membership.person.name, "for"))
    close_session(session, ended_at=datetime.time(13))
    session.refresh_from_db()
    return session


def test_the_draft_acta_reads_the_record(committee):
    first = hold(committee, datetime.date(2023, 11, 1), absent={"César Ledesma Ugalde"})
    work_plan = first.points.get(position=1)
    adopt_agreement(work_plan, text="Se aprueba el orden del día.")
    first.points.filter(position=1).update(
        minutes="La Secretaría Técnica dio lectura al orden del día."
    )
    acta = draft_acta(first)
    content = acta_content(acta.session)
    assert content["session"]["date_text"] == "1 de noviembre de 2023"
    assert (content["session"]["started_at"], content["session"]["ended_at"]) == ("11:00", "13:00")
    assert content["quorum"] == {"present": 2, "required": 2, "declared_at": "11:00"}
    assert content["technical_secretary"] == "Héctor Gallego Ávila"
    statuses = {row["name"]: row["status"] for row in content["attendance"]}
    assert statuses["César Ledesma Ugalde"] == "Ausente"
    assert statuses["Persona Invitada"] == "Presente"
    point = content["points"][0]
    assert point["minutes"] == "La Secretaría Técnica dio lectura al orden del día."
    assert point["votes"] == [
        {"name": "Claudia Carolina Olivares Álvarez", "sense": "A favor"},
        {"name": "Ignacio Alberto Alarcón Alonzo", "sense": "A favor"},
    ]
    assert point["result"] == "Aprobado por unanimidad"
    assert point["agreements"][0]["number"] == "COTAPREP/2023/SO01/A01"
    assert "Persona Invitada" not in content["signatories"]
    assert "Héctor Gallego Ávila" in content["signatories"]


def test_only_a_held_session_gets_an_acta(committee):
    session = schedule_session(
        committee=committee, kind="ordinary", date=datetime.date(2023, 11, 1)
    )
    with pytest.raises(ValidationError) as caught:
        draft_acta(session)
    assert caught.value.messages == ["Solo se levanta el acta de una sesión celebrada."]


def test_approval_at_the_next_session_freezes_the_acta(committee):
    first = hold(committee, datetime.date(2023, 11, 1))
    acta = draft_acta(first)
    member = committee.memberships.with_vote().first()
    add_observation(acta, author=member.person, text="Corregir el nombre del ente auditor.")
    second = hold(committee, datetime.date(2023, 12, 18))
    point = second.points.get(standard="previous_acta")
    assert point.approves_acta_of == first
    approve_acta(acta, at_point=point)
    acta.refresh_from_db()
    assert acta.status == Acta.Status.APPROVED
    assert acta.approved_on == datetime.date(2023, 12, 18)
    assert acta.snapshot["approval"]["session"] == "Segunda sesión ordinaria"
    assert acta.snapshot["session"]["title"] == "Primera sesión ordinaria"
    acta.body = "Otro texto"
    with pytest.raises(ValidationError) as caught:
        acta.save()
    assert "Las correcciones se registran como fe de erratas" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        add_observation(acta, author=member.person, text="Tarde")
    erratum = record_erratum(
        Acta.objects.get(pk=acta.pk), text="Dice «Ignacio», debe decir «Ignacio Alberto»."
    )
    assert erratum.acta_id == acta.pk
    acta = Acta.objects.get(pk=acta.pk)
    acta.status = Acta.Status.PUBLISHED
    acta.save()
    published = Acta.objects.get(pk=acta.pk)
    assert published.status == Acta.Status.PUBLISHED
    assert published.snapshot == acta.snapshot  # publishing changes nothing it states
    # And a published acta does not go back.
    published.status = Acta.Status.APPROVED
    with pytest.raises(ValidationError):
        published.save()


def test_the_snapshot_does_not_follow_later_edits_of_the_record(committee):
    first = hold(committee, datetime.date(2023, 11, 1))
    acta = draft_acta(first)
    second = hold(committee, datetime.date(2023, 12, 18))
    approve_acta(acta, at_point=second.points.get(standard="previous_acta"))
    tamper(first.points.filter(position=1), title="Cambiado después")
    acta.refresh_from_db()
    assert acta.snapshot["points"][0]["title"] == "Lectura y aprobación del orden del día"


def test_approval_needs_the_vote_to_approve_it(committee):
    first = hold(committee, datetime.date(2023, 11, 1))
    acta = draft_acta(first)
    against = {"Claudia Carolina Olivares Álvarez": "against", "César Ledesma Ugalde": "against"}
    second = hold(committee, datetime.date(2023, 12, 18), votes=against)
    with pytest.raises(ValidationError) as caught:
        approve_acta(acta, at_point=second.points.get(standard="previous_acta"))
    assert caught.value.messages == ["La votación del punto no aprobó el acta (No aprobado)."]
    acta.refresh_from_db()
    assert acta.status == Acta.Status.DRAFT


def test_approval_needs_the_point_that_names_this_acta(committee):
    first = hold(committee, datetime.date(2023, 11, 1))
    acta = draft_acta(first)
    second = hold(committee, datetime.date(2023, 12, 18))
    with pytest.raises(ValidationError) as caught:
        approve_acta(acta, at_point=second.points.get(standard="agenda"))
    assert "no aprueba el acta de esta sesión" in caught.value.messages[0]


def test_an_acta_approved_two_sessions_later_is_allowed_and_later_ones_are_listed(committee):
    first = hold(committee, datetime.date(2023, 11, 1))
    acta = draft_acta(first)
    hold(committee, datetime.date(2023, 12, 18))
    assert actas_pending_approval(committee) == []
    third = hold(committee, datetime.date(2024, 1, 30))
    # The third session's acta point names the second; approval of the first at k+2 is
    # done through a point that names it.
    point = third.points.get(standard="previous_acta")
    point.approves_acta_of = first
    point.save()
    approve_acta(acta, at_point=point)
    assert first not in actas_pending_approval(committee)
    second = committee.sessions.get(date=datetime.date(2023, 12, 18))
    hold(committee, datetime.date(2024, 2, 28))
    assert second in actas_pending_approval(committee)
