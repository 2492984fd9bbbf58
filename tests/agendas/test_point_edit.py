"""Editing a point: its title, kind, presenter and description, never over someone's change."""

import pytest
from django.urls import reverse

from agendas.models import AgendaPoint
from agendas.services import point_version
from tests.web import (
    assert_sign_in_required,
    field_error,
    field_value,
    form_version,
    make_document,
    page_text,
    session_with_agenda,
    signed_in,
)

pytestmark = pytest.mark.django_db

TITLE = "Presentación del avance de las actividades correspondientes al mes de febrero"


@pytest.fixture
def point(committee):
    return session_with_agenda(committee).points.get(position=2)


def url(point) -> str:
    return reverse("agendas:point-edit", args=[point.pk])


def changes(point, **fields) -> dict:
    return {
        "title": "Avance de febrero del PREP",
        "kind": "informative",
        "presenter": "Coordinación de Informática",
        "description": "Incluye el segundo simulacro.",
        "version": point_version(point),
        **fields,
    }


def test_the_url(point):
    assert url(point) == f"/puntos/{point.pk}/editar/"


def test_it_requires_sign_in(client, point):
    assert_sign_in_required(client.get(url(point)), url(point))
    assert_sign_in_required(client.post(url(point), changes(point)), url(point))
    point.refresh_from_db()
    assert point.title == TITLE


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_those_who_manage_the_committee_edit_points(request, client, point, user):
    signed_in(client, request.getfixturevalue(user))

    assert client.get(url(point)).status_code == 404
    assert client.post(url(point), changes(point)).status_code == 404
    point.refresh_from_db()
    assert point.title == TITLE


def test_the_form_shows_the_point_and_its_documents(client, secretary, point, media):
    make_document(point, "avance-febrero.pdf", title="Avance de febrero")

    response = signed_in(client, secretary).get(url(point))

    assert response.status_code == 200
    assert field_value(response, "id_title") == TITLE
    assert field_value(response, "id_kind") == "informative"
    assert form_version(response, url(point)) == point_version(point)
    text = page_text(response)
    assert "Editar el punto 2" in text
    assert "Documentos del punto Avance de febrero" in text
    assert "SHA-256: " in text
    assert reverse("agendas:document-upload", args=[point.pk]) in response.text


def test_the_document_form_labels_its_own_fields(client, secretary, point):
    response = signed_in(client, secretary).get(url(point))
    # Two forms on one page: each label must name its own field.
    assert response.text.count('id="id_title"') == 1
    assert response.text.count('for="id_title"') == 1


def test_it_saves_the_point(client, secretary, point):
    response = signed_in(client, secretary).post(url(point), changes(point))

    assert response.status_code == 302
    assert response.url == f"{reverse('sessions:detail', args=[point.session_id])}#punto-{point.pk}"
    point.refresh_from_db()
    assert (point.title, point.kind, point.presenter, point.description) == (
        "Avance de febrero del PREP",
        "informative",
        "Coordinación de Informática",
        "Incluye el segundo simulacro.",
    )
    assert point.position == 2
    assert point.standard == "monthly_progress"


def test_the_session_page_confirms_it(client, secretary, point):
    response = signed_in(client, secretary).post(url(point), changes(point), follow=True)
    text = page_text(response)
    assert "Se guardó el punto 2." in text
    assert "Punto 2: Avance de febrero del PREP" in text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Escriba el título del punto."),
        ("kind", "", "Elija el tipo de punto."),
        ("title", "x" * 1001, "Asegúrese de que este valor tenga como máximo 1000 caracteres"),
    ],
)
def test_a_wrong_value_is_explained_next_to_its_field(
    client, secretary, point, field, value, message
):
    response = signed_in(client, secretary).post(url(point), changes(point, **{field: value}))

    assert response.status_code == 200
    assert field_error(response, f"id_{field}").startswith(message)
    assert field_value(response, f"id_{field}") == value
    assert field_value(response, "id_presenter") == "Coordinación de Informática"
    point.refresh_from_db()
    assert point.title == TITLE
    assert point.presenter == ""


def test_a_stale_version_saves_nothing_and_keeps_what_was_typed(client, secretary, point):
    typed = changes(point)
    AgendaPoint.objects.filter(pk=point.pk).update(title="Cambiado por otra persona")

    response = signed_in(client, secretary).post(url(point), typed)

    assert response.status_code == 200
    text = page_text(response)
    assert (
        "Otra persona modificó este punto mientras usted lo editaba; su cambio no se guardó. "
        "Abajo está lo que usted escribió: revíselo y guárdelo de nuevo. "
        "Título actual: «Cambiado por otra persona»"
    ) in text
    assert field_value(response, "id_title") == "Avance de febrero del PREP"
    assert field_value(response, "id_description") == "Incluye el segundo simulacro."
    point.refresh_from_db()
    assert point.title == "Cambiado por otra persona"
    assert point.presenter == ""
    # Having read the message, sending it again applies it.
    again = {**typed, "version": form_version(response, url(point))}
    assert client.post(url(point), again).status_code == 302
    point.refresh_from_db()
    assert point.title == "Avance de febrero del PREP"


def test_a_change_to_another_point_is_no_conflict(client, secretary, point):
    typed = changes(point)
    AgendaPoint.objects.filter(session=point.session, position=1).update(title="Orden del día")

    response = signed_in(client, secretary).post(url(point), typed)

    assert response.status_code == 302
    point.refresh_from_db()
    assert point.title == "Avance de febrero del PREP"


@pytest.mark.parametrize("user", ["alice", "manager"])
def test_those_who_manage_every_committee_edit_points(request, client, point, user):
    signed_in(client, request.getfixturevalue(user))
    assert client.get(url(point)).status_code == 200
    assert client.post(url(point), changes(point)).status_code == 302
    point.refresh_from_db()
    assert (point.title, point.presenter) == (
        "Avance de febrero del PREP",
        "Coordinación de Informática",
    )
    assert point.history.first().history_user == request.getfixturevalue(user)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_not_allowed(client, secretary, point, method):
    assert getattr(signed_in(client, secretary), method)(url(point)).status_code == 405
    assert AgendaPoint.objects.filter(pk=point.pk).exists()
