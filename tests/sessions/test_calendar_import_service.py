"""import_calendar: checks every row against the committee, then writes all or nothing."""

import datetime

import pytest

from agendas.services import add_standard_agenda
from sessions.calendar_import import import_calendar
from sessions.models import Session
from tests.factories import make_committee, make_process, make_session

pytestmark = pytest.mark.django_db

TABLE = (
    "Núm.\tFecha\tNúmero y Tipo de sesión / reunión\n"
    "1\t01 de noviembre de 2023\tSesión de instalación (Primera sesión ordinaria).\n"
    "2\t29 de noviembre de 2023\tPrimera reunión formal de trabajo con las representaciones "
    "de partidos políticos y candidaturas independientes.\n"
    "3\t18 de diciembre de 2023\tSegunda sesión ordinaria.\n"
    "4\t30 de junio de 2024\tSesión de cierre y clausura\n"
)


def calendar(committee):
    return list(committee.sessions.order_by("date").values_list("kind", "number", "role", "date"))


def test_it_creates_every_session_with_its_standard_agenda():
    committee = make_committee()
    report = import_calendar(committee, TABLE, on_created=add_standard_agenda)

    assert report.ok
    assert report.written
    assert calendar(committee) == [
        ("ordinary", 1, "installation", datetime.date(2023, 11, 1)),
        ("work_meeting", 1, "", datetime.date(2023, 11, 29)),
        ("ordinary", 2, "", datetime.date(2023, 12, 18)),
        ("ordinary", 3, "closing", datetime.date(2024, 6, 30)),
    ]
    closing = committee.sessions.get(role="closing")
    assert closing.points.last().title.startswith("Cierre y clausura del")
    second = committee.sessions.get(kind="ordinary", number=2)
    # The agenda was built after the earlier sessions existed: it approves the installation's acta.
    assert second.points.filter(approves_acta_of__role="installation").exists()
    assert closing.history.first().history_change_reason == "Importación de calendario"


def test_a_dry_run_writes_nothing_but_reports_what_it_would_create():
    committee = make_committee()
    report = import_calendar(committee, TABLE, dry_run=True)
    assert report.ok
    assert not report.written
    assert [session.title for session in report.sessions] == [
        "Sesión de instalación (Primera sesión ordinaria)",
        "Primera reunión formal de trabajo con las representaciones de partidos políticos y "
        "candidaturas independientes",
        "Segunda sesión ordinaria",
        "Sesión de cierre y clausura",
    ]
    assert report.sessions[-1].number == 3
    assert committee.sessions.count() == 0


def test_rows_that_repeat_an_existing_session_are_skipped_not_doubled():
    committee = make_committee()
    existing = make_session(committee, number=2, date=datetime.date(2023, 12, 18))

    report = import_calendar(committee, TABLE)

    assert report.ok
    assert [(issue.line, issue.reason) for issue in report.duplicates] == [
        (4, "ya existe la segunda sesión ordinaria del 18 de diciembre de 2023; no se duplica.")
    ]
    assert committee.sessions.filter(kind="ordinary", date=existing.date).count() == 1
    assert committee.sessions.count() == 4


def test_importing_the_same_table_twice_adds_nothing_the_second_time():
    committee = make_committee()
    import_calendar(committee, TABLE)
    report = import_calendar(committee, TABLE)
    assert report.planned == []
    assert len(report.duplicates) == 4
    assert committee.sessions.count() == 4


def test_a_row_repeated_within_the_input_is_skipped():
    committee = make_committee()
    text = TABLE + "5\t18 de diciembre de 2023\tSegunda sesión ordinaria.\n"
    report = import_calendar(committee, text)
    assert report.ok
    assert "repite la fila de la línea 4" in report.duplicates[0].reason
    assert committee.sessions.count() == 4


def test_unnumbered_rows_continue_the_numbers_of_their_kind_in_date_order():
    committee = make_committee()
    make_session(committee, kind="extraordinary", number=1, date=datetime.date(2023, 12, 1))
    text = "1\t20 de febrero de 2024\n2\t10 de enero de 2024\n"
    import_calendar(committee, text, default_kind="extraordinary")
    assert list(
        committee.sessions.filter(kind="extraordinary").order_by("date").values_list("number")
    ) == [(1,), (2,), (3,)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("3\t31 de febrero de 2024\tCuarta sesión ordinaria", "no existe"),
        ("3\t28 febrero 2024\tCuarta sesión ordinaria", "no es una fecha"),
        ("3\t28 de febrerro de 2024\tCuarta sesión ordinaria", "no es un nombre de mes"),
        ("", "La entrada está vacía"),
        (b"x" * (5 * 1024 * 1024), "La entrada supera el máximo de 2 MB"),
        ("fecha,hora,tipo\n18/12/2023,10:00,ordinary\n", "columna desconocida «hora»"),
        (
            "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:a\nSUMMARY:Segunda sesión "
            "ordinaria\nEND:VEVENT\nEND:VCALENDAR\n",
            "el evento no tiene DTSTART",
        ),
    ],
)
def test_bad_input_is_refused_with_a_spanish_message_and_nothing_is_written(data, message):
    committee = make_committee()
    if isinstance(data, str) and data.startswith("3\t"):
        data = TABLE + "\n" + data
    report = import_calendar(committee, data, on_created=add_standard_agenda)
    assert not report.ok
    assert message in " ".join(str(issue) for issue in report.errors)
    assert not report.written
    assert Session.objects.count() == 0


def test_a_number_already_taken_by_an_existing_session_is_an_error():
    committee = make_committee()
    make_session(committee, number=2, date=datetime.date(2024, 1, 30))
    report = import_calendar(committee, TABLE)
    assert [str(issue) for issue in report.errors] == [
        "Línea 4: «3 | 18 de diciembre de 2023 | Segunda sesión ordinaria.»: ya existe la "
        "segunda sesión ordinaria (30 de enero de 2024) con ese número."
    ]
    assert committee.sessions.count() == 1


def test_a_second_installation_is_an_error():
    committee = make_committee()
    make_session(committee, number=5, role="installation", date=datetime.date(2023, 10, 1))
    report = import_calendar(committee, TABLE)
    assert "el órgano ya tiene sesión de instalación (1 de octubre de 2023)" in str(report.errors)


def test_a_working_group_meeting_for_a_committee_that_is_not_a_group_is_an_error():
    committee = make_committee()
    report = import_calendar(committee, "1\t10 de enero de 2024\tPrimera reunión del Grupo de X")
    assert "Las reuniones de grupo de trabajo son solo de órganos" in str(report.errors[0])
    assert committee.sessions.count() == 0


def test_dates_outside_the_committee_term_are_warnings():
    committee = make_committee(
        installed_on=datetime.date(2023, 11, 1), closed_on=datetime.date(2024, 6, 30)
    )
    text = "1\t17 de octubre de 2023\tPrimera sesión extraordinaria\n" + (
        "2\t15 de julio de 2025\tSegunda sesión extraordinaria\n"
    )
    report = import_calendar(committee, text, dry_run=True)
    assert report.ok
    reasons = [issue.reason for issue in report.warnings]
    assert (
        "la fecha (17 de octubre de 2023) es anterior a la instalación del órgano "
        "(1 de noviembre de 2023)." in reasons
    )
    assert (
        "la fecha (15 de julio de 2025) es posterior a la conclusión del órgano "
        "(30 de junio de 2024)." in reasons
    )


def test_a_date_more_than_a_year_from_election_day_is_a_warning():
    committee = make_committee(
        process=make_process(election_day=datetime.date(2024, 6, 2)),
        installed_on=None,
        closed_on=None,
    )
    report = import_calendar(committee, "1\t18 de diciembre de 2034\tSegunda sesión ordinaria")
    assert report.ok
    assert "a más de un año de la jornada electoral (2 de junio de 2024)" in str(report.warnings)


def test_numbers_out_of_date_order_within_a_kind_are_a_warning():
    committee = make_committee()
    make_session(committee, number=3, date=datetime.date(2024, 1, 30))
    report = import_calendar(committee, "1\t28 de febrero de 2024\tSegunda sesión ordinaria")
    assert report.ok
    assert (
        "la tercera sesión ordinaria (30 de enero de 2024) es anterior a la segunda sesión "
        "ordinaria (28 de febrero de 2024)" in str(report.warnings)
    )


def test_an_ics_file_is_imported_in_the_institution_zone():
    committee = make_committee()
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Prueba//ES\r\nBEGIN:VEVENT\r\nUID:a\r\n"
        "DTSTAMP:20231001T000000Z\r\nDTSTART:20231218T160000Z\r\nDTEND:20231218T180000Z\r\n"
        "SUMMARY:Segunda sesión ordinaria\r\nLOCATION:Sala del Pleno\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    report = import_calendar(committee, ics.encode())
    assert report.ok
    session = committee.sessions.get()
    assert (session.number, session.start_time, session.end_time, session.place) == (
        2,
        datetime.time(10),
        datetime.time(12),
        "Sala del Pleno",
    )
