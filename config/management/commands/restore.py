"""manage.py restore: a backup loaded into an empty database and an empty storage."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from config.backup import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = (
        "Restaura un respaldo de manage.py backup en una base de datos y un almacenamiento "
        "vacíos. Antes de escribir nada comprueba el archivo entero contra su manifiesto y "
        "rechaza uno dañado o incompleto; al terminar compara los conteos de cada tabla y "
        "verifica los documentos archivados (verify_documents)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="El archivo .tar.gz del respaldo.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Solo comprobar el respaldo contra su manifiesto, sin restaurar nada.",
        )

    def handle(self, *args, archive, check=False, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"No existe el archivo {path}.")
        try:
            if check:
                manifest = read_manifest(path)
                self.stdout.write(
                    f"Respaldo íntegro: {path}, del {manifest['created_at']} "
                    f"({manifest['site_url']}), {len(manifest['media'])} archivos, "
                    f"{sum(manifest['counts'].values())} filas."
                )
                return
            summary = restore_backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = summary.manifest
        self.stdout.write(
            f"Restaurado el respaldo del {manifest['created_at']} ({manifest['site_url']}): "
            f"base {manifest['database']['engine']}, {summary.files} archivos."
        )
        self.stdout.write("Filas por tabla (respaldo = restauradas):")
        for label, count in summary.counts.items():
            if count:
                self.stdout.write(f"  {label:<45} {count:>8}")
        self.stdout.write(f"  {'total':<45} {sum(summary.counts.values()):>8}")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            self.stdout.write(
                f"Hay {len(pending)} migraciones pendientes para esta versión de Quórum: "
                "ejecute manage.py migrate."
            )
        self.stdout.write("Verificación de los documentos archivados:")
        call_command("verify_documents", stdout=self.stdout, stderr=self.stderr)
