"""What every page owes the browser: no Content-Security-Policy violation, an icon."""

import pytest
from django.urls import reverse

from .helpers import sign_in, upcoming_session_with_document

pytestmark = pytest.mark.e2e


def test_htmx_keeps_to_the_content_security_policy(page, expect, demo):
    # Any console error (a CSP violation included) fails the test through the fixture.
    session, *_ = upcoming_session_with_document(demo.committee)
    sign_in(page, demo.secretary)
    page.goto(reverse("sessions:detail", args=[session.pk]))
    first, second = (point.title for point in session.points.order_by("position")[:2])
    page.get_by_role("button", name="Bajar el punto 1").click()
    page.wait_for_load_state("networkidle")
    # The agenda htmx swapped in has the two points exchanged, on the page and stored.
    titles = page.locator("#orden-del-dia li.agenda-point .fw-semibold")
    expect(titles.nth(0)).to_have_text(second)
    expect(titles.nth(1)).to_have_text(first)
    assert [p.title for p in session.points.order_by("position")[:2]] == [second, first]


def test_the_pages_name_their_icon(page):
    page.goto(reverse("login"))
    assert page.locator("head link[rel~='icon']").count() == 1
