import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from committees.models import Committee, ElectoralProcess, Institution, Membership
from tests.factories import (
    make_committee,
    make_institution,
    make_membership,
    make_party,
    make_person,
    make_process,
)

pytestmark = pytest.mark.django_db


def constraint_message(instance) -> str:
    with pytest.raises(ValidationError) as caught:
        instance.validate_constraints()
    return " ".join(caught.value.messages)


def test_membership_end_must_not_precede_start():
    membership = make_membership()
    membership.end = membership.start - datetime.timedelta(days=1)
    assert "El fin del cargo no puede ser anterior a su inicio." in constraint_message(membership)
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_membership_may_end_the_day_it_starts():
    membership = make_membership()
    membership.end = membership.start
    membership.full_clean()  # raises if the model refuses a one-day term
    membership.save()
    membership.refresh_from_db()
    assert membership.end == membership.start
    assert membership.is_active_on(membership.start)
    assert not membership.is_active_on(membership.start + datetime.timedelta(days=1))


def test_party_representative_needs_a_party():
    membership = Membership(
        committee=make_committee(), person=make_person(), role="party_representative",
        start=datetime.date(2023, 11, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        membership.full_clean()
    assert caught.value.message_dict["party"] == ["Indique el partido político que representa."]


def test_only_party_representatives_carry_a_party():
    membership = make_membership(role="member")
    membership.party = make_party()
    with pytest.raises(ValidationError) as caught:
        membership.full_clean()
    assert "Solo las representaciones de partido político" in caught.value.message_dict["party"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_overlapping_terms_of_one_person_are_refused():
    first = make_membership(start=datetime.date(2023, 10, 25), end=datetime.date(2024, 6, 30))
    overlapping = Membership(
        committee=first.committee, person=first.person, role="guest",
        start=datetime.date(2024, 6, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        overlapping.full_clean()
    assert "ya forma parte del órgano en parte de ese periodo" in caught.value.messages[0]
    later = Membership(
        committee=first.committee, person=first.person, role="guest",
        start=datetime.date(2024, 7, 1),
    )  # fmt: skip
    later.full_clean()


def test_who_may_vote_is_derived_from_the_role():
    committee = make_committee()
    member = make_membership(committee, role="member")
    make_membership(committee, role="technical_secretary")
    make_membership(committee, role="guest")
    make_membership(committee, role="party_representative")
    assert member.has_vote
    assert list(committee.memberships.with_vote()) == [member]


def test_active_on_includes_the_last_day_of_the_term():
    committee = make_committee()
    ending = make_membership(committee, end=datetime.date(2024, 3, 18))
    make_membership(committee, start=datetime.date(2024, 3, 20), end=None)
    assert list(committee.memberships.active_on(datetime.date(2024, 3, 18))) == [ending]
    assert not committee.memberships.active_on(datetime.date(2024, 3, 19)).exists()
    assert ending.is_active_on(datetime.date(2024, 3, 18))
    assert not ending.is_active_on(datetime.date(2024, 3, 19))


def test_process_end_must_not_precede_start():
    process = ElectoralProcess(
        institution=make_institution(), name="Proceso 2023-2024",
        election_day=datetime.date(2024, 6, 2), start=datetime.date(2023, 11, 1),
        end=datetime.date(2023, 10, 1),
    )  # fmt: skip
    assert "La conclusión del proceso no puede ser anterior a su inicio." in constraint_message(
        process
    )


def test_committee_closing_must_not_precede_installation():
    committee = make_committee()
    committee.closed_on = committee.installed_on - datetime.timedelta(days=1)
    assert "La fecha de conclusión no puede ser anterior a la de instalación." in (
        constraint_message(committee)
    )


def test_working_group_names_its_commission():
    group = Committee(
        institution=make_institution(), name="Grupo de Trabajo de Sistemas",
        short_name="GT", slug="gt", kind="working_group",
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        group.full_clean()
    assert "debe indicar la comisión" in caught.value.message_dict["parent"][0]


def test_process_of_another_institution_is_refused():
    committee = make_committee()
    committee.process = make_process()
    with pytest.raises(ValidationError) as caught:
        committee.full_clean()
    assert caught.value.message_dict["process"] == ["El proceso electoral es de otra institución."]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{COMMITTEE}/{AÑO}/{SEQ}", "Marcadores desconocidos: AÑO"),
        ("{COMMITTEE}/{YEAR}", "debe incluir {SEQ}"),
    ],
)
def test_agreement_pattern_is_checked(pattern, message):
    committee = make_committee(agreement_number_pattern=pattern)
    with pytest.raises(ValidationError) as caught:
        committee.full_clean()
    assert message in caught.value.message_dict["agreement_number_pattern"][0]


def test_time_zone_must_exist():
    institution = Institution(name="Instituto", short_name="INS", kind="opl", time_zone="Mars/Base")
    with pytest.raises(ValidationError) as caught:
        institution.full_clean()
    assert "no es una zona horaria válida" in caught.value.message_dict["time_zone"][0]


def test_election_day_comes_from_the_process():
    process = make_process(election_day=datetime.date(2024, 6, 2))
    assert make_committee(process=process).election_day == datetime.date(2024, 6, 2)
    assert make_committee().election_day is None


def test_membership_history_is_kept():
    membership = make_membership()
    membership.appointing_act = "IEPC-ACG-069/2023"
    membership.save()
    assert membership.history.count() == 2


def test_group_headings_are_plural_only_for_several_seats():
    label = Membership.Role.MEMBER.label
    assert Membership.group_heading(label, 1) == "Integrante (voz y voto)"
    assert Membership.group_heading(label, 3) == "Integrantes (voz y voto)"
    assert Membership.group_heading("Otro papel", 2) == "Otro papel"
