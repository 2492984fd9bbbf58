import datetime

import pytest
from django.core.exceptions import ValidationError

from agendas.models import Agreement
from agendas.services import adopt_agreement, follow_up_agreement, open_agreements_on
from tests.factories import make_committee, make_open_session, make_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee():
    return make_committee(short_name="COTAPREP")


def test_numbers_follow_the_default_pattern_per_session(committee):
    third = make_point(make_open_session(committee, number=3, date=datetime.date(2024, 1, 30)))
    fourth = make_point(make_open_session(committee, number=4, date=datetime.date(2024, 2, 28)))
    numbers = [
        adopt_agreement(third, text="Primero").number,
        adopt_agreement(third, text="Segundo").number,
        adopt_agreement(fourth, text="Tercero").number,
    ]
    assert numbers == ["COTAPREP/2024/SO03/A01", "COTAPREP/2024/SO03/A02", "COTAPREP/2024/SO04/A01"]


def test_a_yearly_pattern_counts_across_sessions(committee):
    committee.agreement_number_pattern = "IEPC-COTAPREP-{SEQ}/{YEAR}"
    committee.save()
    first = make_point(make_open_session(committee, number=1, date=datetime.date(2024, 1, 30)))
    second = make_point(
        make_open_session(committee, kind="work_meeting", number=1, date=datetime.date(2024, 2, 5))
    )
    assert adopt_agreement(first, text="a").number == "IEPC-COTAPREP-A01/2024"
    assert adopt_agreement(second, text="b").number == "IEPC-COTAPREP-A02/2024"


def test_work_meetings_and_extraordinary_sessions_have_their_own_codes(committee):
    meeting = make_point(
        make_open_session(committee, kind="work_meeting", number=5, date=datetime.date(2024, 3, 15))
    )
    extra = make_point(
        make_open_session(committee, kind="extraordinary", number=1, date=datetime.date(2024, 6, 1))
    )
    assert adopt_agreement(meeting, text="a").number == "COTAPREP/2024/RT05/A01"
    assert adopt_agreement(extra, text="b").number == "COTAPREP/2024/SE01/A01"


def test_an_agreement_needs_a_text(committee):
    point = make_point(make_open_session(committee))
    with pytest.raises(ValidationError) as caught:
        adopt_agreement(point, text="  ")
    assert caught.value.message_dict["text"] == ["Escriba el texto del acuerdo."]
    assert not Agreement.objects.exists()


def test_follow_up_changes_the_status_and_keeps_the_log(committee):
    agreement = adopt_agreement(make_point(make_open_session(committee)), text="Revisar el PTO")
    follow_up_agreement(
        agreement,
        note="Se envió al ente auditor",
        date=datetime.date(2024, 1, 5),
        new_status="in_progress",
    )
    follow_up_agreement(
        agreement, note="Atendido", date=datetime.date(2024, 2, 1), new_status="done"
    )
    agreement.refresh_from_db()
    assert agreement.status == "done"
    assert list(agreement.follow_ups.values_list("note", flat=True)) == [
        "Se envió al ente auditor",
        "Atendido",
    ]


def test_open_agreements_on_a_date_follow_the_dated_log(committee):
    december = make_point(make_open_session(committee, number=2, date=datetime.date(2023, 12, 18)))
    early = adopt_agreement(december, text="Se cierra en enero")
    late = adopt_agreement(december, text="Sigue abierto")
    cancelled = adopt_agreement(december, text="Se cancela")
    follow_up_agreement(early, note="Cumplido", date=datetime.date(2024, 1, 20), new_status="done")
    follow_up_agreement(
        cancelled, note="Ya no aplica", date=datetime.date(2024, 1, 2), new_status="cancelled"
    )
    assert list(open_agreements_on(committee, datetime.date(2024, 1, 10))) == [early, late]
    assert list(open_agreements_on(committee, datetime.date(2024, 1, 30))) == [late]
    # Agreements of the same day are not "earlier" ones.
    assert list(open_agreements_on(committee, datetime.date(2023, 12, 18))) == []
