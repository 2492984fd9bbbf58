"""
Benchmark of the printed documents: not a test (pytest never collects it). Run it with

    .venv/bin/python tests/bench/bench_documents.py [--repeat 5]

It builds the demo committee with its simulated season (16 sessions) in a throw-away SQLite
database, then, in one run, times:

1. the acta of a 12-point session and the first bimonthly informe through ``render_pdf``
   (context, template, our fetcher) against WeasyPrint alone on the same HTML (WeasyPrint's
   own fetcher, the same stylesheet): our overhead, target ≤ 30 %;
2. a cached repeat of the acta's download (``cached_pdf``: context, template, hash, stored
   file) and the download of the archived acta, each against serving a static file of the
   same size, through the same Django stack: target ≤ 10 % over the static file.

Medians of ``--repeat`` runs, after one warm-up run each.
"""

import argparse
import contextlib
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def median_ms(function, repeat: int) -> float:
    function()  # warm-up: fonts, templates, connections
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="quorum-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    try:
        run(workdir, options.repeat)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(workdir: Path, repeat: int) -> None:
    import logging

    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = workdir / "media"
    settings.ALLOWED_HOSTS = ["testserver"]
    logging.disable(logging.INFO)
    from django.contrib.auth import get_user_model
    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.template.loader import render_to_string
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from weasyprint import CSS, HTML

    from agendas.models import AgendaPoint
    from committees.models import Committee
    from reports import documents
    from reports.archive import archive_acta
    from reports.informes import informe_context
    from reports.models import Acta, Informe
    from reports.pdf import STYLESHEET, cached_pdf, render_pdf

    setup_test_environment()
    print("Preparando la base de datos de la demostración (temporada simulada)…", flush=True)
    call_command("migrate", verbosity=0)
    with contextlib.redirect_stdout(io.StringIO()):
        call_command("load_demo", "--simulate", verbosity=0)
    committee = Committee.objects.get(slug="cotaprep-iepc-jalisco-2023-2024")

    # The acta of a 12-point session: the closing session's draft, completed to 12 points.
    acta = Acta.objects.select_related("session").filter(status=Acta.Status.DRAFT).last()
    points = acta.session.points
    for position in range(points.count() + 1, 13):
        AgendaPoint.objects.create(
            session=acta.session,
            position=position,
            title=f"Presentación del documento técnico {position} del PREP",
            kind=AgendaPoint.Kind.INFORMATIVE,
            minutes="La Secretaría Técnica presentó el documento; hubo comentarios. " * 4,
        )
    assert points.count() == 12
    informe = Informe.objects.filter(committee=committee, kind=Informe.Kind.BIMONTHLY).first()
    if informe is None:
        raise SystemExit("La demostración no tiene informes bimestrales.")
    print(
        f"Órgano: {committee.short_name}, {committee.sessions.count()} sesiones; "
        f"acta de {points.count()} puntos; {informe.title.lower()}.\n"
    )

    stylesheet = finders.find(STYLESHEET)
    static_root = f"file://{Path(stylesheet).parent.parent}/"

    def weasyprint_alone(markup: str) -> bytes:
        return HTML(string=markup, base_url=static_root).write_pdf(
            stylesheets=[CSS(filename=stylesheet)]
        )

    rows = []
    cases = [
        ("Acta (12 puntos)", "reports/pdf/acta.html", lambda: documents.acta_context(acta)),
        ("Informe bimestral", "reports/pdf/informe.html", lambda: informe_context(informe)),
    ]
    for label, template, context in cases:
        markup = render_to_string(template, context())
        ours = median_ms(lambda t=template, c=context: render_pdf(t, c()), repeat)
        alone = median_ms(lambda m=markup: weasyprint_alone(m), repeat)
        rows.append((label, ours, alone))

    print(f"{'Documento':<20} {'Quórum (ms)':>12} {'WeasyPrint (ms)':>16} {'sobrecosto':>11}")
    for label, ours, alone in rows:
        print(f"{label:<20} {ours:>12.1f} {alone:>16.1f} {100 * (ours / alone - 1):>10.1f} %")
    print("Objetivo: sobrecosto ≤ 30 %.\n")

    # Cached repeats, through the whole Django stack, against a static file of the same size
    # served by the same stack (WhiteNoise, the first middleware).
    draft_pdf = cached_pdf("reports/pdf/acta.html", documents.acta_context(acta))
    approved = archive_acta(Acta.objects.filter(status=Acta.Status.APPROVED).first())
    cases = [
        ("Acta en proyecto, repetida (caché)", acta.pk, draft_pdf.size),
        ("Acta aprobada (archivo PDF/A)", approved.pk, approved.pdf.size),
    ]
    settings.STATIC_ROOT = workdir / "static"  # read by WhiteNoise when the stack is built
    settings.STATIC_ROOT.mkdir()
    for _label, _pk, size in cases:
        (settings.STATIC_ROOT / f"archivo-{size}.pdf").write_bytes(os.urandom(size))
    settings.ROOT_URLCONF = _urls_with_a_protected_file(settings.STATIC_ROOT)
    client = Client()
    client.force_login(get_user_model().objects.get(username="hector"))

    def fetch(address):
        response = client.get(address)
        assert response.status_code == 200, (address, response.status_code)
        b"".join(response.streaming_content)

    results = []
    for label, pk, size in cases:
        ours = median_ms(lambda pk=pk: fetch(reverse("reports:acta-pdf", args=[pk])), repeat * 4)
        public = f"/{settings.STATIC_URL.strip('/')}/archivo-{size}.pdf"
        plain = median_ms(lambda u=public: fetch(u), repeat * 4)
        protected = median_ms(lambda s=size: fetch(f"/bench/archivo-{s}.pdf"), repeat * 4)
        results.append((label, size, ours, plain, protected))

    print(
        f"{'Descarga':<36} {'KiB':>4} {'Quórum':>8} {'estático':>9} {'sobre':>8}"
        f" {'estático con sesión':>20} {'sobre':>8}"
    )
    for label, size, ours, plain, protected in results:
        print(
            f"{label:<36} {size / 1024:>4.0f} {ours:>6.2f}ms {plain:>7.2f}ms "
            f"{100 * (ours / plain - 1):>6.0f} % {protected:>18.2f}ms "
            f"{100 * (ours / protected - 1):>6.0f} %"
        )
    print(
        "«estático»: el archivo servido por WhiteNoise, antes de sesión y permisos; «estático "
        "con sesión»: el mismo archivo servido por una vista que solo exige haber entrado."
    )
    print("Objetivo: repetición en caché ≤ 10 % sobre servir un archivo estático.")


def _urls_with_a_protected_file(folder: Path):
    """The app's URLs plus /bench/<file>: a file served to whoever has signed in."""
    import types

    from django.contrib.auth.decorators import login_required
    from django.http import FileResponse
    from django.urls import path

    from config.urls import urlpatterns

    @login_required
    def protected_file(request, name):
        return FileResponse((folder / name).open("rb"), content_type="application/pdf")

    module = types.ModuleType("quorum_bench_urls")
    module.urlpatterns = [*urlpatterns, path("bench/<str:name>", protected_file)]
    sys.modules[module.__name__] = module
    return module.__name__


if __name__ == "__main__":
    main()
