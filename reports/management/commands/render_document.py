"""Render one document of a committee to a PDF file, for scripts."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from committees.models import Committee
from reports import documents
from reports.models import Acta, Informe
from reports.pdf import StoredPDF, render_pdf, write_atomically
from sessions.models import Session

SESSION_DOCUMENTS = ("convocatoria", "orden", "acta")
DOCUMENTS = ("calendario", *SESSION_DOCUMENTS, "informe")


class Command(BaseCommand):
    help = (
        "Genera el PDF de un documento: el calendario de un órgano (--committee), la "
        "convocatoria, el orden del día o el acta de una sesión (--session), o un informe "
        "(--informe). El acta aprobada y el informe presentado se copian de su archivo PDF/A."
    )

    def add_arguments(self, parser):
        parser.add_argument("document", choices=DOCUMENTS)
        parser.add_argument("--committee", help="Identificador (slug) del órgano: calendario.")
        parser.add_argument(
            "--session",
            type=int,
            help="Id de la sesión (convocatoria, orden, acta).",
        )
        parser.add_argument("--informe", type=int, help="Id del informe.")
        parser.add_argument("--output", required=True, help="Archivo PDF a escribir.")

    def handle(self, *args, document, output, **options):
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"No existe la carpeta de destino: {target.parent}")
        archived, template, context = self._document(document, options)
        try:
            content = StoredPDF(archived).read() if archived else render_pdf(template, context)
            write_atomically(target, content)
        except Exception as error:
            raise CommandError(f"No se pudo generar el documento: {error}") from error
        origin = " (copia del archivo PDF/A)" if archived else ""
        self.stdout.write(f"Se escribió {target} ({target.stat().st_size} bytes){origin}.")

    def _document(self, document: str, options: dict) -> tuple[str, str, dict]:
        """(archived file name or "", template, context) of the document asked for."""
        needed = {"calendario": "committee", "informe": "informe"}.get(document, "session")
        if options[needed] is None:
            raise CommandError(f"El documento «{document}» requiere --{needed}.")
        if document == "calendario":
            committee = Committee.objects.select_related("institution").filter(
                slug=options["committee"]
            )
            if not committee.exists():
                raise CommandError(f"No existe el órgano «{options['committee']}».")
            return "", "reports/pdf/calendario.html", documents.calendario_context(committee.get())
        if document == "informe":
            return self._informe(options["informe"])
        return self._session_document(document, options["session"])

    def _session_document(self, document: str, pk: int) -> tuple[str, str, dict]:
        session = Session.objects.select_related("committee__institution").filter(pk=pk).first()
        if session is None:
            raise CommandError(f"No existe la sesión {pk}.")
        if document == "convocatoria":
            return "", "reports/pdf/convocatoria.html", documents.convocatoria_context(session)
        if document == "orden":
            return "", "reports/pdf/orden.html", documents.orden_context(session)
        acta = (
            Acta.objects.select_related("session__committee__institution")
            .filter(session=session)
            .first()
        )
        if acta is None:
            raise CommandError(f"La sesión {pk} no tiene acta.")
        if acta.pdf:
            return acta.pdf.name, "", {}
        return "", "reports/pdf/acta.html", documents.acta_context(acta)

    def _informe(self, pk: int) -> tuple[str, str, dict]:
        from reports.informes import informe_context

        informe = Informe.objects.select_related("committee__institution").filter(pk=pk).first()
        if informe is None:
            raise CommandError(f"No existe el informe {pk}.")
        if informe.pdf:
            return informe.pdf.name, "", {}
        return "", "reports/pdf/informe.html", informe_context(informe)
