import socket

from django.core.management.base import BaseCommand

from reminders.services import run_reminders


class Command(BaseCommand):
    help = (
        "Envía los recordatorios que tocan ahora (sesiones convocadas próximas y resumen de "
        "acuerdos por vencer). El proceso de tareas (run_worker) lo hace solo; cada "
        "recordatorio sale una sola vez aunque se ejecute varias veces."
    )

    def handle(self, *args, **options):
        summary = run_reminders(f"send_reminders@{socket.gethostname()}")
        self.stdout.write(
            f"Recordatorios: {summary.planned} programados, {summary.sent} enviados, "
            f"{summary.skipped} omitidos, {summary.failed} con error."
        )
