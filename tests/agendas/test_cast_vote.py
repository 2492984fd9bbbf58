import datetime

import pytest
from django.core.exceptions import ValidationError

from agendas.models import Vote
from agendas.services import cast_vote
from tests.factories import make_membership, make_point, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def point():
    return make_point(make_session(date=datetime.date(2024, 3, 19)), kind="approval")


def test_a_member_votes_and_may_change_the_vote(point):
    member = make_membership(point.session.committee)
    cast_vote(point, member, Vote.Sense.FOR)
    cast_vote(point, member, Vote.Sense.ABSTAIN)
    assert list(point.votes.values_list("sense", flat=True)) == ["abstain"]


@pytest.mark.parametrize("role", ["technical_secretary", "guest", "party_representative"])
def test_voice_only_roles_are_refused_and_nothing_is_saved(point, role):
    membership = make_membership(point.session.committee, role=role)
    with pytest.raises(ValidationError) as caught:
        cast_vote(point, membership, Vote.Sense.FOR)
    assert "participa con voz, sin voto" in caught.value.messages[0]
    assert not Vote.objects.exists()


def test_a_member_whose_term_ended_the_day_before_is_refused(point):
    membership = make_membership(point.session.committee, end=datetime.date(2024, 3, 18))
    with pytest.raises(ValidationError) as caught:
        cast_vote(point, membership, Vote.Sense.FOR)
    assert "no estaba vigente" in caught.value.messages[0]
    assert not Vote.objects.exists()


def test_an_unknown_sense_is_refused(point):
    with pytest.raises(ValidationError) as caught:
        cast_vote(point, make_membership(point.session.committee), "maybe")
    assert "sense" in caught.value.message_dict
