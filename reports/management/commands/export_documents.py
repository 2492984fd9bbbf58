"""Every document of a committee's season in one folder: calendar, actas and informes."""

import dataclasses
import hashlib
import io
from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from pypdf import PdfReader

from committees.models import Committee
from reports import documents
from reports.archive import archive_acta, archive_informe, informe_filename
from reports.models import Acta, Informe
from reports.pdf import StoredPDF, render_pdf, write_atomically


@dataclasses.dataclass
class Planned:
    filename: str
    origin: str
    produce: Callable[[], bytes]


class Command(BaseCommand):
    help = (
        "Escribe en una carpeta los PDF de un órgano: el calendario de sesiones, cada acta "
        "(la aprobada, de su archivo PDF/A; la pendiente, como proyecto) y cada informe (el "
        "presentado, de su archivo; el proyecto, generado). Archiva antes lo aprobado o "
        "presentado que aún no tenga archivo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--committee", required=True, help="Identificador (slug) del órgano.")
        parser.add_argument("--output", required=True, help="Carpeta donde escribir los PDF.")

    def handle(self, *args, committee, output, **options):
        body = Committee.objects.select_related("institution").filter(slug=committee).first()
        if body is None:
            raise CommandError(f"No existe el órgano «{committee}».")
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        failures = []
        total_pages = 0
        for number, planned in enumerate(self._plan(body), start=1):
            target = folder / f"{number:02d}-{planned.filename}"
            try:
                content = planned.produce()
                write_atomically(target, content)
            except Exception as error:
                failures.append(target.name)
                self.stderr.write(f"ERROR  {target.name}: {error}")
                continue
            pages = len(PdfReader(io.BytesIO(content)).pages)
            total_pages += pages
            self.stdout.write(
                f"{target.name:<58} {pages:>3} pág. {len(content) / 1024:>7.1f} KiB  "
                f"{planned.origin:<18} sha256 {hashlib.sha256(content).hexdigest()[:16]}…"
            )
        self.stdout.write(f"Total: {total_pages} páginas en {folder}.")
        if failures:
            if len(failures) == 1:
                raise CommandError("No se pudo generar 1 documento; los demás se escribieron.")
            raise CommandError(
                f"No se pudieron generar {len(failures)} documentos; los demás se escribieron."
            )

    def _plan(self, committee: Committee) -> list[Planned]:
        from reports.informes import informe_context

        planned = [
            Planned(
                f"calendario-{committee.slug}.pdf",
                "generado",
                lambda: render_pdf(
                    "reports/pdf/calendario.html", documents.calendario_context(committee)
                ),
            )
        ]
        actas = Acta.objects.filter(session__committee=committee).select_related(
            "session__committee__institution"
        )
        for acta in actas.order_by("session__date", "session__start_time"):
            if acta.is_frozen:
                planned.append(
                    Planned(
                        documents.filename("acta", acta.session),
                        "archivo PDF/A",
                        lambda acta=acta: StoredPDF(archive_acta(acta).pdf.name).read(),
                    )
                )
            else:
                planned.append(
                    Planned(
                        documents.filename("proyecto-de-acta", acta.session),
                        "proyecto",
                        lambda acta=acta: render_pdf(
                            "reports/pdf/acta.html", documents.acta_context(acta)
                        ),
                    )
                )
        informes = committee.informes.select_related("committee__institution")
        for informe in informes.order_by("kind", "number", "period_start"):
            if informe.status == Informe.Status.DRAFT:
                planned.append(
                    Planned(
                        f"proyecto-de-{informe_filename(informe)}",
                        "proyecto",
                        lambda informe=informe: render_pdf(
                            "reports/pdf/informe.html", informe_context(informe)
                        ),
                    )
                )
            else:
                planned.append(
                    Planned(
                        informe_filename(informe),
                        "archivo PDF/A",
                        lambda informe=informe: StoredPDF(archive_informe(informe).pdf.name).read(),
                    )
                )
        return planned
