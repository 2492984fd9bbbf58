import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from committees.models import Committee
from committees.spanish import long_date
from sessions.calendar_import import FORMAT_LABELS, KIND_CODES, import_calendar, max_import_bytes


class Command(BaseCommand):
    help = (
        "Importa el calendario de sesiones de un órgano desde un archivo .ics, un CSV o una "
        "tabla copiada de un documento. Si alguna fila no se puede leer no se escribe nada."
    )
    # Tests pass the standard input as a stream.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "--committee", required=True, metavar="SLUG", help="Identificador del órgano."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Revisa y muestra lo que se haría, sin escribir nada.",
        )
        parser.add_argument(
            "--kind",
            choices=KIND_CODES,
            metavar="CODE",
            help="Tipo de las filas que no lo dicen: " + ", ".join(KIND_CODES) + ".",
        )
        parser.add_argument("file", metavar="FILE", help="Archivo a importar, o - para stdin.")

    def handle(self, *args, **options):
        slug = options["committee"]
        committee = (
            Committee.objects.select_related("institution", "process").filter(slug=slug).first()
        )
        if committee is None:
            raise CommandError(f"No existe un órgano con el identificador «{slug}».")
        data, filename = self._read(options["file"], options.get("stdin"))

        # This command composes the apps: new sessions get their standard agenda, which
        # lives in agendas (sessions may not import it at module level).
        from agendas.services import add_standard_agenda

        report = import_calendar(
            committee,
            data,
            filename=filename,
            default_kind=options["kind"],
            dry_run=options["dry_run"],
            on_created=add_standard_agenda,
        )
        self._print(report)
        if report.errors:
            raise CommandError(
                f"{len(report.errors)} {'problema' if len(report.errors) == 1 else 'problemas'}"
                ": no se escribió nada."
            )
        if options["dry_run"]:
            self.stdout.write("Simulación: no se escribió nada.")
        elif report.planned:
            self.stdout.write(self.style.SUCCESS(f"Se crearon {len(report.planned)} sesiones."))
        else:
            self.stdout.write("No hay sesiones nuevas que crear.")

    def _read(self, name: str, stdin) -> tuple[bytes, str | None]:
        # Read one byte past the limit: enough to refuse a larger input without loading it.
        limit = max_import_bytes() + 1
        if name == "-":
            stream = stdin or sys.stdin.buffer
            return stream.read(limit), None
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"No existe el archivo «{name}».")
        with path.open("rb") as stream:
            return stream.read(limit), path.name

    def _print(self, report) -> None:
        write = self.stdout.write
        write(f"Formato: {FORMAT_LABELS[report.format]}.")
        if report.planned:
            verb = "creadas" if report.written else "por crear"
            write(f"Sesiones {verb} ({len(report.planned)}):")
            for planned in report.planned:
                session = planned.session
                when = long_date(session.date)
                if session.start_time:
                    when += f", {session.start_time:%H:%M}"
                write(
                    f"  {when} · {session.title} · {session.get_kind_display()} "
                    f"núm. {session.number}"
                )
        for title, issues, style in (
            ("Duplicadas, se omiten", report.duplicates, self.style.NOTICE),
            ("Advertencias", report.warnings, self.style.WARNING),
            ("Errores", report.errors, self.style.ERROR),
        ):
            if issues:
                write(style(f"{title} ({len(issues)}):"))
                for issue in issues:
                    write(f"  {issue}")
