import datetime

import pytest
from django.core.exceptions import ValidationError

from agendas.models import Vote
from agendas.services import cast_vote
from sessions.models import Attendance, Session
from sessions.services import record_attendance
from tests.factories import make_membership, make_point, make_session

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 3, 19)


@pytest.fixture
def point():
    session = make_session(
        date=DAY,
        status=Session.Status.CONVENED,
        convened_at=datetime.datetime(2024, 3, 12, 17, tzinfo=datetime.UTC),
    )
    return make_point(session, kind="approval")


def present(point, **overrides):
    membership = make_membership(point.session.committee, **overrides)
    record_attendance(point.session, membership, Attendance.Status.PRESENT)
    return membership


def open_with_quorum(point):
    session = point.session
    session.opened_at = datetime.datetime(2024, 3, 19, 17, tzinfo=datetime.UTC)
    session.save()


def test_a_member_votes_and_may_change_the_vote(point):
    member = present(point)
    open_with_quorum(point)
    cast_vote(point, member, Vote.Sense.FOR)
    cast_vote(point, member, Vote.Sense.ABSTAIN)
    assert list(point.votes.values_list("sense", flat=True)) == ["abstain"]


def test_no_vote_before_the_session_opens_with_quorum(point):
    member = present(point)
    with pytest.raises(ValidationError) as caught:
        cast_vote(point, member, Vote.Sense.FOR)
    assert caught.value.messages == ["No se puede votar: la sesión no se ha abierto con quórum."]
    assert not Vote.objects.exists()


def test_an_absent_member_cannot_vote(point):
    open_with_quorum(point)
    absent = make_membership(point.session.committee)
    record_attendance(point.session, absent, Attendance.Status.ABSENT)
    with pytest.raises(ValidationError) as caught:
        cast_vote(point, absent, Vote.Sense.FOR)
    assert "no está registrada como presente" in caught.value.messages[0]


@pytest.mark.parametrize("role", ["technical_secretary", "guest", "party_representative"])
def test_voice_only_roles_are_refused_and_nothing_is_saved(point, role):
    open_with_quorum(point)
    membership = present(point, role=role)
    with pytest.raises(ValidationError) as caught:
        cast_vote(point, membership, Vote.Sense.FOR)
    assert "participa con voz, sin voto" in caught.value.messages[0]
    assert not Vote.objects.exists()


def test_a_member_whose_term_ended_the_day_before_is_refused_for_the_term(point):
    open_with_quorum(point)
    membership = make_membership(point.session.committee, end=DAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        cast_vote(point, membership, Vote.Sense.FOR)
    # The term is what refuses the vote (no attendance can be recorded for such a seat).
    assert caught.value.messages == [
        "El cargo de esta persona no estaba vigente el día de la sesión."
    ]
    assert not Vote.objects.exists()


def test_the_vote_records_who_recorded_it(point, django_user_model):
    user = django_user_model.objects.create_user("secretaria")
    member = present(point)
    open_with_quorum(point)
    vote = cast_vote(point, member, Vote.Sense.FOR, by=user)
    assert vote.recorded_by == user
    assert vote.history.get().history_type == "+"


def test_an_unknown_sense_is_refused(point):
    open_with_quorum(point)
    with pytest.raises(ValidationError) as caught:
        cast_vote(point, present(point), "maybe")
    assert "sense" in caught.value.message_dict
