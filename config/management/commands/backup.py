"""manage.py backup: the database, every media file and a manifest of hashes in one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, backup_name, describe_size, write_backup


class Command(BaseCommand):
    help = (
        "Escribe un respaldo completo en un solo archivo .tar.gz: la base de datos (pg_dump en "
        "PostgreSQL, la API de respaldo de SQLite si no), todos los archivos (documentos, PDF "
        "archivados, logotipos) y un manifiesto con el SHA-256 de cada parte y los conteos de "
        "cada tabla. Se restaura con manage.py restore."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Archivo o carpeta donde escribirlo (una carpeta, existente o terminada en /, "
            "recibe quorum-respaldo-AAAAMMDD-HHMMSS.tar.gz; por omisión, la carpeta actual).",
        )

    def handle(self, *args, output=None, **options):
        target = Path(output) if output else Path(backup_name())
        # A folder (existing, or named with a trailing slash) gets a dated file inside it.
        if target.is_dir() or (output or "").endswith("/"):
            target = target / backup_name()
        try:
            summary = write_backup(target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(summary.counts.values())
        self.stdout.write(
            f"Respaldo escrito: {summary.path} ({describe_size(summary.size)})\n"
            f"  base de datos:  {summary.engine}, {describe_size(summary.database_size)}, "
            f"{rows} filas en {len(summary.counts)} tablas\n"
            f"  archivos:       {summary.files} ({describe_size(summary.files_size)})\n"
            f"  SHA-256:        {summary.sha256}"
        )
        for name in summary.skipped:
            self.stdout.write(f"  omitido:        {name} (se borró mientras se respaldaba)")
