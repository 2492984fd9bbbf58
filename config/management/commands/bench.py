"""python manage.py bench: build the benchmark's data set and print its table (README)."""

from django.core.management.base import BaseCommand

from config import benchmark


class Command(BaseCommand):
    help = (
        "Construye el conjunto de datos de prueba de rendimiento (si falta) y mide páginas, "
        "calendarios y documentos: mediana, p95, consultas y razón contra una vista vacía."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(benchmark.SIZES), default="small")
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument(
            "--build-only", action="store_true", help="Solo construye el conjunto de datos."
        )

    def handle(self, *args, size, repeat, build_only, **options):
        benchmark.build_dataset(size, log=self.stdout.write)
        if build_only:
            return
        rows = benchmark.measure(repeat)
        title = f"Conjunto «{size}» ({benchmark.describe_database()}), {repeat} repeticiones"
        self.stdout.write(benchmark.markdown(rows, title))
