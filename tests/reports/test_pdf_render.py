"""render_pdf and its URL fetcher: our static files and logos, nothing else, ever."""

import io
import socket
import sys
import urllib.request

import pytest
from pypdf import PdfReader

from reports import pdf
from reports.documents import acta_context, convocatoria_context, orden_context
from reports.pdf import BASE_URL, QuorumURLFetcher, RefusedURL, render_pdf
from reports.services import draft_acta
from tests.factories import make_person
from tests.reports.test_pdf_documents import held_session, text

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<img src="file:///etc/passwd">'
    '<link rel=stylesheet href="http://127.0.0.1:9/x.css">'
    "<style>@import url(http://127.0.0.1:9/a.css);</style>"
    '<img src="/static/../../config/settings.py">'
    '<img src="/static/%2e%2e/%2e%2e/config/settings.py">'
    '<img src="https://quorum.invalid/media/documents/secreto.pdf">'
)


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    """Any socket connection or urllib request fails the test (and is recorded)."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise NetworkUsed(f"network used: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    return attempts


@pytest.fixture
def opened_files():
    """Every file opened while rendering, through the audit hook (it cannot be removed,
    so it only records while the list is active)."""
    recorded = []
    active = [True]

    def hook(event, args):
        if active[0] and event == "open" and isinstance(args[0], str):
            recorded.append(args[0])
        if active[0] and event in ("socket.connect", "urllib.Request"):
            recorded.append(f"{event}:{args[1] if len(args) > 1 else args}")

    sys.addaudithook(hook)
    yield recorded
    active[0] = False


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the fetcher is asked for, and what it served (or refused)."""
    asked = []
    fetch = QuorumURLFetcher.fetch

    def spy(self, url, headers=None):
        try:
            response = fetch(self, url, headers)
        except RefusedURL:
            asked.append((url, "refused"))
            raise
        asked.append((url, "served"))
        return response

    monkeypatch.setattr(QuorumURLFetcher, "fetch", spy)
    return asked


def hostile_session(committee):
    session = held_session(committee)
    point = session.points.get(position=4)
    point.title = f"Punto con marcado {HOSTILE}"
    point.description = HOSTILE
    point.presenter = '<script>alert("x")</script>'
    point.minutes = HOSTILE
    point.save()
    person = make_person(name='Eva <script>alert(1)</script> "Malicia"')
    seats_of = session.committee.memberships.filter(person__name="Adela Ruiz")
    seats_of.update(person=person)
    return session


@pytest.mark.parametrize(
    ("template", "build"),
    [
        ("reports/pdf/convocatoria.html", convocatoria_context),
        ("reports/pdf/orden.html", orden_context),
        ("reports/pdf/acta.html", lambda session: acta_context(draft_acta(session))),
    ],
)
def test_hostile_text_is_printed_escaped_and_fetches_nothing(
    committee, template, build, no_network, fetched, opened_files, settings
):
    session = hostile_session(committee)
    context = build(session)

    content = text(render_pdf(template, context))

    # Only our stylesheet was served; nothing the text names was even asked for.
    assert fetched == [(f"{BASE_URL}static/css/print.css", "served")]
    assert no_network == []
    assert not [entry for entry in opened_files if entry.startswith(("socket", "urllib"))]
    assert not [path for path in opened_files if "passwd" in path or "settings.py" in path]
    # The reader sees the markup as text (line breaks may fall anywhere in it).
    assert "".join(HOSTILE.split()) in "".join(content.split())
    if template != "reports/pdf/acta.html":
        assert 'Presenta: <script>alert("x")</script>' in content
    if template != "reports/pdf/orden.html":
        assert 'Eva <script>alert(1)</script> "Malicia"' in content


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///work/main/static/css/print.css",
        "http://127.0.0.1:9/x.css",
        "https://example.org/logo.png",
        "http://quorum.invalid/static/css/print.css",
        "https://quorum.invalid:8443/static/css/print.css",
        "data:text/css,body{}",
        f"{BASE_URL}static/../config/settings.py",
        f"{BASE_URL}static/%2e%2e/%2e%2e/config/settings.py",
        f"{BASE_URL}static/css/..%2f..%2fconfig/settings.py",
        f"{BASE_URL}static//etc/passwd",
        f"{BASE_URL}static/",
        f"{BASE_URL}static/css/does-not-exist.css",
        f"{BASE_URL}media/documents/secret.pdf",
        f"{BASE_URL}media/institutions/../documents/secret.pdf",
        f"{BASE_URL}media/institutions/%2e%2e/documents/secret.pdf",
        f"{BASE_URL}config/settings.py",
    ],
)
def test_the_fetcher_refuses_anything_but_our_files(url, no_network, media):
    secret = media / "documents" / "secret.pdf"
    secret.parent.mkdir(parents=True)
    secret.write_bytes(b"%PDF-1.7 secreto")
    with pytest.raises(RefusedURL):
        QuorumURLFetcher().fetch(url)
    assert no_network == []


def test_the_fetcher_serves_our_static_files_and_logos(media, no_network):
    logo = media / "institutions" / "logo.png"
    logo.parent.mkdir(parents=True)
    logo.write_bytes(b"\x89PNG fake")

    stylesheet = QuorumURLFetcher().fetch(f"{BASE_URL}static/css/print.css")
    image = QuorumURLFetcher().fetch(f"{BASE_URL}media/institutions/logo.png")

    assert b"@page" in stylesheet.read()
    assert stylesheet.content_type == "text/css"
    assert image.read() == b"\x89PNG fake"
    assert image.content_type == "image/png"


def test_a_symlink_out_of_the_logo_folder_is_refused(media, tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"\x89PNG secreto")
    (media / "institutions").mkdir(parents=True)
    (media / "institutions" / "link.png").symlink_to(outside)

    with pytest.raises(RefusedURL):
        QuorumURLFetcher().fetch(f"{BASE_URL}media/institutions/link.png")


def test_render_pdf_makes_an_archivable_pdf_with_attachments(committee):
    session = held_session(committee)

    content = render_pdf(
        "reports/pdf/orden.html",
        orden_context(session),
        pdf_variant="pdf/a-3b",
        attachments=[("datos.json", b'{"sesion": 1}')],
    )

    reader = PdfReader(io.BytesIO(content))
    assert "datos.json" in reader.attachments
    assert reader.attachments["datos.json"] == [b'{"sesion": 1}']
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in metadata
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_the_stylesheet_is_letter_sized(committee):
    content = render_pdf("reports/pdf/orden.html", orden_context(held_session(committee)))

    box = PdfReader(io.BytesIO(content)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_the_module_uses_one_base_url():
    assert pdf.BASE_URL.endswith(".invalid/")


@pytest.mark.parametrize("template", ["reports/pdf/informe.html", "reports/pdf/calendario.html"])
def test_hostile_text_in_an_informe_or_the_calendar_fetches_nothing(
    committee, template, no_network, fetched, opened_files
):
    from reports.documents import calendario_context
    from reports.informes import create_informe, informe_context, update_informe_text

    session = hostile_session(committee)
    session.notes = HOSTILE
    session.save()
    informe = create_informe(
        committee,
        kind="bimonthly",
        number=1,
        period_start=session.date.replace(day=1),
        period_end=session.date.replace(day=28),
    )
    update_informe_text(informe, narrative=HOSTILE, plans=HOSTILE, recommendations=HOSTILE)
    if template.endswith("informe.html"):
        context = informe_context(informe)
    else:
        context = calendario_context(committee)

    content = text(render_pdf(template, context))

    assert fetched == [(f"{BASE_URL}static/css/print.css", "served")]
    assert no_network == []
    assert not [path for path in opened_files if "passwd" in path or "settings.py" in path]
    assert "file:///etc/passwd" in content
