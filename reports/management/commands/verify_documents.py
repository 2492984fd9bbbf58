"""
Check every approved document: the archived PDF/A of each approved acta and presented
informe exists and hashes to the SHA-256 recorded when it was archived, and each acta's
stored content equals the acta.json embedded in its archive. Exit 1 on any problem.
"""

from django.core.management.base import BaseCommand, CommandError

from reports.archive import verify_archive


class Command(BaseCommand):
    help = (
        "Verifica los documentos aprobados (actas e informes): que cada uno tenga su PDF/A "
        "archivado, que el SHA-256 del archivo coincida con el registrado al archivarlo y que "
        "el contenido aprobado de cada acta sea el incrustado en su PDF (acta.json). Termina "
        "con error si algo falta o no coincide."
    )

    def handle(self, *args, **options):
        checked = failed = 0
        for check in verify_archive():
            checked += 1
            if check.ok:
                self.stdout.write(f"íntegro         {check.name}  {check.recorded}")
                continue
            failed += 1
            if not check.recorded:
                verdict = "SIN ARCHIVO"
            elif check.actual is None:
                verdict = "FALTA EL ARCHIVO"
            elif check.actual != check.recorded:
                verdict = "NO COINCIDE"
            else:
                verdict = "CONTENIDO"
            lines = [f"{verdict:<16}{check.name}  ({check.document})"]
            if check.recorded:
                lines += [
                    f"                registrado: {check.recorded}",
                    f"                calculado:  {check.actual or '—'}",
                ]
            lines += [f"                {problem}" for problem in check.problems]
            self.stdout.write("\n".join(lines))
        noun = "documento aprobado revisado" if checked == 1 else "documentos aprobados revisados"
        self.stdout.write(f"{checked} {noun}.")
        if failed:
            noun = "documento tiene" if failed == 1 else "documentos tienen"
            raise CommandError(
                f"{failed} {noun} problemas: falta su archivo, su huella no coincide o su "
                "contenido aprobado cambió."
            )
