"""
Approval by circulation in the browser: the technical secretary circulates the acta of the
closing session; each member with vote answers from their own account, on a phone for one
of them; the second approval makes the majority and the record is sealed.
"""

import datetime
import re

import pytest
from django.urls import reverse

from committees.models import Membership
from reports.models import Acta
from reports.services import draft_acta
from tests.conftest import load_default_rules
from tests.factories import make_committee, make_membership, make_person
from tests.record import held, opened, scheduled

from .helpers import PASSWORD, assert_accessible, save_screenshot, sign_in

pytestmark = pytest.mark.e2e

CLOSING_DAY = datetime.date(2024, 6, 28)


@pytest.fixture
def closing(transactional_db, django_user_model):
    load_default_rules()
    committee = make_committee(short_name="COTAPREP")
    users = {}
    for username, name, role in (
        ("hgallego", "Héctor Gallego Ávila", Membership.Role.TECHNICAL_SECRETARY),
        ("colivares", "Claudia Carolina Olivares Álvarez", Membership.Role.MEMBER),
        ("cledesma", "César Ledesma Ugalde", Membership.Role.MEMBER),
        ("ialarcon", "Ignacio Alberto Alarcón Alonzo", Membership.Role.MEMBER),
    ):
        user = django_user_model.objects.create_user(username, password=PASSWORD)
        make_membership(committee, role=role, person=make_person(name=name, user=user))
        users[username] = user
    session = held(opened(scheduled(committee, CLOSING_DAY, role="closing")))
    return draft_acta(session)


def test_the_members_approve_the_last_acta_from_their_accounts(closing, page, new_page, expect):
    acta_url = reverse("reports:acta", args=[closing.pk])
    sign_in(page, "hgallego")
    page.goto(acta_url)
    panel = page.get_by_role("region", name="Aprobación por circulación")
    expect(panel).to_contain_text("Esta sesión no tiene una sesión posterior")
    panel.get_by_role("button", name="Circular el acta para su aprobación").click()
    expect(page.locator("#mensajes")).to_contain_text("El acta está en circulación")
    expect(panel).to_contain_text("Aprobaciones: 0 de 3 integrantes con voto; se requieren 2.")
    assert_accessible(page, "acta-en-circulacion")

    # A member objects, on a phone.
    phone = new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    sign_in(phone, "cledesma")
    phone.goto(acta_url)
    answer = phone.get_by_role("region", name="Aprobación por circulación")
    answer.get_by_label("Formulo una objeción").check()
    answer.get_by_role("button", name="Enviar mi respuesta").click()
    expect(phone.get_by_text("Escriba su objeción.")).to_be_visible()  # the form is kept
    answer = phone.get_by_role("region", name="Aprobación por circulación")
    answer.get_by_role("textbox", name="Objeción").fill(
        "Falta la intervención de la Secretaría Técnica."
    )
    answer.get_by_role("button", name="Enviar mi respuesta").click()
    expect(phone.locator("#mensajes")).to_contain_text("Se registró su objeción al acta.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(phone, "acta-respuesta-390")
    save_screenshot(phone, "acta-respuesta-390")

    for username in ("colivares", "ialarcon"):
        member = new_page()
        sign_in(member, username)
        member.goto(acta_url)
        region = member.get_by_role("region", name="Aprobación por circulación")
        region.get_by_label("Apruebo el acta").check()
        region.get_by_role("button", name="Enviar mi respuesta").click()
        expect(member).to_have_url(re.compile(r"/actas/\d+/#circulacion$"))
    expect(member.locator("#mensajes")).to_contain_text("la mayoría aprobó el acta por circulación")
    approval = member.get_by_role("region", name="Aprobación")
    expect(approval).to_contain_text("Por circulación entre las y los integrantes con voto")
    expect(approval).to_contain_text("Aprobada por circulación (2 de 3 integrantes con voto)")
    expect(approval).to_contain_text("Falta la intervención de la Secretaría Técnica.")
    save_screenshot(member, "acta-aprobada-por-circulacion")

    closing.refresh_from_db()
    assert closing.status == Acta.Status.APPROVED
    assert closing.session.sealed_at is not None
    # The secretariat's page of the session now offers no edit.
    page.goto(reverse("sessions:detail", args=[closing.session_id]))
    expect(page.get_by_text("Registro sellado")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Editar el punto"))).to_have_count(0)
