"""Reading calendars: Spanish dates, descriptions, pasted tables, CSV and .ics (no database)."""

import datetime
import zoneinfo

import pytest

from committees.models import Committee
from sessions.calendar_import import (
    CalendarParseError,
    SessionType,
    detect_format,
    parse_calendar,
    parse_date,
    parse_description,
    parse_spanish_date,
    parse_time,
    split_footnote_marks,
)
from sessions.models import Session

Kind, Role = Session.Kind, Session.Role
MEXICO_CITY = zoneinfo.ZoneInfo("America/Mexico_City")


# --- Spanish dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17 de octubre de 2023", datetime.date(2023, 10, 17)),
        ("01 de noviembre de 2023", datetime.date(2023, 11, 1)),
        ("1o. de junio de 2024", datetime.date(2024, 6, 1)),
        ("1º de junio de 2024", datetime.date(2024, 6, 1)),
        ("1° de junio de 2024", datetime.date(2024, 6, 1)),
        ("1 de junio del 2024", datetime.date(2024, 6, 1)),
        ("30 de Enero de 2024.", datetime.date(2024, 1, 30)),
        ("miércoles 1 de noviembre de 2023", datetime.date(2023, 11, 1)),
        ("Jueves, 29 de febrero de 2024", datetime.date(2024, 2, 29)),
        ("3 de setiembre de 2024", datetime.date(2024, 9, 3)),
        ("  14 de diciembre   de 2023 ", datetime.date(2023, 12, 14)),
    ],
)
def test_it_reads_spanish_long_dates(text, expected):
    assert parse_spanish_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01/11/2023", datetime.date(2023, 11, 1)),
        ("1/6/2024", datetime.date(2024, 6, 1)),
        ("2024-06-30", datetime.date(2024, 6, 30)),
        ("1o. de junio de 2024", datetime.date(2024, 6, 1)),
    ],
)
def test_parse_date_also_reads_numeric_dates_day_first(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("17 octubre 2023", "«17 octubre 2023» no es una fecha; escríbala como «17 de octubre"),
        ("de octubre de 2023", "no es una fecha"),
        ("31 de febrero de 2024", "el 31 de febrero de 2024 no existe (febrero de 2024 tiene 29"),
        ("29 de febrero de 2023", "el 29 de febrero de 2023 no existe"),
        ("0 de enero de 2024", "el 0 de enero de 2024 no existe"),
        ("3 de febrerro de 2024", "«febrerro» no es un nombre de mes. ¿Quiso decir «febrero»?"),
        ("3 de brumario de 2024", "«brumario» no es un nombre de mes."),
        ("", "no es una fecha"),
    ],
)
def test_bad_dates_say_why_in_spanish(text, message):
    with pytest.raises(CalendarParseError, match=message.replace("(", r"\(").replace("?", r"\?")):
        parse_spanish_date(text)


@pytest.mark.parametrize("text", ["31/02/2024", "12/13/2024"])
def test_impossible_numeric_dates_are_refused(text):
    with pytest.raises(CalendarParseError, match="no existe"):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10:00", datetime.time(10)),
        ("9:30 h", datetime.time(9, 30)),
        ("17 hrs", datetime.time(17)),
        ("5:30 p. m.", datetime.time(17, 30)),
        ("12:00 a. m.", datetime.time(0)),
    ],
)
def test_it_reads_times(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "diez", "10:75"])
def test_bad_times_are_refused(text):
    with pytest.raises(CalendarParseError, match="hora"):
        parse_time(text)


# --- Descriptions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Segunda sesión ordinaria", SessionType(Kind.ORDINARY, 2)),
        (
            "Sesión de instalación (Primera sesión ordinaria).",
            SessionType(Kind.ORDINARY, 1, Role.INSTALLATION),
        ),
        ("Sesión de instalación", SessionType(Kind.ORDINARY, None, Role.INSTALLATION)),
        (
            "Primera reunión formal de trabajo con las representaciones de partidos políticos "
            "y candidaturas independientes",
            SessionType(Kind.WORK_MEETING, 1),
        ),
        ("Primera sesión extraordinaria", SessionType(Kind.EXTRAORDINARY, 1)),
        ("Sesión de cierre y clausura", SessionType(Kind.ORDINARY, None, Role.CLOSING)),
        ("Vigésima primera sesión ordinaria", SessionType(Kind.ORDINARY, 21)),
        ("Décima sesión extraordinaria", SessionType(Kind.EXTRAORDINARY, 10)),
        ("décimo primera sesión extraordinaria", SessionType(Kind.EXTRAORDINARY, 11)),
        ("Decimotercera sesión ordinaria", SessionType(Kind.ORDINARY, 13)),
        ("Undécima sesión ordinaria", SessionType(Kind.ORDINARY, 11)),
        ("TRIGÉSIMA NOVENA SESIÓN ORDINARIA", SessionType(Kind.ORDINARY, 39)),
        ("3a. sesión ordinaria", SessionType(Kind.ORDINARY, 3)),
        ("2ª Sesión Extraordinaria", SessionType(Kind.EXTRAORDINARY, 2)),
        ("Sesión ordinaria núm. 4", SessionType(Kind.ORDINARY, 4)),
        ("Sesión extraordinaria", SessionType(Kind.EXTRAORDINARY, None)),
        ("Segunda sesion ordinaria", SessionType(Kind.ORDINARY, 2)),
        (
            "Tercera reunión del Grupo de Trabajo de Seguimiento",
            SessionType(Kind.WORKING_GROUP, 3),
        ),
    ],
)
def test_it_reads_kind_number_and_role_from_a_description(text, expected):
    assert parse_description(text) == expected


@pytest.mark.parametrize("number", range(1, 41))
@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (Kind.ORDINARY, ""),
        (Kind.EXTRAORDINARY, ""),
        (Kind.WORK_MEETING, ""),
        (Kind.WORKING_GROUP, ""),
        (Kind.ORDINARY, Role.INSTALLATION),
    ],
)
def test_every_title_quorum_writes_reads_back(kind, role, number):
    # An unsaved committee: a working group's title names it.
    group = Committee(name="Grupo de Trabajo de Seguimiento al PREP", kind="working_group")
    session = Session(committee=group, kind=kind, role=role, number=number)
    assert parse_description(session.title) == SessionType(kind, number, role)


@pytest.mark.parametrize(
    "text", ["Sesión informativa", "Reunión con proveedores", "Calendario de sesiones", "2024"]
)
def test_an_unknown_description_says_how_to_write_it(text):
    with pytest.raises(CalendarParseError, match="no se reconoce el tipo de sesión"):
        parse_description(text)


# --- Footnote marks -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30 de enero de 2024¹", ("30 de enero de 2024", ("1",))),
        ("Tercera sesión ordinaria<sup>2</sup>.", ("Tercera sesión ordinaria.", ("2",))),
        ("Tercera sesión ordinaria (1)", ("Tercera sesión ordinaria", ("1",))),
        ("Tercera sesión ordinaria.(1)", ("Tercera sesión ordinaria.", ("1",))),
        ("Tercera sesión ordinaria*", ("Tercera sesión ordinaria", ("*",))),
        (
            "Sesión de instalación (Primera sesión ordinaria).",
            ("Sesión de instalación (Primera sesión ordinaria).", ()),
        ),
    ],
)
def test_footnote_marks_are_taken_off_a_cell(text, expected):
    assert split_footnote_marks(text) == expected


# --- Pasted tables ------------------------------------------------------------------------

ROWS_PER_LINE = (
    "Calendario de sesiones\n"
    "Núm.\tFecha\tNúmero y Tipo de sesión / reunión\n"
    "1\t01 de noviembre de 2023\tSesión de instalación (Primera sesión ordinaria).\n"
    "2\t29 de noviembre de 2023\tPrimera reunión formal de trabajo con las "
    "representaciones de partidos políticos y candidaturas independientes.\n"
    "3\t18 de diciembre de 2023\tSegunda sesión ordinaria.\n"
)


def kinds(result):
    return [(row.kind, row.number, row.role, row.date) for row in result.rows]


EXPECTED_THREE = [
    (Kind.ORDINARY, 1, Role.INSTALLATION, datetime.date(2023, 11, 1)),
    (Kind.WORK_MEETING, 1, "", datetime.date(2023, 11, 29)),
    (Kind.ORDINARY, 2, "", datetime.date(2023, 12, 18)),
]


def test_a_table_with_one_row_per_line_and_tabs():
    result = parse_calendar(ROWS_PER_LINE)
    assert result.format == "table"
    assert result.errors == []
    assert kinds(result) == EXPECTED_THREE
    assert [row.line for row in result.rows] == [3, 4, 5]
    assert [row.position for row in result.rows] == [1, 2, 3]


def test_a_table_with_cells_separated_by_runs_of_spaces():
    result = parse_calendar(ROWS_PER_LINE.replace("\t", "    "))
    assert result.errors == []
    assert kinds(result) == EXPECTED_THREE


def test_a_table_with_one_cell_per_line_and_rows_between_blank_lines():
    text = "\n\n".join(
        "\n".join("\t" + cell for cell in line.split("\t"))
        for line in ROWS_PER_LINE.splitlines()[1:]
    )
    result = parse_calendar(text)
    assert result.errors == []
    assert kinds(result) == EXPECTED_THREE
    assert result.rows[0].text == (
        "1 | 01 de noviembre de 2023 | Sesión de instalación (Primera sesión ordinaria)."
    )


def test_a_table_with_one_cell_per_line_and_no_blank_lines():
    text = "\n".join(ROWS_PER_LINE.replace("\t", "\n").splitlines()[1:])
    result = parse_calendar(text)
    assert result.errors == []
    assert kinds(result) == EXPECTED_THREE


def test_footnotes_below_the_table_become_the_session_notes():
    text = (
        "1\t30 de enero de 2024¹\tTercera sesión ordinaria\n"
        "2\t28 de febrero de 2024\tCuarta sesión ordinaria<sup>2</sup>\n"
        "3\t19 de marzo de 2024\tQuinta sesión ordinaria (3)\n"
        "4\t25 de abril de 2024\tSexta sesión ordinaria\n"
        "\n"
        "¹ Sesión dedicada a la revisión del Proceso Técnico Operativo.\n"
        "<sup>2</sup> Se celebrará en la sede alterna\n"
        "del Instituto.\n"
        "\n"
        "(3) Con transmisión en vivo.\n"
    )
    result = parse_calendar(text)
    assert result.errors == []
    assert result.warnings == []
    assert [row.notes for row in result.rows] == [
        "Sesión dedicada a la revisión del Proceso Técnico Operativo.",
        "Se celebrará en la sede alterna del Instituto.",
        "Con transmisión en vivo.",
        "",
    ]


def test_a_mark_without_footnote_and_a_footnote_without_mark_are_warnings():
    text = "1\t30 de enero de 2024¹\tTercera sesión ordinaria\n\n² Nota sin llamada.\n"
    result = parse_calendar(text)
    assert result.errors == []
    assert [str(w) for w in result.warnings] == [
        "Línea 1: «1 | 30 de enero de 2024¹ | Tercera sesión ordinaria»: la llamada «1» no "
        "tiene nota al pie.",
        "Línea 3: «Nota sin llamada.»: la nota «2» no corresponde a ninguna fila.",
    ]


def test_times_in_a_table_cell():
    result = parse_calendar(
        "1\t17 de octubre de 2023\t10:00 a 12:00 horas\tSegunda sesión ordinaria"
    )
    assert result.errors == []
    assert (result.rows[0].start_time, result.rows[0].end_time) == (
        datetime.time(10),
        datetime.time(12),
    )


def test_rows_without_description_take_the_default_kind():
    text = "1\t17 de octubre de 2023\n2\t14 de noviembre de 2023\n"
    result = parse_calendar(text, default_kind="extraordinary")
    assert result.errors == []
    assert [(row.kind, row.number) for row in result.rows] == [
        ("extraordinary", None),
        ("extraordinary", None),
    ]


def test_rows_without_description_and_without_default_kind_are_errors():
    result = parse_calendar("1\t17 de octubre de 2023\n")
    assert [issue.line for issue in result.errors] == [1]
    assert "no dice el tipo de sesión" in result.errors[0].reason
    # The page has no command-line flags: the message speaks of the page's choice.
    assert "--kind" not in result.errors[0].reason
    assert "elija el tipo de las filas que no lo dicen" in result.errors[0].reason


@pytest.mark.parametrize(
    ("row", "line_text", "reason"),
    [
        ("3\t31 de febrero de 2024\tCuarta sesión ordinaria", "31 de febrero de 2024", "no existe"),
        ("3\t28 de febrerro de 2024\tCuarta sesión ordinaria", "28 de febrerro de 2024", "mes"),
        ("3\t28 febrero 2024\tCuarta sesión ordinaria", "28 febrero 2024", "no es una fecha"),
        ("3\tCuarta sesión ordinaria", "3 | Cuarta sesión ordinaria", "falta la fecha"),
        ("3\t28 de febrero de 2024\tSesión informativa", "Sesión informativa", "no se reconoce"),
    ],
)
def test_each_bad_row_is_reported_with_its_line_and_text(row, line_text, reason):
    text = "1\t18 de diciembre de 2023\tSegunda sesión ordinaria\n\n" + row + "\n"
    result = parse_calendar(text)
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.line, error.text) == (3, line_text)
    assert reason in error.reason
    assert str(error).startswith(f"Línea 3: «{line_text}»: ")


def test_dates_out_of_order_against_their_numbers_are_a_warning():
    text = (
        "11\t29 de abril de 2024\tSexta reunión formal de trabajo con las representaciones\n"
        "12\t25 de abril de 2024\tSexta sesión ordinaria\n"
    )
    result = parse_calendar(text)
    assert result.errors == []
    assert [issue.line for issue in result.warnings] == [2]
    assert "anterior a la de la fila núm. 11 (29 de abril de 2024)" in result.warnings[0].reason


# --- CSV ----------------------------------------------------------------------------------

README_CSV = (
    "fecha,hora_inicio,hora_fin,tipo,numero,lugar,notas\n"
    "01/11/2023,10:00,12:00,Sesión de instalación (Primera sesión ordinaria),,Sala del Pleno,\n"
    "29 de noviembre de 2023,,,work_meeting,1,,\n"
    "30/06/2024,,,Sesión de cierre y clausura,,,Cierre del comité\n"
)


def test_the_csv_of_the_readme():
    result = parse_calendar(README_CSV)
    assert result.format == "csv"
    assert result.errors == []
    first, meeting, closing = result.rows
    assert (first.kind, first.number, first.role) == (Kind.ORDINARY, 1, Role.INSTALLATION)
    assert (first.start_time, first.end_time, first.place) == (
        datetime.time(10),
        datetime.time(12),
        "Sala del Pleno",
    )
    assert (meeting.kind, meeting.number, meeting.date) == (
        "work_meeting",
        1,
        datetime.date(2023, 11, 29),
    )
    assert (closing.role, closing.notes, closing.line) == (Role.CLOSING, "Cierre del comité", 4)


def test_csv_with_semicolons_spanish_labels_and_accented_headers():
    text = "Fecha;Hora inicio;Tipo;Número\n18/12/2023;10:00;Sesión ordinaria;2\n"
    result = parse_calendar(text)
    assert result.errors == []
    row = result.rows[0]
    assert (row.kind, row.number, row.start_time) == ("ordinary", 2, datetime.time(10))


def test_csv_with_a_wrong_column_names_it_and_the_accepted_ones():
    result = parse_calendar("fecha,hora,tipo\n18/12/2023,10:00,ordinary\n")
    assert result.rows == []
    assert str(result.errors[0]) == (
        "Línea 1: «fecha,hora,tipo»: columna desconocida «hora»; las columnas aceptadas son "
        "fecha, hora_inicio, hora_fin, tipo, numero, lugar, enlace, notas (solo fecha es "
        "obligatoria)."
    )


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("31/02/2024,ordinary,", "columna fecha: el 31 de febrero de 2024 no existe"),
        ("18/12/2023,ordinaria,x", "columna numero: «x» no es un número de sesión"),
        ("18/12/2023,Segunda sesión ordinaria,3", "columna numero: 3 no coincide"),
        ("18/12/2023,plenaria,", "columna tipo: no se reconoce el tipo de sesión"),
        ("18/12/2023,ordinary", "la fila tiene 2 columnas y el encabezado 3"),
        ("18/12/2023,,", "falta el tipo de sesión"),
    ],
)
def test_bad_csv_rows_say_the_column_and_why(row, reason):
    result = parse_calendar("fecha,tipo,numero\n" + row + "\n")
    assert [issue.line for issue in result.errors] == [2]
    assert reason in result.errors[0].reason


def test_a_csv_file_without_header_is_refused():
    result = parse_calendar(b"18/12/2023,ordinary\n", filename="calendario.csv")
    assert "la primera línea debe ser el encabezado" in result.errors[0].reason


# --- iCalendar ----------------------------------------------------------------------------

ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Prueba//ES
BEGIN:VEVENT
UID:a@example.org
DTSTAMP:20231001T000000Z
DTSTART;TZID=America/Mexico_City:20231218T100000
DTEND;TZID=America/Mexico_City:20231218T120000
SUMMARY:Segunda sesión ordinaria
LOCATION:Sala del Pleno
END:VEVENT
BEGIN:VEVENT
UID:b@example.org
DTSTAMP:20231001T000000Z
DTSTART:20240130T170000Z
SUMMARY:Tercera sesión ordinaria
LOCATION:https://meet.example.org/cotaprep
END:VEVENT
BEGIN:VEVENT
UID:c@example.org
DTSTAMP:20231001T000000Z
DTSTART;VALUE=DATE:20240601
SUMMARY:Primera sesión extraordinaria
DESCRIPTION:Aprobación del informe de simulacros
END:VEVENT
END:VCALENDAR
"""


def test_it_reads_an_ics_file_in_the_institution_zone():
    result = parse_calendar(ICS, zone=MEXICO_CITY)
    assert result.format == "ics"
    assert result.errors == []
    first, second, third = result.rows
    assert (first.kind, first.number, first.start_time, first.end_time, first.place) == (
        Kind.ORDINARY,
        2,
        datetime.time(10),
        datetime.time(12),
        "Sala del Pleno",
    )
    assert (second.date, second.start_time) == (datetime.date(2024, 1, 30), datetime.time(11))
    assert second.video_link == "https://meet.example.org/cotaprep"
    assert (third.kind, third.date, third.start_time) == (
        Kind.EXTRAORDINARY,
        datetime.date(2024, 6, 1),
        None,
    )
    assert third.notes == "Aprobación del informe de simulacros"
    assert [row.line for row in result.rows] == [4, 12, 19]


def test_an_ics_event_without_dtstart_is_refused():
    text = ICS.replace("DTSTART;VALUE=DATE:20240601\n", "")
    result = parse_calendar(text)
    assert [str(issue) for issue in result.errors] == [
        "Línea 19: «Primera sesión extraordinaria»: el evento no tiene DTSTART (fecha de inicio)."
    ]


def test_an_ics_event_with_a_broken_dtstart_is_refused():
    result = parse_calendar(ICS.replace("20240601", "2024061"))
    assert "DTSTART" in result.errors[0].reason


def test_a_cancelled_ics_event_is_read_as_cancelled():
    # Whether it creates nothing (a new event) or cancels a session (a known UID) is for
    # the import to decide (test_calendar_sync.py).
    text = ICS.replace(
        "SUMMARY:Primera sesión extraordinaria",
        "SUMMARY:Primera sesión extraordinaria\nSTATUS:CANCELLED",
    )
    result = parse_calendar(text)
    assert [row.status for row in result.rows] == ["", "", "cancelled"]


def test_an_unreadable_ics_file_is_refused():
    result = parse_calendar(b"BEGIN:VCALENDAR\nesto no es un calendario\n", filename="x.ics")
    assert result.rows == []
    assert str(result.errors[0]) == (
        "Línea 2: «esto no es un calendario»: el archivo .ics no se puede leer: la línea no "
        "es una propiedad iCalendar (NOMBRE:valor)."
    )


def test_an_ics_summary_without_kind_takes_the_default_kind():
    text = ICS.replace("Segunda sesión ordinaria", "Reunión COTAPREP")
    assert "no se reconoce" in parse_calendar(text).errors[0].reason
    result = parse_calendar(text, default_kind="ordinary")
    assert result.errors == []
    assert result.rows[0].notes == "Reunión COTAPREP"


# --- Any input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "filename", "expected"),
    [
        ("BEGIN:VCALENDAR\n", None, "ics"),
        ("", "calendario.ics", "ics"),
        ("\ufefffecha,tipo\n", None, "csv"),
        ("Fecha;Tipo\n", None, "csv"),
        ("Fecha\tTipo\n", None, "table"),
        ("Núm.\tFecha\n", None, "table"),
    ],
)
def test_the_format_is_detected_by_content_or_name(text, filename, expected):
    assert detect_format(text, filename) == expected


@pytest.mark.parametrize("data", ["", "   \n\n\t\n", b""])
def test_empty_input_is_refused(data):
    result = parse_calendar(data)
    assert str(result.errors[0]) == "La entrada está vacía: no hay ninguna sesión que importar."


def test_text_without_any_session_is_refused():
    result = parse_calendar("Calendario de sesiones del Comité\n\nSin fechas todavía.\n")
    assert "No se encontró ninguna sesión" in str(result.errors[0])


def test_input_over_the_limit_is_refused(settings):
    settings.CALENDAR_IMPORT_MAX_BYTES = 1024
    assert parse_calendar(b"x" * 1024).errors[0].reason.startswith("No se encontró")
    result = parse_calendar(b"x" * 1025)
    assert str(result.errors[0]) == (
        "La entrada supera el máximo de 1 KB (CALENDAR_IMPORT_MAX_BYTES): divídala en partes "
        "más pequeñas."
    )


def test_a_five_megabyte_file_is_refused_by_default():
    result = parse_calendar(b"1\t17 de octubre de 2023\tSegunda sesion ordinaria\n" * 110_000)
    assert str(result.errors[0]).startswith("La entrada supera el máximo de 2 MB")


def test_windows_text_and_non_breaking_spaces_are_read():
    text = "1\t17\xa0de octubre de 2023\tSegunda sesión ordinaria\r\n".encode("cp1252")
    result = parse_calendar(text)
    assert result.errors == []
    assert result.rows[0].date == datetime.date(2023, 10, 17)


def test_an_unknown_default_kind_is_refused():
    result = parse_calendar("1\t17 de octubre de 2023\n", default_kind="plenary")
    assert "«plenary» no es un tipo de sesión" in str(result.errors[0])


def test_a_header_in_the_same_block_as_the_rows_is_ignored():
    text = "\n".join(ROWS_PER_LINE.replace("\t", "\n").splitlines()[1:])
    result = parse_calendar(text)
    assert result.warnings == []
    assert [row.position for row in result.rows] == [1, 2, 3]


def test_csv_with_trailing_delimiters_from_a_spreadsheet():
    result = parse_calendar("fecha,tipo,,\n18/12/2023,ordinary,,\n")
    assert result.errors == []
    assert result.rows[0].kind == "ordinary"
