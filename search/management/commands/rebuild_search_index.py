from django.core.management.base import BaseCommand

from search.indexing import rebuild


class Command(BaseCommand):
    help = (
        "Rehace el índice de búsqueda de sesiones, puntos, acuerdos, actas y documentos (el "
        "texto de los PDF se extrae en segundo plano, una vez por archivo)."
    )

    def handle(self, *args, **options):
        count = rebuild()
        self.stdout.write(self.style.SUCCESS(f"Índice de búsqueda al día: {count} elementos."))
