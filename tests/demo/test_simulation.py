import io

import pytest
from django.core.management import call_command

from agendas.models import Agreement, AgreementFollowUp, Vote
from reports.models import Acta
from sessions.models import Session

pytestmark = pytest.mark.django_db
SLUG = "cotaprep-iepc-jalisco-2023-2024"


@pytest.fixture
def output(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", "--simulate", stdout=out)
    return out.getvalue()


def test_every_session_of_the_plan_is_held(output):
    sessions = Session.objects.filter(committee__slug=SLUG)
    assert sessions.count() == 16
    assert set(sessions.values_list("status", flat=True)) == {"held"}
    assert all("Registro simulado" in notes for notes in sessions.values_list("notes", flat=True))
    assert "SIMULACIÓN" in output


def test_every_acta_is_approved_the_last_one_by_circulation(output):
    actas = list(
        Acta.objects.filter(session__committee__slug=SLUG)
        .select_related("session", "approved_at_point__session")
        .order_by("session__date")
    )
    assert len(actas) == 9  # eight ordinary sessions and one extraordinary
    assert [acta.status for acta in actas] == ["approved"] * 9
    for acta in actas[:-1]:
        assert acta.approved_at_point.session.date > acta.session.date
        assert acta.snapshot["approval"]["result"] == "Aprobado por unanimidad"
    last = actas[-1]
    assert last.session.role == "closing"
    assert last.approved_at_point is None
    assert last.circulated_at is not None
    assert last.approved_on > last.session.date
    approval = last.snapshot["approval"]
    assert approval["mode"] == "circulation"
    assert approval["result"].startswith("Aprobada por circulación")
    assert len(approval["approvals"]) >= 2
    # Every held session's record is sealed with its acta.
    assert all(acta.session.sealed_at is not None for acta in actas)


def test_votes_come_only_from_members_with_vote_who_attended(output):
    votes = Vote.objects.filter(point__session__committee__slug=SLUG).select_related(
        "membership__person", "point__session"
    )
    assert votes.exists()
    assert {vote.membership.role for vote in votes} == {"member"}
    fourth = Session.objects.get(committee__slug=SLUG, kind="ordinary", number=4)
    assert not votes.filter(point__session=fourth, membership__person__name="César Ledesma Ugalde")


def test_agreements_are_numbered_and_followed_up(output):
    agreements = Agreement.objects.filter(committee__slug=SLUG).order_by("number")
    assert "COTAPREP/2023/SO02/A01" in set(agreements.values_list("number", flat=True))
    follow_ups = AgreementFollowUp.objects.filter(agreement__committee__slug=SLUG)
    assert follow_ups.exists()
    assert all(
        f.at_point.standard == "agreements_follow_up" for f in follow_ups.select_related("at_point")
    )


def test_running_it_again_changes_nothing(output):
    counts = (Vote.objects.count(), Agreement.objects.count(), Acta.objects.count())
    out = io.StringIO()
    call_command("load_demo", "--simulate", stdout=out)
    call_command("load_demo", stdout=io.StringIO())
    assert (Vote.objects.count(), Agreement.objects.count(), Acta.objects.count()) == counts
    assert "0 sesiones celebradas ahora" in out.getvalue()
    assert Session.objects.filter(committee__slug=SLUG, status="held").count() == 16
