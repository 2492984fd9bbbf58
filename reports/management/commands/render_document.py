"""Render a session's convocation, agenda or acta to a PDF file."""

import contextlib
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports import documents
from reports.models import Acta
from reports.pdf import render_pdf
from sessions.models import Session

DOCUMENTS = ("convocatoria", "orden", "acta")


class Command(BaseCommand):
    help = "Genera el PDF de la convocatoria, el orden del día o el acta de una sesión."

    def add_arguments(self, parser):
        parser.add_argument("document", choices=DOCUMENTS)
        parser.add_argument("--session", type=int, required=True, help="Id de la sesión.")
        parser.add_argument("--output", required=True, help="Archivo PDF a escribir.")

    def handle(self, *args, document, session, output, **options):
        template, context = self._document(document, session)
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"No existe la carpeta de destino: {target.parent}")
        # Written beside the target and renamed over it: a failed render leaves no file.
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(render_pdf(template, context))
            os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the file from the web server
            os.replace(temporary, target)
        except BaseException as error:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            if isinstance(error, Exception):
                raise CommandError(f"No se pudo generar el documento: {error}") from error
            raise
        self.stdout.write(f"Se escribió {target} ({target.stat().st_size} bytes).")

    def _document(self, document: str, pk: int) -> tuple[str, dict]:
        session = Session.objects.select_related("committee__institution").filter(pk=pk).first()
        if session is None:
            raise CommandError(f"No existe la sesión {pk}.")
        if document == "convocatoria":
            return "reports/pdf/convocatoria.html", documents.convocatoria_context(session)
        if document == "orden":
            return "reports/pdf/orden.html", documents.orden_context(session)
        acta = Acta.objects.select_related("session__committee__institution").filter(
            session=session
        )
        if not acta.exists():
            raise CommandError(f"La sesión {pk} no tiene acta.")
        return "reports/pdf/acta.html", documents.acta_context(acta.get())
