"""
Every main page at 390 px (a phone): no horizontal scroll, the button rows wrap, the month
calendar reads as a list where every weekday shows, and tables collapse.
"""

import datetime

import pytest

from agendas.models import Agreement
from reports.models import Acta, Informe
from sessions.models import Session

from .helpers import save_screenshot, sign_in

PHONE = {"width": 390, "height": 844}


def page_widths(page, paths):
    """The document's width on each page (more than the viewport is a horizontal scroll)."""
    widths = {}
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    return widths


def wide_elements(page) -> list[str]:
    """What sticks out past the right edge (to say why a page is too wide)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 5)
            .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
        """
    )


@pytest.fixture
def season(demo):
    from demo.simulation import simulate_season

    simulate_season(demo.committee, until=datetime.date(2024, 5, 1))
    return demo


def main_pages(committee) -> list[str]:
    held = committee.sessions.filter(status=Session.Status.HELD).order_by("-date").first()
    planned = committee.sessions.filter(status=Session.Status.PLANNED).order_by("date").first()
    acta = Acta.objects.filter(session__committee=committee).order_by("-session__date").first()
    agreement = Agreement.objects.filter(committee=committee).first()
    informe = Informe.objects.filter(committee=committee).first()
    slug = committee.slug
    return [
        "/",
        f"/organos/{slug}/",
        f"/sesiones/{held.pk}/",
        f"/sesiones/{planned.pk}/",
        f"/sesiones/{planned.pk}/convocar/",
        "/calendario/?mes=2024-01",
        "/calendario/lista/?mes=2024-01",
        f"/organos/{slug}/acuerdos/",
        f"/acuerdos/{agreement.pk}/",
        f"/actas/{acta.pk}/",
        f"/organos/{slug}/informes/",
        f"/informes/{informe.pk}/",
        f"/organos/{slug}/cumplimiento/",
        f"/organos/{slug}/sesiones/nueva/",
        "/buscar/?q=simulacros",
        "/cuenta/recordatorios/",
        "/cuenta/calendario/",
    ]


def test_no_main_page_scrolls_sideways_on_a_phone(page, season):
    page.set_viewport_size(PHONE)
    sign_in(page, season.secretary)
    too_wide = {}
    for path, width in page_widths(page, main_pages(season.committee)).items():
        if width > PHONE["width"]:
            page.goto(path)
            too_wide[path] = (width, wide_elements(page))
    assert too_wide == {}, "\n".join(f"{p}: {w}" for p, w in too_wide.items())


def test_a_thursday_session_shows_in_the_month_on_a_phone(page, season, expect):
    page.set_viewport_size(PHONE)
    sign_in(page, season.member)
    # The second formal work meeting: Thursday 14 December 2023.
    page.goto("/calendario/?mes=2023-12")
    listing = page.locator(".calendar-month-list")
    expect(listing).to_be_visible()
    expect(listing).to_contain_text("Jueves 14 de diciembre de 2023")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    save_screenshot(page, "calendario-390")
