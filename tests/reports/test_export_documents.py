"""export_documents: the PDFs of the demo's simulated season, produced by one command."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from demo.loader import load_demo
from demo.simulation import simulate_season
from reports.models import Acta, Informe
from tests.reports.test_pdf_documents import text

pytestmark = pytest.mark.django_db


def test_the_simulated_season_is_written_to_one_folder(tmp_path, capsys):
    committee = load_demo().committee
    simulate_season(committee)  # no commit: nothing is archived before the command runs
    output = tmp_path / "temporada"

    call_command("export_documents", "--committee", committee.slug, "--output", output)

    files = sorted(path.name for path in output.iterdir())
    assert files[0] == f"01-calendario-{committee.slug}.pdf"
    actas = [name for name in files if "-acta-" in name]
    assert len(actas) == Acta.objects.filter(session__committee=committee).count() == 9
    # Every acta is approved (the closing session's by circulation): none is a draft.
    assert sum(name.split("-", 1)[1].startswith("proyecto-de-acta") for name in actas) == 0
    informes = [name for name in files if "informe-" in name]
    assert [name.split("-", 2)[2].split("-cotaprep")[0] for name in informes] == [
        "1",
        "2",
        "3",
        "final",
    ]
    # What was approved or presented is archived once, and the folder holds that very file.
    for document in [*Acta.objects.exclude(status="draft"), *Informe.objects.all()]:
        assert document.pdf and document.pdf_sha256
        copy = next(output.glob(f"*-{document.pdf.name.split('/')[1]}"))
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == document.pdf_sha256
    final = next(output.glob("*-informe-final-*"))
    assert "Informe final de actividades" in text(final.read_bytes())
    out = capsys.readouterr().out
    pages = sum(len(PdfReader(io.BytesIO(path.read_bytes())).pages) for path in output.iterdir())
    assert f"Total: {pages} páginas en {output}." in out
    assert out.count("archivo PDF/A") == 9 + 4  # every acta and every informe


def test_an_unknown_committee_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="No existe el órgano «nadie»"):
        call_command("export_documents", "--committee", "nadie", "--output", tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_a_failed_document_is_reported_and_the_others_are_written(
    committee, tmp_path, monkeypatch, capsys
):
    from reports.management.commands import export_documents

    monkeypatch.setattr(export_documents, "render_pdf", lambda *a, **k: 1 / 0)

    failed = "No se pudo generar 1 documento; los demás se escribieron"
    with pytest.raises(CommandError, match=failed):
        call_command("export_documents", "--committee", committee.slug, "--output", tmp_path)

    assert list(tmp_path.iterdir()) == []
    assert "ERROR  01-calendario-" in capsys.readouterr().err
