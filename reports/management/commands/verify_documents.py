"""Re-hash every archived PDF and compare it with the hash recorded when it was archived."""

from django.core.management.base import BaseCommand, CommandError

from reports.archive import verify_archive


class Command(BaseCommand):
    help = (
        "Verifica los documentos archivados (actas aprobadas e informes presentados): vuelve "
        "a calcular el SHA-256 de cada archivo y lo compara con el registrado al archivarlo. "
        "Termina con error si alguno no coincide o falta."
    )

    def handle(self, *args, **options):
        checked = failed = 0
        for check in verify_archive():
            checked += 1
            if check.ok:
                self.stdout.write(f"íntegro         {check.name}  {check.recorded}")
                continue
            failed += 1
            verdict = "FALTA EL ARCHIVO" if check.actual is None else "NO COINCIDE"
            self.stdout.write(
                f"{verdict:<16}{check.name}  ({check.document})\n"
                f"                registrado: {check.recorded}\n"
                f"                calculado:  {check.actual or '—'}"
            )
        noun = "documento archivado" if checked == 1 else "documentos archivados"
        self.stdout.write(f"{checked} {noun} revisados.")
        if failed:
            noun = "documento no coincide" if failed == 1 else "documentos no coinciden"
            raise CommandError(f"{failed} {noun} con su huella registrada o falta su archivo.")
