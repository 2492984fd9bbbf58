"""The calendar works with the keyboard alone."""

import re

import pytest

from .helpers import sign_in

pytestmark = pytest.mark.e2e

MAX_TABS = 40


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            return {
                tag: element.tagName,
                text: element.innerText.trim(),
                href: element.getAttribute("href") || "",
                isSession: element.matches("a.calendar-entry"),
                outline: getComputedStyle(element).outlineStyle,
            };
        }"""
    )


def test_tab_reaches_a_session_in_the_month_and_enter_opens_it(page, expect, demo):
    sign_in(page, demo.member)
    # December 2023: the second ordinary session and two work meetings.
    page.goto("/calendario/?mes=2023-12")
    # As read on screen (CSS may change the case): Spanish capitalises only the first word.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Calendario · Diciembre de 2023", use_inner_text=True
    )

    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Ir al contenido"
    page.keyboard.press("Enter")

    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = focused(page)
        if element["isSession"]:
            break
    else:
        pytest.fail(f"{MAX_TABS} presses of Tab after the skip link reach no session.")
    # The first session of the month, and the focus ring shows where the keyboard is.
    assert "Primera reunión formal de trabajo" in element["text"], element
    assert element["outline"] != "none", element

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(element["href"]) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Primera reunión")
