"""manage.py import_calendar: prints what it creates, skips, warns about and refuses."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sessions.models import Session
from tests.factories import make_committee, make_session

pytestmark = pytest.mark.django_db

SEED_TABLE = Path(__file__).parent / "data" / "calendario_plan_de_trabajo.txt"


def import_calendar(*args, stdin=None) -> str:
    out = io.StringIO()
    options = {"stdout": out}
    if stdin is not None:
        options["stdin"] = stdin
    try:
        call_command("import_calendar", *args, **options)
    except CommandError as error:
        error.output = out.getvalue()
        raise
    return out.getvalue()


def test_a_dry_run_lists_the_sessions_and_writes_nothing():
    committee = make_committee()
    output = import_calendar("--committee", committee.slug, "--dry-run", str(SEED_TABLE))
    lines = output.splitlines()
    assert lines[0] == "Formato: tabla pegada."
    assert lines[1] == "Sesiones por crear (16):"
    assert lines[2] == (
        "  1 de noviembre de 2023 · Sesión de instalación (Primera sesión ordinaria) · "
        "Sesión ordinaria núm. 1"
    )
    assert lines[17] == (
        "  30 de junio de 2024 · Sesión de cierre y clausura · Sesión ordinaria núm. 8"
    )
    assert lines[18] == "Advertencias (1):"
    assert lines[19].startswith("  Línea 51: «12 | 25 de abril de 2024 | Sexta sesión ordinaria.»")
    assert lines[-1] == "Simulación: no se escribió nada."
    assert Session.objects.count() == 0


def test_it_imports_and_gives_each_session_its_standard_agenda():
    committee = make_committee()
    output = import_calendar("--committee", committee.slug, str(SEED_TABLE))
    assert output.splitlines()[1] == "Sesiones creadas (16):"
    assert output.splitlines()[-1] == "Se crearon 16 sesiones."
    assert committee.sessions.count() == 16
    installation = committee.sessions.get(role="installation")
    assert installation.points.count() == 5


def test_it_reads_standard_input_and_takes_the_kind_from_the_option():
    committee = make_committee()
    data = io.BytesIO(b"1\t17 de octubre de 2023\n2\t14 de noviembre de 2023\n")
    output = import_calendar(
        "--committee", committee.slug, "--kind", "extraordinary", "-", stdin=data
    )
    assert "  14 de noviembre de 2023 · Segunda sesión extraordinaria · " in output
    assert list(committee.sessions.values_list("kind", "number").order_by("number")) == [
        ("extraordinary", 1),
        ("extraordinary", 2),
    ]


def test_duplicates_are_listed_and_skipped():
    committee = make_committee()
    make_session(committee, number=2, date=datetime.date(2023, 12, 18))
    output = import_calendar("--committee", committee.slug, "--dry-run", str(SEED_TABLE))
    assert "Duplicadas, se omiten (1):" in output
    assert (
        "  Línea 19: «4 | 18 de diciembre de 2023 | Segunda sesión ordinaria.»: ya existe la "
        "segunda sesión ordinaria del 18 de diciembre de 2023; no se duplica." in output
    )
    assert "Sesiones por crear (15):" in output


def test_bad_rows_are_printed_and_the_command_fails_writing_nothing(tmp_path):
    committee = make_committee()
    table = tmp_path / "calendario.txt"
    table.write_text(
        "1\t17 de octubre de 2023\tSegunda sesión ordinaria\n"
        "2\t31 de febrero de 2024\tTercera sesión ordinaria\n"
        "3\t5 de marzo de 2024\tSesión informativa\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="2 problemas: no se escribió nada.") as caught:
        import_calendar("--committee", committee.slug, str(table))
    output = caught.value.output
    assert "Errores (2):" in output
    assert (
        "  Línea 2: «31 de febrero de 2024»: el 31 de febrero de 2024 no existe (febrero de "
        "2024 tiene 29 días)." in output
    )
    assert "  Línea 3: «Sesión informativa»: no se reconoce el tipo de sesión" in output
    assert Session.objects.count() == 0


def test_a_large_file_is_refused_without_reading_it_all(tmp_path, settings):
    settings.CALENDAR_IMPORT_MAX_BYTES = 1000
    committee = make_committee()
    big = tmp_path / "grande.csv"
    big.write_bytes(b"fecha,tipo\n" + b"17/10/2023,ordinary\n" * 1000)
    with pytest.raises(CommandError, match="1 problema: no se escribió nada.") as caught:
        import_calendar("--committee", committee.slug, str(big))
    assert "  La entrada supera el máximo de 1000 bytes (CALENDAR_IMPORT_MAX_BYTES)" in (
        caught.value.output
    )
    assert Session.objects.count() == 0


def test_an_unknown_committee_or_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No existe un órgano con el identificador «nada»"):
        import_calendar("--committee", "nada", str(SEED_TABLE))
    committee = make_committee()
    with pytest.raises(CommandError, match="No existe el archivo"):
        import_calendar("--committee", committee.slug, str(tmp_path / "no-existe.csv"))


def test_an_unknown_kind_code_is_refused():
    committee = make_committee()
    with pytest.raises(CommandError, match="invalid choice"):
        import_calendar("--committee", committee.slug, "--kind", "plenary", str(SEED_TABLE))
