"""Signing in and out, and resetting a forgotten password: all in Spanish."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.web import field_value, page_text

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
BAD_CREDENTIALS = (
    "El usuario o la contraseña no son correctos. Revise que las mayúsculas estén bien escritas."
)


def test_the_urls():
    assert LOGIN == "/cuenta/login/"
    assert reverse("logout") == "/cuenta/logout/"
    assert reverse("password_reset") == "/cuenta/password_reset/"


def test_the_sign_in_page_speaks_spanish(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert '<html lang="es-MX">' in response.text
    text = page_text(response)
    assert "Entrar · Quórum" in text
    assert "Entrar a Quórum" in text
    assert "Nombre de usuario*" in text
    assert "Contraseña*" in text
    assert "¿Olvidó su contraseña?" in text
    # Nobody is signed in: no menu.
    assert "Salir" not in text


def test_it_signs_in_and_goes_home(client, bob):
    response = client.post(LOGIN, {"username": "bob", "password": "password"})

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session[SESSION_KEY] == str(bob.pk)


def test_it_goes_back_to_the_page_that_asked_for_it(client, bob):
    asked = client.get(reverse("sessions:calendar"))
    form = client.get(asked.url)
    assert field_value(form, "id_username") == ""
    assert 'name="next" value="/calendario/"' in form.text

    response = client.post(
        LOGIN, {"username": "bob", "password": "password", "next": "/calendario/"}
    )

    assert response.url == "/calendario/"


def test_it_never_sends_you_to_another_site(client, bob):
    response = client.post(
        LOGIN, {"username": "bob", "password": "password", "next": "https://example.com/"}
    )
    assert response.url == reverse("home")


@pytest.mark.parametrize(
    ("username", "password"),
    [("bob", "contraseña-equivocada"), ("Bob", "password"), ("nadie", "password")],
)
def test_bad_credentials_are_explained_and_the_username_kept(client, bob, username, password):
    response = client.post(LOGIN, {"username": username, "password": password})

    assert response.status_code == 200
    assert BAD_CREDENTIALS in page_text(response)
    assert field_value(response, "id_username") == username
    assert field_value(response, "id_password") == ""
    assert SESSION_KEY not in client.session


def test_an_inactive_account_cannot_sign_in(client, bob):
    bob.is_active = False
    bob.save()
    response = client.post(LOGIN, {"username": "bob", "password": "password"})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_empty_fields_are_explained_in_spanish(client):
    response = client.post(LOGIN, {"username": "", "password": ""})
    assert "Este campo es obligatorio." in page_text(response)


def test_the_password_reset_page_speaks_spanish(client):
    text = page_text(client.get(reverse("password_reset")))
    assert "Restablecer contraseña" in text
    assert "Escriba el correo electrónico de su cuenta" in text
    assert "Enviar el enlace" in text


def test_a_password_reset_sends_a_spanish_mail(client, bob, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "bob@example.org"})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["bob@example.org"]
    assert mail.subject == "Restablecer su contraseña de Quórum"
    assert "Recibimos una solicitud para restablecer la contraseña de su cuenta de Quórum." in (
        mail.body
    )
    assert "Su usuario es: bob" in mail.body
    assert "Si usted no lo solicitó, ignore este mensaje: su contraseña no cambiará." in mail.body
    link = re.search(r"http://127\.0\.0\.1:8000(/cuenta/reset/\S+/)", mail.body)
    assert link, mail.body

    # The link leads to the form for the new password.
    chosen = client.get(link.group(1), follow=True)
    assert chosen.status_code == 200
    assert 'name="new_password1"' in chosen.text
    new_password = {"new_password1": "Quorum-2024-nueva", "new_password2": "Quorum-2024-nueva"}
    done = client.post(chosen.redirect_chain[-1][0], new_password)
    assert done.url == reverse("password_reset_complete")
    bob.refresh_from_db()
    assert bob.check_password("Quorum-2024-nueva")


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, bob, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nadie@example.org"})
    assert response.url == reverse("password_reset_done")
    assert mailoutbox == []


def test_signing_out_needs_a_post(client, bob):
    client.force_login(bob)

    assert client.get(reverse("logout")).status_code == 405
    assert SESSION_KEY in client.session

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response.url == LOGIN
    assert SESSION_KEY not in client.session


def test_every_page_offers_a_sign_out_button(client, bob):
    client.force_login(bob)
    response = client.get(reverse("home"))
    form = re.search(
        r'<form method="post" action="/cuenta/logout/">.*?</form>', response.text, re.S
    )
    assert form
    assert "csrfmiddlewaretoken" in form.group(0)
    assert "Salir" in form.group(0)
