import pytest
from django.core.exceptions import ValidationError

from committees.models import Committee, Rule, RuleOverride, rule_parameters
from tests.factories import make_committee

pytestmark = pytest.mark.django_db


def test_the_rules_list_is_loaded_as_data():
    codes = set(Rule.objects.values_list("code", flat=True))
    assert {"PREP-03", "PREP-09", "PREP-11", "SES-01", "SES-04", "CAL-01"} <= codes
    prep03 = Rule.objects.get(code="PREP-03")
    assert prep03.cites == "RE 340(1)"
    assert prep03.parameters == {"months_before_election_day": 7}
    assert prep03.certainty == Rule.Certainty.SEED
    assert prep03.level == Rule.Level.ERROR
    assert prep03.verified_on is None


def test_prep_rules_never_apply_to_a_working_group():
    group = Committee(kind=Committee.Kind.WORKING_GROUP)
    cotaprep = Committee(kind=Committee.Kind.TECHNICAL_ADVISORY)
    prep09 = Rule.objects.get(code="PREP-09")
    assert prep09.applies_to_committee(cotaprep)
    assert not prep09.applies_to_committee(group)
    assert Rule.objects.get(code="SES-04").applies_to_committee(group)


def test_a_committee_overrides_a_parameter_and_keeps_the_rest():
    committee, other = make_committee(), make_committee()
    RuleOverride.objects.create(
        committee=committee,
        rule=Rule.objects.get(code="SES-01"),
        parameters={"ordinary_hours": 48},
        reason="Acuerdo COTAPREP/2023/SO01/A01",
    )
    assert rule_parameters(committee, "SES-01")["ordinary_hours"] == 48
    assert rule_parameters(committee, "SES-01")["extraordinary_hours"] == 24
    assert rule_parameters(other, "SES-01")["ordinary_hours"] == 72


def test_an_override_of_an_unknown_parameter_is_refused():
    override = RuleOverride(
        committee=make_committee(),
        rule=Rule.objects.get(code="SES-01"),
        parameters={"horas": 48},
    )
    with pytest.raises(ValidationError) as caught:
        override.full_clean()
    assert "La regla SES-01 no tiene los parámetros horas" in caught.value.messages[0]


def test_overrides_keep_their_history():
    override = RuleOverride.objects.create(
        committee=make_committee(), rule=Rule.objects.get(code="SES-01"), parameters={}
    )
    override.parameters = {"ordinary_hours": 96}
    override.save()
    assert override.history.count() == 2
