"""
Browser tests: Debian's Chromium, headless, driven by Playwright against pytest-django's
live server, with axe-core (npm, node_modules/) checking accessibility.

Without Chromium, Playwright or axe-core the tests are skipped, except under CI (CI=true),
where they fail. Screenshots and axe-core reports go to tests/e2e/out/ (ignored by git).
"""

import dataclasses
import os
import re
from pathlib import Path

import pytest

from committees.models import Committee, Membership, Person
from demo.loader import load_demo
from tests.conftest import load_default_rules
from tests.factories import make_person

from .helpers import AXE_JS, KNOWN_BROWSER_ERRORS, PASSWORD, ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # Without these Chromium waits on the network at start-up where there is none.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


_skip_reasons = set()


def _missing(reason: str):
    if _in_ci():
        pytest.fail(f"{reason} CI needs the browser tests.", pytrace=False)
    _skip_reasons.add(reason)
    pytest.skip(reason)


def pytest_terminal_summary(terminalreporter):
    # Said once at the end, so that a skipped browser suite is not missed among the dots.
    for reason in sorted(_skip_reasons):
        terminalreporter.write_line(f"Browser tests (tests/e2e) skipped: {reason}", yellow=True)


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for the whole folder, closed after its last test."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install -r requirements-dev.txt).")
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is missing (Debian: apt-get install chromium).")
    if not AXE_JS.exists():
        _missing(f"{AXE_JS.relative_to(ROOT)} is missing (npm ci at the repository root).")
    # Playwright's sync API keeps an event loop running in this thread, which makes
    # Django refuse ORM calls from the tests (and the database flush between them). The
    # guard is lifted only while the browser lives: this fixture is package-scoped
    # (tests/e2e/__init__.py), so the rest of the suite keeps it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded documents go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def new_page(browser, live_server, media):
    """
    Opens a page in a fresh browser context (its own cookies) on the live server. The
    Content-Security-Policy stays on; the browser's console errors (a blocked script, a
    missing file) fail the test unless the test clears ``page.console_errors``. Known
    ones (helpers.KNOWN_BROWSER_ERRORS) go to ``page.known_errors`` instead.
    """
    contexts = []
    pages = []

    def open_page():
        context = browser.new_context(
            base_url=live_server.url,
            locale="es-MX",
            timezone_id="America/Mexico_City",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.known_errors = []
        page.on("console", lambda message: _console_error(page, message))
        page.on("pageerror", lambda error: page.console_errors.append(f"{page.url}: {error}"))
        pages.append(page)
        return page

    yield open_page
    errors = [error for page in pages for error in page.console_errors]
    for context in contexts:
        context.close()
    assert not errors, "The browser reported errors:\n" + "\n".join(errors)


def _console_error(page, message):
    if message.type != "error":
        return
    source = message.location.get("url", "")
    error = f"{page.url}: {message.text}" + (f" [{source}]" if source else "")
    known = any(re.search(pattern, error) for pattern in KNOWN_BROWSER_ERRORS)
    (page.known_errors if known else page.console_errors).append(error)


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def expect():
    """Playwright's auto-retrying assertions (imported late: Playwright may be missing)."""
    from playwright.sync_api import expect

    return expect


# --- Data: the demo COTAPREP of IEPC Jalisco, with accounts for three of its people ------


@dataclasses.dataclass
class Demo:
    committee: Committee
    secretary: str  # user names; every password is PASSWORD
    member: str
    outsider: str


def _account(django_user_model, username: str, first_name: str, last_name: str, person):
    user = django_user_model.objects.create_user(
        username, f"{username}@example.org", PASSWORD, first_name=first_name, last_name=last_name
    )
    person.user = user
    person.save(update_fields=["user"])
    return user


@pytest.fixture
def demo(transactional_db, django_user_model) -> Demo:
    """
    The demo committee, with accounts for its technical secretary (Héctor Gallego Ávila),
    a member (Claudia Carolina Olivares Álvarez) and someone with no seat on it.
    """
    load_default_rules()
    committee = load_demo().committee
    secretary = Person.objects.get(
        name="Héctor Gallego Ávila",
        memberships__committee=committee,
        memberships__role=Membership.Role.TECHNICAL_SECRETARY,
    )
    member = Person.objects.get(
        name="Claudia Carolina Olivares Álvarez",
        memberships__committee=committee,
        memberships__role=Membership.Role.MEMBER,
    )
    _account(django_user_model, "hgallego", "Héctor", "Gallego Ávila", secretary)
    _account(django_user_model, "colivares", "Claudia Carolina", "Olivares Álvarez", member)
    outsider = make_person(name="Rodrigo Ibarra Cuevas")
    _account(django_user_model, "ribarra", "Rodrigo", "Ibarra Cuevas", outsider)
    return Demo(committee=committee, secretary="hgallego", member="colivares", outsider="ribarra")
