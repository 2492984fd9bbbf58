import datetime

import pytest
from django.core.exceptions import ValidationError

from agendas.services import add_standard_agenda, schedule_session, standard_agenda
from tests.factories import make_committee, make_point, make_session

pytestmark = pytest.mark.django_db

SUBJECT = "la implementación y operación del Programa de Resultados Electorales Preliminares"


@pytest.fixture
def committee():
    return make_committee(
        name="Comité Técnico Asesor del Programa de Resultados Electorales Preliminares",
        short_name="COTAPREP",
        subject=SUBJECT,
        installed_on=datetime.date(2023, 11, 1),
    )


def titles(session):
    return list(session.points.order_by("position").values_list("title", flat=True))


def test_installation_session(committee):
    session = schedule_session(
        committee=committee, kind="ordinary", role="installation", date=datetime.date(2023, 11, 1)
    )
    assert titles(session) == [
        "Lectura y aprobación del orden del día",
        "Presentación e instalación del Comité Técnico Asesor del Programa de Resultados "
        "Electorales Preliminares (COTAPREP)",
        "Aprobación del Plan de Trabajo y Calendario de Sesiones del COTAPREP",
        "Asuntos generales",
        "Resumen y clausura de la sesión",
    ]
    assert list(session.points.values_list("position", flat=True)) == [1, 2, 3, 4, 5]


def test_ordinary_session_names_the_acta_and_the_month(committee):
    installation = schedule_session(
        committee=committee, kind="ordinary", role="installation", date=datetime.date(2023, 11, 1)
    )
    session = schedule_session(
        committee=committee, kind="ordinary", date=datetime.date(2023, 12, 18)
    )
    assert session.number == 2
    assert titles(session) == [
        "Lectura y aprobación del orden del día",
        "Aprobación del acta de la sesión de instalación del COTAPREP",
        "Seguimiento y estado en que se encuentran los acuerdos tomados en sesiones y "
        "reuniones anteriores",
        f"Presentación del avance de las actividades correspondientes al mes de noviembre, "
        f"relacionadas con {SUBJECT}",
        "Asuntos generales",
        "Resumen y clausura de la sesión",
    ]
    acta_point = session.points.get(position=2)
    assert acta_point.approves_acta_of == installation
    assert acta_point.kind == "approval"
    assert acta_point.standard == "previous_acta"


def test_ordinary_session_presents_the_bimonthly_informe_when_due(committee):
    schedule_session(
        committee=committee, kind="ordinary", role="installation", date=datetime.date(2023, 11, 1)
    )
    schedule_session(committee=committee, kind="ordinary", date=datetime.date(2023, 12, 18))
    january = schedule_session(
        committee=committee, kind="ordinary", date=datetime.date(2024, 1, 30)
    )
    assert titles(january)[1] == "Aprobación del acta de la segunda sesión ordinaria del COTAPREP"
    assert (
        "Presentación del primer informe de actividades correspondientes a los meses de "
        "noviembre y diciembre de este Comité"
    ) in titles(january)
    february = schedule_session(
        committee=committee, kind="ordinary", date=datetime.date(2024, 2, 28)
    )
    assert not any("informe" in title for title in titles(february))
    march = schedule_session(committee=committee, kind="ordinary", date=datetime.date(2024, 3, 19))
    assert (
        "Presentación del segundo informe de actividades correspondientes a los meses de "
        "enero y febrero de este Comité"
    ) in titles(march)


def test_informe_is_presented_once_in_its_month(committee):
    schedule_session(
        committee=committee, kind="ordinary", role="installation", date=datetime.date(2023, 11, 1)
    )
    schedule_session(committee=committee, kind="ordinary", date=datetime.date(2024, 1, 10))
    second_in_january = schedule_session(
        committee=committee, kind="ordinary", date=datetime.date(2024, 1, 30)
    )
    assert not any("informe" in title for title in titles(second_in_january))


def test_informe_months_across_years_name_the_years():
    committee = make_committee(installed_on=datetime.date(2023, 10, 5))
    session = make_session(committee, date=datetime.date(2024, 2, 20))
    informe = [
        spec.title for spec in standard_agenda(session) if spec.standard == "bimonthly_informe"
    ]
    assert informe == [
        "Presentación del segundo informe de actividades correspondientes a los meses de "
        "diciembre de 2023 y enero de 2024 de este Comité"
    ]


def test_closing_session(committee):
    schedule_session(
        committee=committee, kind="ordinary", role="installation", date=datetime.date(2023, 11, 1)
    )
    schedule_session(committee=committee, kind="extraordinary", date=datetime.date(2024, 6, 1))
    closing = schedule_session(
        committee=committee, kind="ordinary", role="closing", date=datetime.date(2024, 6, 30)
    )
    assert titles(closing) == [
        "Lectura y aprobación del orden del día",
        "Aprobación del acta de la primera sesión extraordinaria del COTAPREP",
        "Seguimiento y estado en que se encuentran los acuerdos tomados en sesiones y "
        "reuniones anteriores",
        f"Presentación del avance de las actividades correspondientes al mes de mayo, "
        f"relacionadas con {SUBJECT}",
        "Presentación del informe final de actividades de este Comité",
        "Asuntos generales",
        "Cierre y clausura del Comité Técnico Asesor del Programa de Resultados Electorales "
        "Preliminares (COTAPREP)",
    ]


def test_extraordinary_session(committee):
    session = schedule_session(
        committee=committee, kind="extraordinary", date=datetime.date(2024, 6, 1)
    )
    assert titles(session) == [
        "Lectura y aprobación del orden del día",
        "Resumen y clausura de la sesión",
    ]


def test_work_meeting(committee):
    session = schedule_session(
        committee=committee, kind="work_meeting", date=datetime.date(2023, 11, 29)
    )
    assert titles(session) == ["Resumen y cierre de la reunión"]


def test_work_meetings_have_no_acta_to_approve(committee):
    schedule_session(committee=committee, kind="work_meeting", date=datetime.date(2023, 11, 29))
    session = schedule_session(
        committee=committee, kind="ordinary", date=datetime.date(2023, 12, 18)
    )
    assert not session.points.filter(standard="previous_acta").exists()


def test_cancelled_sessions_have_no_acta_to_approve(committee):
    cancelled = schedule_session(
        committee=committee, kind="ordinary", date=datetime.date(2023, 11, 20)
    )
    cancelled.status = "cancelled"
    cancelled.status_reason = "Falta de quórum previsto"
    cancelled.save()
    session = schedule_session(
        committee=committee, kind="ordinary", date=datetime.date(2023, 12, 18)
    )
    assert not session.points.filter(standard="previous_acta").exists()


def test_working_group_meeting():
    commission = make_committee(
        kind="commission", name="Comisión de Capacitación", short_name="CCOE"
    )
    group = make_committee(
        kind="working_group", parent=commission, name="Grupo de Trabajo de Sistemas",
        short_name="GT-SI",
    )  # fmt: skip
    session = schedule_session(
        committee=group, kind="working_group", date=datetime.date(2024, 2, 1)
    )
    assert session.title == "Primera reunión del Grupo de Trabajo de Sistemas"
    assert titles(session) == ["Resumen y cierre de la reunión"]


def test_progress_point_without_subject_and_not_before_installation():
    committee = make_committee(subject="", installed_on=datetime.date(2023, 11, 1))
    november = make_session(committee, date=datetime.date(2023, 11, 20))
    assert not [s for s in standard_agenda(november) if s.standard == "monthly_progress"]
    december = make_session(committee, date=datetime.date(2023, 12, 18))
    progress = [s.title for s in standard_agenda(december) if s.standard == "monthly_progress"]
    assert progress == [
        "Presentación del avance de las actividades correspondientes al mes de noviembre"
    ]


def test_standard_agenda_is_not_added_twice():
    point = make_point()
    with pytest.raises(ValidationError) as caught:
        add_standard_agenda(point.session)
    assert caught.value.messages == ["La sesión ya tiene orden del día."]
