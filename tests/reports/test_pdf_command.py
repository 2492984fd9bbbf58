"""render_document: a session's document to a file, written whole or not at all."""

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from reports.services import draft_acta
from tests.reports.test_pdf_documents import held_session, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(committee):
    return held_session(committee)


@pytest.mark.parametrize(
    ("document", "expected"),
    [("convocatoria", "Convocatoria"), ("orden", "Orden del día"), ("acta", "Proyecto de acta")],
)
def test_it_writes_the_document(session, tmp_path, capsys, document, expected):
    draft_acta(session)
    output = tmp_path / f"{document}.pdf"

    call_command("render_document", document, "--session", str(session.pk), "--output", output)

    assert expected in text(output.read_bytes())
    assert "Primera sesión ordinaria" in text(output.read_bytes())
    assert f"Se escribió {output}" in capsys.readouterr().out
    assert [path.name for path in tmp_path.iterdir()] == [f"{document}.pdf"]


def test_a_failed_render_leaves_no_file_and_keeps_the_previous_one(session, tmp_path, monkeypatch):
    output = tmp_path / "orden.pdf"
    output.write_bytes(b"version anterior")

    def broken(*args, **kwargs):
        raise RuntimeError("fallo de prueba")

    monkeypatch.setattr("reports.management.commands.render_document.render_pdf", broken)

    with pytest.raises(CommandError, match="No se pudo generar el documento: fallo de prueba"):
        call_command("render_document", "orden", "--session", str(session.pk), "--output", output)

    assert [path.name for path in tmp_path.iterdir()] == ["orden.pdf"]
    assert output.read_bytes() == b"version anterior"


def test_a_failed_render_creates_no_file(session, tmp_path, monkeypatch):
    output = tmp_path / "acta.pdf"
    draft_acta(session)
    monkeypatch.setattr(
        "reports.management.commands.render_document.render_pdf",
        lambda *args, **kwargs: 1 / 0,
    )

    with pytest.raises(CommandError):
        call_command("render_document", "acta", "--session", str(session.pk), "--output", output)

    assert list(tmp_path.iterdir()) == []


def test_it_exits_non_zero_from_the_command_line(session, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(
        "reports.management.commands.render_document.render_pdf",
        lambda *args, **kwargs: 1 / 0,
    )
    utility = ManagementUtility(
        [
            "manage.py",
            "render_document",
            "orden",
            "--session",
            str(session.pk),
            "--output",
            str(tmp_path / "orden.pdf"),
        ]
    )
    with pytest.raises(SystemExit) as exit:
        utility.execute()

    assert exit.value.code != 0
    assert "No se pudo generar el documento" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_session_without_acta_is_refused(session, tmp_path):
    with pytest.raises(CommandError, match="no tiene acta"):
        call_command(
            "render_document", "acta", "--session", str(session.pk), "--output", tmp_path / "a.pdf"
        )
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_session_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="No existe la sesión 999999"):
        call_command(
            "render_document", "orden", "--session", "999999", "--output", tmp_path / "o.pdf"
        )


def test_a_missing_folder_is_refused(session, tmp_path):
    with pytest.raises(CommandError, match="No existe la carpeta"):
        call_command(
            "render_document",
            "orden",
            "--session",
            str(session.pk),
            "--output",
            tmp_path / "no-existe" / "o.pdf",
        )
