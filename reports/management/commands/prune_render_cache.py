"""Delete the render cache's files older than a number of days (archived PDFs never)."""

import datetime

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.pdf import CACHE_FOLDER


def cached_files(folder: str = CACHE_FOLDER):
    """Every file under the cache folder, as storage names."""
    if not default_storage.exists(folder):
        return
    subfolders, files = default_storage.listdir(folder)
    for name in files:
        if name.endswith(".pdf"):
            yield f"{folder}/{name}"
    for subfolder in subfolders:
        yield from cached_files(f"{folder}/{subfolder}")


class Command(BaseCommand):
    help = (
        "Borra de la caché de documentos generados los PDF con más de --days días "
        "(30 por omisión). Los documentos archivados (actas aprobadas, informes "
        "presentados) no están en la caché y nunca se borran; un PDF borrado se vuelve a "
        "generar cuando se pide."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="Antigüedad mínima, en días.")
        parser.add_argument("--dry-run", action="store_true", help="Solo informa qué borraría.")

    def handle(self, *args, days, dry_run, **options):
        if days < 0:
            raise CommandError("--days no puede ser negativo.")
        cutoff = timezone.now() - datetime.timedelta(days=days)
        removed = kept = size = 0
        for name in list(cached_files()):
            if default_storage.get_modified_time(name) >= cutoff:
                kept += 1
                continue
            size += default_storage.size(name)
            removed += 1
            if not dry_run:
                default_storage.delete(name)
        verb = "Se borrarían" if dry_run else "Se borraron"
        self.stdout.write(
            f"{verb} {removed} PDF de la caché ({size / 1024:.0f} KiB); se conservan {kept}."
        )
