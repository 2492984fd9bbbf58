"""
Several servers, one database: two gunicorn app servers on two loopback ports and two task
workers, as deploy/ runs them (DEBUG=0, behind a TLS proxy, collected static files), that
share nothing but the PostgreSQL database and the media bucket. A bounded load of the main
pages and feeds, signed in on one server and served by the other, while the workers take a
batch of archive tasks (each queued twice). It ends with zero errors and each task run
exactly once, and prints its figures.
"""

import collections
import dataclasses
import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from committees.models import Committee, Person
from demo.loader import load_demo
from demo.simulation import simulate_season
from reports.archive import verify_archive
from reports.models import Acta, Informe
from reports.tasks import archive_acta_task, archive_informe_task
from tests.conftest import load_default_rules
from tests.s3 import CREDENTIALS, REGION, free_port

ROOT = Path(__file__).resolve().parents[2]
SITE = "quorum.example.org"
PASSWORD = "carga-de-prueba"  # noqa: S105 - a test account's
REQUESTS = 3000
CLIENTS = 8
# Bounds: the run stops by itself whatever happens.
START_TIMEOUT = 60
TASKS_TIMEOUT = 240
REQUEST_TIMEOUT = 60

pytestmark = pytest.mark.django_db(transaction=True)


@dataclasses.dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen


def production_env(settings, bucket, endpoint, static_root) -> dict:
    database = connection.settings_dict
    user = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    host = database["HOST"] or "127.0.0.1"
    ours = ("DATABASE_URL", "MEDIA_ROOT", "SITE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")
    return {
        **{k: v for k, v in os.environ.items() if k not in ours},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "SITE_URL": f"https://{SITE}",
        "BEHIND_TLS_PROXY": "1",
        "DATABASE_URL": f"postgres://{user}@{host}:{database['PORT'] or 5432}/{database['NAME']}",
        "STATIC_ROOT": str(static_root),
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket.name,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_ACCESS_KEY_ID": CREDENTIALS["access_key"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["secret_key"],
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
    }


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb")
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Browser:
    """One person's cookies, over persistent connections to each server, as through the proxy."""

    def __init__(self, servers: list[Server]):
        self.connections = {
            server.port: http.client.HTTPConnection(
                "127.0.0.1", server.port, timeout=REQUEST_TIMEOUT
            )
            for server in servers
        }
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, body: dict | None = None):
        headers = {
            "Host": SITE,
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{SITE}"
            headers["Referer"] = f"https://{SITE}{path}"
        conn = self.connections[port]
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            content = response.read()
        except (http.client.HTTPException, OSError):
            conn.close()  # a fresh connection next time; this request counts as an error
            raise
        if response.will_close:
            conn.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), content

    def sign_in(self, port: int, username: str) -> None:
        login = reverse("login")
        status, _, page = self.request(port, "GET", login)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        status, location, _ = self.request(
            port,
            "POST",
            login,
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        assert status == 302 and location == "/", (status, location)

    def close(self):
        for conn in self.connections.values():
            conn.close()


def pages_for(committee: Committee, person: Person) -> list[str]:
    """The main pages and feeds a committee's people open, each with its expected 200."""
    sessions = list(committee.sessions.order_by("date").values_list("pk", flat=True))
    actas = list(Acta.objects.filter(session__committee=committee).values_list("pk", flat=True))
    informes = list(committee.informes.values_list("pk", flat=True))
    return [
        reverse("home"),
        reverse("sessions:calendar"),
        reverse("sessions:calendar-list"),
        reverse("committees:detail", args=[committee.slug]),
        reverse("reports:compliance", args=[committee.slug]),
        reverse("reports:informes", args=[committee.slug]),
        reverse("committees:my-calendar"),
        reverse("sessions:committee-feed", args=[committee.slug]),
        reverse("sessions:personal-feed", args=[person.calendar_token]),
        reverse("health"),
        *[reverse("sessions:detail", args=[pk]) for pk in sessions],
        *[reverse("sessions:session-ics", args=[pk]) for pk in sessions[:4]],
        *[reverse("reports:acta", args=[pk]) for pk in actas],
        *[reverse("reports:informe", args=[pk]) for pk in informes],
    ]


def test_two_app_servers_and_two_workers_share_one_database(
    settings, s3_bucket, s3_endpoint, tmp_path, capsys, django_user_model
):
    if connection.vendor != "postgresql":
        pytest.skip("Several servers share one PostgreSQL database; SQLite is for one machine.")

    # The record: the demo season, its archive tasks queued for the workers, each twice.
    load_default_rules()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    committee = load_demo().committee
    simulate_season(committee)
    for acta in Acta.objects.filter(status__in=["approved", "published"]):
        archive_acta_task.enqueue(acta.pk)
    for informe in Informe.objects.exclude(status="draft"):
        archive_informe_task.enqueue(informe.pk)
    queued = DBTaskResult.objects.count()
    archived_documents = Acta.objects.exclude(status="draft").count() + (
        Informe.objects.exclude(status="draft").count()
    )
    # The demo season: nine approved actas and four presented informes.
    assert archived_documents == 13
    assert queued == 2 * archived_documents
    assert not Acta.objects.exclude(pdf="").exists()
    hector = Person.objects.get(name="Héctor Gallego Ávila")
    claudia = Person.objects.get(name="Claudia Carolina Olivares Álvarez")
    # Hashed as the servers' production settings read it (the tests hash with MD5).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    for person, username in ((hector, "hector"), (claudia, "claudia")):
        person.user = django_user_model.objects.create_user(username, password=PASSWORD)
        person.save(update_fields=["user"])

    static_root = tmp_path / "static"
    env = production_env(settings, s3_bucket, s3_endpoint, static_root)
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )

    servers, workers = [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            command = [
                sys.executable, "-m", "gunicorn", "config.wsgi:application",
                "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
            ]  # fmt: skip
            log = tmp_path / f"web-{name}.log"
            servers.append(Server(name, port, start(command, env, log)))
        for name in ("1", "2"):
            command = [
                sys.executable, "manage.py", "run_worker", "--interval", "0.5",
                "--worker-id", f"carga-{name}",
            ]  # fmt: skip
            workers.append(start(command, env, tmp_path / f"worker-{name}.log"))

        wait_for_health(servers, tmp_path)

        # Sessions hold across servers: signed in on one, served by the other.
        people = []
        for index, (person, username) in enumerate(((hector, "hector"), (claudia, "claudia"))):
            browser = Browser(servers)
            browser.sign_in(servers[index % 2].port, username)
            other = servers[(index + 1) % 2].port
            status, _, page = browser.request(other, "GET", reverse("home"))
            # The navigation bar names whoever the session belongs to.
            assert status == 200 and f">{username}</a>".encode() in page
            people.append((browser, pages_for(committee, person)))
            browser.close()

        # A form read on one server and sent to the other (CSRF, session, messages).
        browser, _ = people[0]
        status, _, page = browser.request(servers[0].port, "GET", reverse("committees:my-calendar"))
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        old_token = hector.calendar_token
        status, location, _ = browser.request(
            servers[1].port,
            "POST",
            reverse("committees:my-calendar"),
            {"csrfmiddlewaretoken": token},
        )
        assert (status, location) == (302, reverse("committees:my-calendar"))
        status, _, page = browser.request(servers[0].port, "GET", location)
        assert "Se generó una dirección nueva".encode() in page
        hector.refresh_from_db()
        assert hector.calendar_token != old_token
        people[0] = (browser, pages_for(committee, hector))
        browser.close()

        # The cache: written by one process, read by another.
        key = f"carga-{secrets.token_hex(4)}"
        run_python(
            env, f"from django.core.cache import cache; cache.set('{key}', 'compartida', 60)"
        )
        read = run_python(env, f"from django.core.cache import cache; print(cache.get('{key}'))")
        assert read.strip() == "compartida"

        figures = load(servers, people)

        deadline = time.monotonic() + TASKS_TIMEOUT
        while time.monotonic() < deadline:
            if not DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists():
                break
            time.sleep(1)
    finally:
        for process in [server.process for server in servers] + workers:
            stop(process)

    tasks = list(DBTaskResult.objects.all())
    statuses = collections.Counter(task.status for task in tasks)
    run_once = sum(1 for task in tasks if len(task.worker_ids) == 1)
    by_worker = collections.Counter(wid for task in tasks for wid in task.worker_ids)
    archives = sorted(s3_bucket.keys("actas/") + s3_bucket.keys("informes/"))
    checks = list(verify_archive())

    with capsys.disabled():
        print(
            "\n--- Load test: 2 gunicorn servers (2 processes x 4 threads each), 2 db_workers, "
            "one PostgreSQL, one S3 bucket ---\n"
            f"requests: {figures['requests']}  errors: {figures['errors']}  "
            f"time: {figures['seconds']:.1f} s  throughput: {figures['throughput']:.0f} req/s\n"
            f"latency ms: median {figures['p50']:.0f}, p95 {figures['p95']:.0f}, "
            f"max {figures['max']:.0f}  by server: {figures['by_server']}\n"
            f"statuses: {figures['statuses']}\n"
            "slowest pages (median ms): "
            + ", ".join(f"{path} {ms:.0f}" for ms, path in figures["slowest"])
            + "\n"
            f"tasks: {len(tasks)} queued ({archived_documents} documents, each twice), "
            f"{dict(statuses)}, run exactly once: {run_once}, by worker: {dict(by_worker)}\n"
            f"archived files: {len(archives)} for {archived_documents} documents; "
            f"verify_documents: {sum(c.ok for c in checks)}/{len(checks)} intact"
        )
    for log in sorted(tmp_path.glob("*.log")):
        text = log.read_text(errors="replace")
        assert "Traceback" not in text, f"{log.name}:\n{text[-3000:]}"
    assert figures["errors"] == 0, figures["failures"][:10]
    assert figures["requests"] == REQUESTS
    assert statuses == {"SUCCESSFUL": queued}
    assert run_once == queued
    # Each document archived once, however many times its task was queued and by whom.
    assert len(archives) == archived_documents
    assert len(checks) == archived_documents and all(check.ok for check in checks)
    call_command("verify_documents", stdout=open(os.devnull, "w"))  # noqa: SIM115


def run_python(env: dict, code: str) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def wait_for_health(servers: list[Server], logs: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    pending = {server.port for server in servers}
    while pending and time.monotonic() < deadline:
        for server in servers:
            if server.process.poll() is not None:
                log = (logs / f"web-{server.name}.log").read_text(errors="replace")
                pytest.fail(f"gunicorn {server.name} stopped:\n{log[-3000:]}")
            if server.port not in pending:
                continue
            try:
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
                conn.request("GET", "/salud/", headers={"Host": SITE})
                status = conn.getresponse().status
                conn.close()
            except OSError:
                continue
            assert status == 200, f"/salud/ answered {status} on server {server.name}"
            pending.discard(server.port)
        time.sleep(0.3)
    assert not pending, f"servers on ports {pending} did not answer in {START_TIMEOUT} s"


def load(servers: list[Server], people: list[tuple[Browser, list[str]]]) -> dict:
    """REQUESTS requests from CLIENTS threads, each signed in as one of ``people``."""
    latencies, statuses, failures = [], collections.Counter(), []
    by_path = collections.defaultdict(list)
    by_server = collections.Counter()
    lock = threading.Lock()
    counter = iter(range(REQUESTS))

    def client(number: int):
        browser, paths = people[number % len(people)]
        own = Browser(servers)
        own.cookies = dict(browser.cookies)  # the same session, from another "tab"
        try:
            while True:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                server = servers[n % len(servers)]
                path = paths[(n // len(servers)) % len(paths)]
                started = time.perf_counter()
                try:
                    status, location, _ = own.request(server.port, "GET", path)
                except Exception as error:  # noqa: BLE001 - counted and reported
                    status, location = f"{type(error).__name__}", ""
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    by_path[re.sub(r"/(\d+|[\w-]{43})/", "/N/", path)].append(elapsed)
                    statuses[status] += 1
                    by_server[server.name] += 1
                    if status != 200:
                        failures.append((server.name, path, status, location))
        finally:
            own.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=REQUESTS * REQUEST_TIMEOUT)
    seconds = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "errors": len(failures),
        "failures": failures,
        "seconds": seconds,
        "throughput": len(latencies) / seconds,
        "p50": statistics.median(ordered) * 1000,
        "p95": ordered[int(len(ordered) * 0.95) - 1] * 1000,
        "max": ordered[-1] * 1000,
        "statuses": dict(statuses),
        "by_server": dict(by_server),
        "slowest": sorted(
            ((statistics.median(times) * 1000, path) for path, times in by_path.items()),
            reverse=True,
        )[:4],
    }
