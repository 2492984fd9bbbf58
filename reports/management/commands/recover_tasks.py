"""Queue again the background work a dead worker left undone (for a cron job)."""

from django.core.management.base import BaseCommand

from reports.recovery import recover_background_work


class Command(BaseCommand):
    help = (
        "Busca el trabajo en segundo plano que un proceso detenido dejó a medias (actas "
        "aprobadas e informes presentados sin archivar, impresiones pendientes) y lo vuelve "
        "a poner en cola. run_worker lo hace al iniciar y cada pocos minutos."
    )

    def handle(self, *args, **options):
        summary = recover_background_work()
        self.stdout.write(
            f"Tareas perdidas marcadas como fallidas: {summary.failed_tasks}. En cola de "
            f"nuevo: actas por archivar, {summary.actas}; informes por archivar, "
            f"{summary.informes}; impresiones de informes, {summary.renders}."
        )
