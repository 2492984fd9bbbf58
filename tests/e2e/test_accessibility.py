"""axe-core on the main pages: no serious or critical violation. Screenshots for people."""

import pytest
from django.urls import reverse

from .helpers import assert_accessible, sign_in, upcoming_session_with_document

pytestmark = pytest.mark.e2e


def check_all(page, pages: list[tuple[str, str]]):
    """Checks every page before failing, so one run names every page's violations."""
    failures = []
    for name, url in pages:
        response = page.goto(url)
        assert response.ok, f"{name}: {url} answered {response.status}"
        try:
            assert_accessible(page, name)
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, "\n\n".join(failures)


def test_the_sign_in_page_is_accessible(page):
    check_all(page, [("entrar", reverse("login"))])


def test_the_secretariat_pages_are_accessible(page, demo):
    session, point, _document, _pdf = upcoming_session_with_document(demo.committee)
    month = f"{session.date:%Y-%m}"
    sign_in(page, demo.secretary)
    check_all(
        page,
        [
            ("inicio", reverse("home")),
            ("organo", reverse("committees:detail", args=[demo.committee.slug])),
            ("calendario-mes", f"{reverse('sessions:calendar')}?mes={month}"),
            ("calendario-lista", f"{reverse('sessions:calendar-list')}?mes={month}"),
            ("sesion", reverse("sessions:detail", args=[session.pk])),
            ("sesion-nueva", reverse("sessions:create", args=[demo.committee.slug])),
            ("punto-editar", reverse("agendas:point-edit", args=[point.pk])),
            (
                "cumplimiento-plan",
                f"{reverse('reports:compliance', args=[demo.committee.slug])}?vista=plan",
            ),
            (
                "cumplimiento-registro",
                f"{reverse('reports:compliance', args=[demo.committee.slug])}?vista=registro",
            ),
            ("informes", reverse("reports:informes", args=[demo.committee.slug])),
            ("informe-nuevo", reverse("reports:informe-create", args=[demo.committee.slug])),
        ],
    )


def test_forms_showing_their_errors_are_accessible(page, expect, demo):
    session, *_ = upcoming_session_with_document(demo.committee)
    sign_in(page, demo.secretary)
    page.goto(reverse("sessions:create", args=[demo.committee.slug]))
    page.get_by_role("button", name="Crear sesión").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert_accessible(page, "sesion-nueva-errores")

    page.goto(reverse("sessions:detail", args=[session.pk]))
    page.get_by_role("button", name="Agregar punto").click()  # htmx, with nothing filled in
    expect(page.locator("#orden-del-dia .invalid-feedback").first).to_be_visible()
    assert_accessible(page, "sesion-punto-errores")


def test_a_members_compliance_page_is_accessible_on_a_phone_too(page, demo):
    sign_in(page, demo.member)
    url = reverse("reports:compliance", args=[demo.committee.slug])
    check_all(page, [("cumplimiento-integrante", url)])
    page.set_viewport_size({"width": 390, "height": 844})
    check_all(page, [("cumplimiento-integrante-telefono", url)])


def test_a_members_session_page_is_accessible_on_a_phone_too(page, demo):
    session, _point, _document, _pdf = upcoming_session_with_document(demo.committee)
    sign_in(page, demo.member)
    url = reverse("sessions:detail", args=[session.pk])
    check_all(page, [("sesion-integrante", url)])
    page.set_viewport_size({"width": 390, "height": 844})
    check_all(page, [("sesion-integrante-telefono", url)])
