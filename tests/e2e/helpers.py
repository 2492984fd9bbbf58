"""What the browser tests share: signing in, axe-core, screenshots, a tiny PDF, data."""

import datetime
import functools
import json
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone

from agendas.models import AgendaPoint, Document
from agendas.services import insert_point, schedule_session
from committees.models import Committee
from sessions.models import Session

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
OUT = Path(__file__).resolve().parent / "out"
PASSWORD = "clave-de-prueba-2024"  # noqa: S105 (test accounts only)
FAILING_IMPACTS = ("serious", "critical")

# Browser console errors that do not fail the flows, each waiting for its fix in the app
# (with a strict xfail test in its own file that fails once the fix lands). None now.
KNOWN_BROWSER_ERRORS: list[str] = []


def sign_in(page, username: str, password: str = PASSWORD):
    """Signs in through the real form at /cuenta/login/ and waits to leave it."""
    if "/cuenta/login/" not in page.url:
        page.goto("/cuenta/login/")
    page.get_by_label("Nombre de usuario").fill(username)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(lambda url: "/cuenta/login/" not in url)
    return page


def save_screenshot(page, name: str) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(page) -> list[dict]:
    """axe-core's violations on the page as it is now, every impact."""
    # page.evaluate runs outside the page's Content-Security-Policy, which would block an
    # injected <script>; the policy stays on for what the app itself loads.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return results["violations"]


def assert_accessible(page, name: str):
    """
    Runs axe-core, keeps its report and a full-page screenshot under tests/e2e/out/, and
    fails on any serious or critical violation, naming the rules and elements.
    """
    violations = run_axe(page)
    OUT.mkdir(exist_ok=True)
    report = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [" ".join(map(str, node["target"])) for node in v["nodes"]],
        }
        for v in violations
    ]
    (OUT / f"axe-{name}.json").write_text(
        json.dumps({"url": page.url, "violations": report}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    save_screenshot(page, name)
    failing = [v for v in report if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"axe-core on {name} ({page.url}):\n" + "\n".join(
        f"  [{v['impact']}] {v['id']}: {v['help']}\n      " + "\n      ".join(v["targets"])
        for v in failing
    )
    return report


# --- Documents and sessions for the flows ----------------------------------------------

# A tiny but real PDF: one page with one line of (ASCII) text.
_PDF_OBJECTS = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
    b" /Resources << /Font << /F1 5 0 R >> >> >>",
    None,  # the content stream, below
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
]


def tiny_pdf(text: str = "Orden del dia") -> bytes:
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = list(_PDF_OBJECTS)
    objects[3] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


def upcoming_session_with_document(committee: Committee, *, days_ahead: int = 20):
    """
    An ordinary session twenty days from now with one specific point and its PDF, made
    through the same services as the pages. Returns (session, point, document, pdf bytes).
    """
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    # The seats of the 2023-2024 season ended in June 2024: renewed here, so the members
    # are in office on the day of the session (visibility follows the term).
    committee.memberships.filter(end__lt=day).update(end=day + datetime.timedelta(days=365))
    session = schedule_session(
        committee=committee,
        kind=Session.Kind.ORDINARY,
        date=day,
        start_time=datetime.time(11, 0),
        end_time=datetime.time(13, 0),
        place="Sala de sesiones del Consejo General, IEPC Jalisco",
    )
    point = insert_point(
        session,
        title="Presentación del informe del segundo simulacro del PREP",
        kind=AgendaPoint.Kind.INFORMATIVE,
        presenter="Coordinación de Informática",
    )
    pdf = tiny_pdf("Informe del segundo simulacro")
    document = Document(point=point, title="Informe del segundo simulacro")
    document.file.save("informe-segundo-simulacro.pdf", ContentFile(pdf), save=False)
    document.save()
    return session, point, document, pdf
