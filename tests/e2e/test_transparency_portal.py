"""
The transparency portal in a browser, not signed in: axe-core on its main pages at 1280 and
at 390 px (no serious or critical finding, nothing wider than the phone), screenshots kept.
"""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from committees.models import Committee
from tests.conftest import load_default_rules
from transparency import public

from .helpers import assert_accessible, save_screenshot

pytestmark = pytest.mark.e2e
SLUG = "cotaprep-iepc-jalisco-2023-2024"


@pytest.fixture
def season(transactional_db, settings):
    """The demo season, simulated: held sessions, approved and archived actas, informes."""
    settings.DEBUG = True  # the demo's development password
    load_default_rules()
    call_command("load_demo", "--simulate", stdout=io.StringIO())
    return Committee.objects.get(slug=SLUG)


def test_the_portal_is_accessible_on_desktop_and_phone(page, season):
    acta = public.actas().filter(session__committee=season).exclude(pdf="").first()
    assert acta is not None, "the simulation archives the approved actas"
    pages = [
        ("transparencia", reverse("transparency:index")),
        ("transparencia-institucion", reverse("transparency:institution", args=[season.institution_id])),  # noqa: E501
        ("transparencia-organo", reverse("transparency:committee", args=[season.slug])),
        ("transparencia-sesion", reverse("transparency:session", args=[acta.session_id])),
    ]  # fmt: skip
    failures = []
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for name, url in pages:
            response = page.goto(url)
            assert response.ok, f"{name}: {url} answered {response.status}"
            try:
                assert_accessible(page, f"{name}-{width}")
            except AssertionError as error:
                failures.append(str(error))
            overflow = page.evaluate("document.documentElement.scrollWidth")
            if overflow > width:
                wide = page.evaluate(
                    "w => [...document.querySelectorAll('body *')]"
                    ".filter(e => e.getBoundingClientRect().right > w)"
                    ".slice(0, 5).map(e => e.tagName + '.' + e.className + ': '"
                    " + (e.textContent || '').slice(0, 60))",
                    width,
                )
                failures.append(f"{name} at {width} px is {overflow} px wide: {wide}")
            save_screenshot(page, f"{name}-{width}")
    assert not failures, "\n\n".join(failures)
    # The session page shows the archived acta's hash and links its PDF.
    page.goto(reverse("transparency:session", args=[acta.session_id]))
    assert acta.pdf_sha256 in page.content()
    assert page.get_by_role("link", name="Descargar el acta aprobada (PDF)").count() == 1
