"""
The project's own benchmark (``python manage.py bench``, README "Rendimiento").

It builds a data set in the configured database — the demo committee with its simulated
season (real record: votes, agreements, approved and archived actas, informes) plus filler
committees built with ``bulk_create`` — and then times, in one process, each page, feed and
document a signed-in person asks for, through the whole Django stack (test client: every
middleware, the session, the URL resolver). Two floors are measured in the same run and every
row is given as a ratio to them: a bare Django view (``HttpResponse``) and a template view
that renders a 50-row table; the documents are also compared with a file of the same size
served by ``FileResponse``.

The sizes:

- ``small``: 2 institutes × 2 committees × 8 sessions and one committee of 40 sessions (CI);
- ``large``: 33 institutes × 10 committees × 60 sessions and one committee of 500 sessions
  (20,300 sessions with the demo's 16), the scale the issue sets the targets at.

Times are never asserted anywhere; the test (tests/bench/test_bench.py) asserts the query
counts of every row on the small set.
"""

import dataclasses
import datetime
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.test import Client
from django.test.utils import override_settings
from django.urls import include, path, reverse
from django.utils import timezone

SIZES = {
    "small": {"institutes": 2, "committees": 2, "sessions": 8, "big": 40},
    "large": {"institutes": 33, "committees": 10, "sessions": 60, "big": 500},
}
MARKER = "Instituto de Referencia del Banco de Pruebas"
BIG_SLUG = "banco-de-pruebas-500"
BIG_USERNAME = "banco-secretaria"
POINTS_PER_SESSION = 4
MEMBERS_PER_COMMITTEE = 5
BATCH = 2000


# --- the data set -----------------------------------------------------------------------------


def dataset_present() -> bool:
    from committees.models import Institution

    return Institution.objects.filter(name__startswith=MARKER).exists()


def build_dataset(size: str, *, log: Callable[[str], None] = lambda line: None) -> dict:
    """Load the demo (simulated season) and the filler committees; once per database."""
    from demo.loader import load_demo
    from demo.simulation import simulate_season

    if dataset_present():
        log("El conjunto de datos ya existe en esta base de datos: se reutiliza.")
        return {}
    spec = SIZES[size]
    started = time.perf_counter()
    summary = load_demo()
    _demo_accounts()
    simulate_season(summary.committee)
    log(f"Demostración con su temporada simulada: {time.perf_counter() - started:.1f} s")
    counts = _build_filler(spec, log)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    log(f"Conjunto «{size}» listo en {time.perf_counter() - started:.1f} s: {counts}")
    return counts


def _demo_accounts() -> None:
    """The demo's people get accounts (load_demo's command does this for the sign-in)."""
    from committees.models import Person

    User = get_user_model()
    for username, name in (("hector", "Héctor Gallego"), ("claudia", "Claudia Carolina")):
        person = Person.objects.filter(name__startswith=name).first()
        if person is None or person.user_id:
            continue
        user, _ = User.objects.get_or_create(username=username)
        user.set_unusable_password()
        user.save()
        person.user = user
        person.save(update_fields=["user"])


def _build_filler(spec: dict, log) -> dict:
    from agendas.models import AgendaPoint, Agreement, Vote
    from committees.models import Committee, Institution, Membership, Person
    from reports.models import Acta
    from sessions.models import Session

    User = get_user_model()
    today = timezone.localdate()
    first_day = today - datetime.timedelta(days=3 * 365)
    with transaction.atomic():
        institutes = Institution.objects.bulk_create(
            Institution(
                name=f"{MARKER} {n}",
                short_name=f"IRBP{n}",
                kind=Institution.Kind.OPL,
                state="Jalisco",
            )
            for n in range(1, spec["institutes"] + 1)
        )
        committees = []
        for institute in institutes:
            for c in range(1, spec["committees"] + 1):
                committees.append(
                    Committee(
                        institution=institute,
                        name=f"Comité de pruebas {c} del {institute.short_name}",
                        short_name=f"CP{c}",
                        slug=f"bp-{institute.short_name.lower()}-{c}",
                        kind=Committee.Kind.TECHNICAL_ADVISORY,
                        installed_on=first_day,
                    )
                )
        committees.append(
            Committee(
                institution=institutes[0],
                name="Comité de pruebas con historia larga",
                short_name="CPHL",
                slug=BIG_SLUG,
                kind=Committee.Kind.TECHNICAL_ADVISORY,
                installed_on=first_day,
            )
        )
        committees = Committee.objects.bulk_create(committees)
        big = committees[-1]
        people = Person.objects.bulk_create(
            Person(name=f"Persona de prueba {c.pk}-{m}")
            for c in committees
            for m in range(MEMBERS_PER_COMMITTEE + 1)
        )
        big_user, _ = User.objects.get_or_create(username=BIG_USERNAME)
        big_user.set_unusable_password()
        big_user.save()
        memberships = []
        for index, committee in enumerate(committees):
            seats = people[
                index * (MEMBERS_PER_COMMITTEE + 1) : (index + 1) * (MEMBERS_PER_COMMITTEE + 1)
            ]
            for m, person in enumerate(seats):
                memberships.append(
                    Membership(
                        committee=committee,
                        person=person,
                        role=Membership.Role.TECHNICAL_SECRETARY
                        if m == 0
                        else Membership.Role.MEMBER,
                        start=first_day,
                    )
                )
        memberships = Membership.objects.bulk_create(memberships, batch_size=BATCH)
        secretary_of_big = next(
            m
            for m in memberships
            if m.committee_id == big.pk and m.role == Membership.Role.TECHNICAL_SECRETARY
        )
        Person.objects.filter(pk=secretary_of_big.person_id).update(user=big_user)
        voters = {}
        for membership in memberships:
            if membership.role == Membership.Role.MEMBER:
                voters.setdefault(membership.committee_id, []).append(membership)

        sessions = []
        for committee in committees:
            count = spec["big"] if committee.pk == big.pk else spec["sessions"]
            # Spread over three years back and one ahead: most held, the rest planned.
            step = (4 * 365) / count
            for n in range(1, count + 1):
                day = first_day + datetime.timedelta(days=int(n * step))
                held = day < today
                sessions.append(
                    Session(
                        committee=committee,
                        kind=Session.Kind.ORDINARY,
                        number=n,
                        date=day,
                        start_time=datetime.time(10),
                        end_time=datetime.time(12) if held else None,
                        place="Sala de sesiones",
                        status=Session.Status.HELD if held else Session.Status.PLANNED,
                    )
                )
        sessions = Session.objects.bulk_create(sessions, batch_size=BATCH)
        log(f"  {len(sessions)} sesiones")
        points = AgendaPoint.objects.bulk_create(
            (
                AgendaPoint(
                    session=session,
                    position=p,
                    title=f"Punto {p} de la sesión {session.number}",
                    kind=AgendaPoint.Kind.APPROVAL if p == 3 else AgendaPoint.Kind.INFORMATIVE,
                )
                for session in sessions
                for p in range(1, POINTS_PER_SESSION + 1)
            ),
            batch_size=BATCH,
        )
        log(f"  {len(points)} puntos")
        held_sessions = {s.pk: s for s in sessions if s.status == Session.Status.HELD}
        approval_points = [p for p in points if p.position == 3 and p.session_id in held_sessions]
        votes = Vote.objects.bulk_create(
            (
                Vote(point=point, membership=membership, sense=Vote.Sense.FOR)
                for point in approval_points
                for membership in voters[held_sessions[point.session_id].committee_id]
            ),
            batch_size=BATCH,
        )
        log(f"  {len(votes)} votos")
        agreements = Agreement.objects.bulk_create(
            (
                Agreement(
                    committee_id=held_sessions[point.session_id].committee_id,
                    point=point,
                    sequence=held_sessions[point.session_id].number,
                    number=f"CP/{held_sessions[point.session_id].number:03d}/A01",
                    text="Se aprueba el documento presentado.",
                )
                for point in approval_points
            ),
            batch_size=BATCH,
        )
        actas = Acta.objects.bulk_create(
            (Acta(session=session, status=Acta.Status.DRAFT) for session in held_sessions.values()),
            batch_size=BATCH,
        )
    return {
        "órganos": len(committees),
        "sesiones": len(sessions),
        "puntos": len(points),
        "votos": len(votes),
        "acuerdos": len(agreements),
        "actas": len(actas),
    }


# --- the floors -------------------------------------------------------------------------------


def bare_view(request):
    return HttpResponse("ok")


def template_view(request):
    rows = [
        {"date": datetime.date(2024, 1, 1) + datetime.timedelta(days=n), "title": f"Fila {n}"}
        for n in range(50)
    ]
    return render(request, "bench/table.html", {"rows": rows})


def file_view(request):
    return FileResponse(open(request.GET["path"], "rb"), content_type="application/pdf")


urlpatterns = [
    path("banco/vacia/", bare_view),
    path("banco/plantilla/", template_view),
    path("banco/archivo/", file_view),
    path("", include("config.urls")),
]


# --- the measurement --------------------------------------------------------------------------


@dataclasses.dataclass
class Row:
    name: str
    median_ms: float
    p95_ms: float
    queries: int
    status: int
    size: int
    target: str = ""
    floor_bare: float = 0.0
    floor_template: float = 0.0
    vs_file: float | None = None


@dataclasses.dataclass
class Target:
    name: str
    url: str
    username: str | None
    headers: dict = dataclasses.field(default_factory=dict)
    target: str = ""
    file_of_same_size: bool = False
    conditional: bool = False  # send back the ETag of a first answer: the 304 path


def targets() -> list[Target]:
    from committees.models import Committee, Membership, Person
    from reports.models import Acta
    from sessions.models import Session

    demo = Committee.objects.filter(
        memberships__person__user__username="hector",
        memberships__role=Membership.Role.TECHNICAL_SECRETARY,
    ).first()
    hector = Person.objects.get(user__username="hector")
    session = (
        Session.objects.filter(committee=demo)
        .order_by("-date")
        .filter(points__isnull=False)
        .first()
    )
    busiest = max(Session.objects.filter(committee=demo), key=lambda s: s.points.count())
    archived = Acta.objects.filter(session__committee=demo).exclude(pdf="").order_by("pk").first()
    committee_feed = reverse("sessions:committee-feed", args=[demo.slug])
    big_feed = reverse("sessions:committee-feed", args=[BIG_SLUG])
    personal_feed = reverse("sessions:personal-feed", args=[hector.calendar_token])
    rows = [
        Target("Inicio", reverse("home"), "hector", target="≤ 2× plantilla"),
        Target(
            "Órgano (16 sesiones)",
            reverse("committees:detail", args=[demo.slug]),
            "hector",
            target="≤ 25 ms",
        ),
        Target(
            "Órgano (historia larga)",
            reverse("committees:detail", args=[BIG_SLUG]),
            BIG_USERNAME,
            target="≤ 25 ms",
        ),
        Target(
            f"Sesión ({busiest.points.count()} puntos)",
            reverse("sessions:detail", args=[busiest.pk]),
            "hector",
            target="≤ 15 ms",
        ),
        Target("Calendario (mes)", reverse("sessions:calendar"), "hector", target="≤ 2× plantilla"),
        Target(
            "Cumplimiento",
            reverse("reports:compliance", args=[demo.slug]),
            "hector",
            target="≤ 2× plantilla",
        ),
        Target("Calendario del órgano (.ics)", committee_feed, None, target="≤ 10 ms"),
        Target(
            "Calendario del órgano, 304", committee_feed, None, target="≤ 3 ms", conditional=True
        ),
        Target("Calendario largo (.ics)", big_feed, None, target="≤ 10 ms"),
        Target("Calendario largo, 304", big_feed, None, target="≤ 3 ms", conditional=True),
        Target("Calendario personal (.ics)", personal_feed, None, target="≤ 10 ms"),
        Target("Calendario personal, 304", personal_feed, None, target="≤ 3 ms", conditional=True),
        Target(
            "Orden del día PDF (en caché)",
            reverse("reports:orden-pdf", args=[session.pk]),
            "hector",
            target="≤ 2× archivo",
            file_of_same_size=True,
        ),
    ]
    if archived is not None:
        rows.append(
            Target(
                "Acta archivada PDF",
                reverse("reports:acta-pdf", args=[archived.pk]),
                "hector",
                target="≤ 2× archivo",
                file_of_same_size=True,
            )
        )
    return rows


def _counting(queries: list):
    def wrapper(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def _timed(client: Client, url: str, repeat: int, headers: dict) -> tuple[list[float], object]:
    response = None
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        runs.append((time.perf_counter() - start) * 1000)
    return runs, response


def _stats(runs: list[float]) -> tuple[float, float]:
    ordered = sorted(runs)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def _body_size(response) -> int:
    if hasattr(response, "streaming_content"):
        return 0
    return len(response.content)


def measure(repeat: int = 30) -> list[Row]:
    """Every row, in one process, after one warm-up request each (cold caches filled)."""
    rows: list[Row] = []
    clients: dict[str | None, Client] = {}
    User = get_user_model()

    def client_for(username):
        if username not in clients:
            client = Client()
            if username:
                client.force_login(User.objects.get(username=username))
            clients[username] = client
        return clients[username]

    with (
        override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False),
        tempfile.TemporaryDirectory(prefix="quorum-bench-") as workdir,
    ):
        floors = {}
        for name, url in (
            ("Vista vacía de Django", "/banco/vacia/"),
            ("Plantilla de 50 filas", "/banco/plantilla/"),
        ):
            client = client_for(BIG_USERNAME)
            client.get(url)
            runs, response = _timed(client, url, repeat, {})
            median, p95 = _stats(runs)
            floors[name] = median
            rows.append(Row(name, median, p95, 0, response.status_code, _body_size(response)))
        bare, template = floors.values()
        for target in targets():
            client = client_for(target.username)
            first = client.get(target.url)  # warm-up; fills the caches a repeat reads
            if hasattr(first, "streaming_content"):
                body = b"".join(first.streaming_content)
            else:
                body = first.content
            headers = dict(target.headers)
            if target.conditional and first.get("ETag"):
                headers["If-None-Match"] = first["ETag"]
            queries = []
            with connection.execute_wrapper(_counting(queries)):
                response = client.get(target.url, headers=headers)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
            runs, response = _timed(client, target.url, repeat, headers)
            median, p95 = _stats(runs)
            row = Row(
                target.name,
                median,
                p95,
                len(queries),
                response.status_code,
                len(body) if response.status_code == 200 else 0,
                target=target.target,
            )
            if target.file_of_same_size and response.status_code == 200:
                same_size = Path(workdir) / f"{len(rows)}.pdf"
                same_size.write_bytes(body)
                file_client = client_for(target.username)
                file_url = f"/banco/archivo/?path={same_size}"
                file_client.get(file_url)
                file_runs, _ = _timed(file_client, file_url, repeat, {})
                row.vs_file = median / _stats(file_runs)[0]
            rows.append(row)
        for row in rows:
            row.floor_bare = row.median_ms / bare
            row.floor_template = row.median_ms / template
    return rows


def markdown(rows: list[Row], title: str) -> str:
    lines = [
        f"### {title}",
        "",
        "| Petición | Estado | Bytes | Mediana (ms) | p95 (ms) | Consultas | × vista vacía "
        "| × plantilla | × archivo | Meta |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        vs_file = f"{row.vs_file:.1f}" if row.vs_file is not None else ""
        lines.append(
            f"| {row.name} | {row.status} | {row.size} | {row.median_ms:.1f} | {row.p95_ms:.1f} "
            f"| {row.queries} | {row.floor_bare:.1f} | {row.floor_template:.2f} | {vs_file} "
            f"| {row.target} |"
        )
    return "\n".join(lines)


def describe_database() -> str:
    from sessions.models import Session

    return f"{connection.vendor}, {Session.objects.count()} sesiones, DEBUG={settings.DEBUG}"
