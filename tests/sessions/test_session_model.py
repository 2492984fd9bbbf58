import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sessions.models import Session
from tests.factories import make_committee, make_session

pytestmark = pytest.mark.django_db


def constraint_message(instance) -> str:
    """The Spanish message a form would show for the violated database constraint."""
    with pytest.raises(ValidationError) as caught:
        instance.validate_constraints()
    return " ".join(caught.value.messages)


def test_number_is_unique_per_committee_and_kind():
    committee = make_committee()
    make_session(committee, kind="ordinary", number=2)
    duplicate = Session(
        committee=committee, kind="ordinary", number=2, date=datetime.date(2024, 1, 1)
    )
    assert "Ya existe una sesión de ese tipo con ese número" in constraint_message(duplicate)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # Same number, other kind: fine.
    make_session(committee, kind="work_meeting", number=2)


def test_end_time_must_follow_start_time():
    session = make_session()
    session.start_time = datetime.time(11, 0)
    session.end_time = datetime.time(10, 0)
    assert "La hora de término debe ser posterior" in constraint_message(session)
    with pytest.raises(ValidationError) as caught:
        session.full_clean()
    assert caught.value.message_dict["end_time"] == [
        "La hora de término debe ser posterior a la de inicio."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        session.save()


def test_end_time_needs_a_start_time():
    session = make_session()
    session.end_time = datetime.time(12, 0)
    with pytest.raises(ValidationError) as caught:
        session.full_clean()
    assert caught.value.message_dict["end_time"] == ["Indique también la hora de inicio."]


def test_only_ordinary_sessions_install_or_close():
    session = make_session(kind="extraordinary")
    session.role = Session.Role.CLOSING
    assert "Solo una sesión ordinaria puede ser de instalación o de cierre" in constraint_message(
        session
    )


def test_one_installation_per_committee():
    committee = make_committee()
    make_session(committee, role="installation", number=1)
    second = Session(
        committee=committee, kind="ordinary", role="installation", number=2,
        date=datetime.date(2024, 1, 1),
    )  # fmt: skip
    assert "ya tiene una sesión de instalación o de cierre" in constraint_message(second)


def test_number_starts_at_one():
    session = make_session()
    session.number = 0
    assert "El número de la sesión empieza en 1." in constraint_message(session)


def test_postponed_or_cancelled_needs_a_reason():
    session = make_session()
    session.status = Session.Status.CANCELLED
    with pytest.raises(ValidationError) as caught:
        session.full_clean()
    assert caught.value.message_dict["status_reason"] == [
        "Indique el motivo de la posposición o cancelación."
    ]


def test_working_group_meetings_belong_to_working_groups():
    session = make_session(kind="working_group")
    with pytest.raises(ValidationError) as caught:
        session.full_clean()
    assert "grupo de trabajo" in caught.value.message_dict["kind"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date", datetime.date(2024, 1, 2)),
        ("start_time", datetime.time(17, 0)),
        ("end_time", datetime.time(19, 0)),
        ("place", "Sala de sesiones del Consejo General"),
        ("video_link", "https://reuniones.example.org/cotaprep"),
        ("status", Session.Status.CONVENED),
    ],
)
def test_revision_grows_with_each_schedule_change(field, value):
    session = make_session(start_time=datetime.time(10, 0))
    session = Session.objects.get(pk=session.pk)
    assert session.revision == 0
    setattr(session, field, value)
    session.save()
    session.refresh_from_db()
    assert session.revision == 1


def test_revision_stays_when_nothing_on_the_calendar_changes():
    session = Session.objects.get(pk=make_session().pk)
    session.notes = "Se comparte la liga por correo."
    session.save()
    session.save()
    session.refresh_from_db()
    assert session.revision == 0


def test_revision_also_grows_on_a_partial_save():
    session = Session.objects.get(pk=make_session().pk)
    session.place = "Sala 2"
    session.save(update_fields=["place"])
    session.refresh_from_db()
    assert session.revision == 1


def test_times_are_aware_in_the_institution_time_zone():
    committee = make_committee()
    session = make_session(
        committee, date=datetime.date(2024, 3, 19), start_time=datetime.time(11, 0)
    )
    assert session.starts_at == datetime.datetime(
        2024, 3, 19, 11, 0, tzinfo=zoneinfo.ZoneInfo("America/Mexico_City")
    )
    assert session.ends_at is None
    assert make_session(committee).starts_at is None


def test_history_is_kept():
    session = make_session()
    session.place = "Sala de juntas"
    session.save()
    assert session.history.count() == 2
    assert session.history.first().place == "Sala de juntas"
