import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from agendas.models import AgendaPoint, Agreement, Document, Vote, VoteResult
from tests.factories import (
    make_agreement,
    make_committee,
    make_membership,
    make_point,
    make_session,
    make_vote,
)

pytestmark = pytest.mark.django_db


def test_position_is_unique_within_a_session():
    point = make_point()
    duplicate = AgendaPoint(
        session=point.session, position=point.position, title="Otro", kind="informative"
    )
    with pytest.raises(ValidationError) as caught:
        duplicate.validate_constraints()
    assert caught.value.messages == ["Ya hay un punto con ese número en esta sesión."]
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_positions_start_at_one():
    point = make_point()
    point.position = 0
    with pytest.raises(ValidationError) as caught:
        point.validate_constraints()
    assert caught.value.messages == ["Los puntos se numeran a partir de 1."]


def test_acta_point_must_approve_an_earlier_session_of_the_same_committee():
    committee = make_committee()
    earlier = make_session(committee, date=datetime.date(2023, 11, 1))
    later = make_session(committee, date=datetime.date(2023, 12, 18))
    make_point(later, approves_acta_of=earlier).full_clean()
    backwards = make_point(earlier, approves_acta_of=later)
    with pytest.raises(ValidationError) as caught:
        backwards.full_clean()
    assert caught.value.message_dict["approves_acta_of"] == [
        "Solo se aprueba el acta de una sesión anterior."
    ]
    elsewhere = make_point(make_session(date=datetime.date(2024, 1, 30)), approves_acta_of=earlier)
    with pytest.raises(ValidationError) as caught:
        elsewhere.full_clean()
    assert "mismo órgano" in caught.value.message_dict["approves_acta_of"][0]


@pytest.mark.parametrize("role", ["technical_secretary", "guest", "party_representative"])
def test_only_members_with_vote_may_vote(role):
    point = make_point(kind="approval")
    membership = make_membership(point.session.committee, role=role)
    with pytest.raises(ValidationError) as caught:
        Vote(point=point, membership=membership, sense="for").full_clean()
    assert "participa con voz, sin voto" in caught.value.message_dict["membership"][0]


def test_a_member_votes_on_a_point_for_approval():
    point = make_point(kind="approval")
    vote = Vote(point=point, membership=make_membership(point.session.committee), sense="for")
    vote.full_clean()  # raises if the model refuses the vote
    vote.save()
    assert point.votes.get() == vote
    assert point.result.label == "Aprobado por unanimidad"


def test_a_member_whose_term_ended_cannot_vote():
    point = make_point(session=make_session(date=datetime.date(2024, 3, 19)))
    membership = make_membership(point.session.committee, end=datetime.date(2024, 3, 18))
    with pytest.raises(ValidationError) as caught:
        Vote(point=point, membership=membership, sense="for").full_clean()
    assert "no estaba vigente" in caught.value.message_dict["membership"][0]


def test_informative_points_are_not_voted():
    point = make_point(kind="informative")
    with pytest.raises(ValidationError) as caught:
        Vote(
            point=point, membership=make_membership(point.session.committee), sense="for"
        ).full_clean()
    assert caught.value.messages == ["Solo se votan los puntos para aprobación."]


def test_a_member_of_another_committee_cannot_vote():
    point = make_point()
    with pytest.raises(ValidationError) as caught:
        Vote(point=point, membership=make_membership(), sense="for").full_clean()
    assert "no forma parte del órgano" in caught.value.message_dict["membership"][0]


def test_one_vote_per_member_and_point():
    point = make_point()
    membership = make_membership(point.session.committee)
    make_vote(point, membership)
    with pytest.raises(ValidationError) as caught:
        Vote(point=point, membership=membership, sense="against").validate_constraints()
    assert caught.value.messages == ["Esta persona ya votó este punto."]


@pytest.mark.parametrize(
    ("senses", "label", "approved"),
    [
        ([], "Sin votación", False),
        (["for", "for", "for"], "Aprobado por unanimidad", True),
        (["for", "for", "against"], "Aprobado por mayoría", True),
        (["for", "for", "abstain"], "Aprobado por mayoría", True),
        (["for", "against"], "Empate", False),
        (["for", "against", "abstain", "abstain"], "Empate", False),
        (["for", "against", "against"], "No aprobado", False),
        (["for", "abstain", "abstain"], "No aprobado", False),
    ],
)
def test_vote_result_is_computed(senses, label, approved):
    result = VoteResult.from_senses(senses)
    assert result.label == label
    assert result.is_approved is approved


def test_point_result_counts_its_votes():
    point = make_point()
    committee = point.session.committee
    for sense in ("for", "for", "against"):
        make_vote(point, make_membership(committee), sense)
    assert point.result == VoteResult(in_favour=2, against=1, abstentions=0)


def test_agreement_number_is_unique_per_committee():
    agreement = make_agreement()
    duplicate = Agreement(
        committee=agreement.committee, point=agreement.point, number=agreement.number,
        sequence=99, text="Otro",
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        duplicate.validate_constraints()
    assert caught.value.messages == ["Ya existe un acuerdo con ese número en este órgano."]


def test_agreement_committee_matches_its_point():
    agreement = make_agreement()
    agreement.committee = make_committee()
    with pytest.raises(ValidationError) as caught:
        agreement.full_clean()
    assert caught.value.messages == ["El punto que adopta el acuerdo es de otro órgano."]


def test_agreement_is_overdue_only_while_open():
    agreement = make_agreement(due_date=datetime.date(2024, 1, 15))
    assert agreement.is_overdue(today=datetime.date(2024, 1, 16))
    assert not agreement.is_overdue(today=datetime.date(2024, 1, 15))
    agreement.status = Agreement.Status.DONE
    assert not agreement.is_overdue(today=datetime.date(2024, 2, 1))


def test_document_stores_its_sha256(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = b"%PDF-1.4 plan de seguridad"
    document = Document(point=make_point(), title="Plan de Seguridad")
    document.file.save("plan.pdf", ContentFile(content), save=False)
    document.save()
    document.refresh_from_db()
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size == len(content)


def test_a_replaced_file_is_hashed_again(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = Document(point=make_point(), title="Anexo técnico")
    document.file.save("anexo.pdf", ContentFile(b"version 1"), save=False)
    document.save()
    document.file = ContentFile(b"version 2, corregida", name="anexo-v2.pdf")
    document.save()
    document.refresh_from_db()
    assert document.sha256 == hashlib.sha256(b"version 2, corregida").hexdigest()
    assert document.size == len(b"version 2, corregida")
