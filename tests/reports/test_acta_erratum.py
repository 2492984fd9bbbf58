"""The fe de erratas: the secretariat corrects an approved acta without touching it."""

import pytest
from django.urls import reverse

from reports.models import ActaErratum
from reports.services import draft_acta
from tests.record import DAY, approve_at_next_session, held, messages_of, scheduled, seats
from tests.web import assert_sign_in_required, page_text, signed_in

pytestmark = pytest.mark.django_db

TEXT = "En el punto 2, dice «Beatriz»; debe decir «Beatriz Eugenia»."


def url(acta) -> str:
    return reverse("reports:acta-erratum", args=[acta.pk])


def acta_url(acta) -> str:
    return reverse("reports:acta", args=[acta.pk])


@pytest.fixture
def draft(committee):
    seats(committee, "Adela Ruiz", "Beatriz Soto")
    return draft_acta(held(scheduled(committee, DAY)))


@pytest.fixture
def acta(draft):
    return approve_at_next_session(draft)


def test_the_url(acta):
    assert url(acta) == f"/actas/{acta.pk}/fe-de-erratas/"


def test_it_requires_sign_in(client, acta):
    assert_sign_in_required(client.post(url(acta), {"text": TEXT}), url(acta))


@pytest.mark.parametrize("user", ["outsider", "member", "guest", "representative"])
def test_only_the_secretariat_records_errata(request, client, acta, user):
    response = signed_in(client, request.getfixturevalue(user)).post(url(acta), {"text": TEXT})

    assert response.status_code == 404
    assert not ActaErratum.objects.exists()


@pytest.mark.parametrize("user", ["secretary", "alice", "manager"])
def test_it_records_the_erratum_and_lists_it(request, client, acta, user):
    someone = request.getfixturevalue(user)

    response = signed_in(client, someone).post(url(acta), {"text": TEXT})

    assert response.status_code == 302
    assert response.url == f"{acta_url(acta)}#fe-de-erratas"
    assert messages_of(response) == ["Se registró la fe de erratas."]
    erratum = ActaErratum.objects.get()
    assert (erratum.acta, erratum.text, erratum.recorded_by) == (acta, TEXT, someone)
    assert TEXT in page_text(client.get(acta_url(acta)))
    acta.refresh_from_db()
    assert acta.snapshot["points"][1]["minutes"] == ""


def test_an_empty_correction_is_refused(client, secretary, acta):
    response = signed_in(client, secretary).post(url(acta), {"text": "   "})

    assert response.status_code == 200
    # The field points to its example and to the error, which follows it.
    assert 'aria-describedby="id_text_helptext id_text_error"' in response.text
    assert "Escriba la corrección." in response.text.split('id="id_text_error"')[1][:200]
    assert not ActaErratum.objects.exists()


def test_a_draft_is_corrected_directly(client, secretary, draft):
    response = signed_in(client, secretary).post(url(draft), {"text": TEXT})

    assert response.status_code == 302
    assert messages_of(response) == ["El acta aún es un proyecto: corríjala directamente."]
    assert not ActaErratum.objects.exists()


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_wrong_methods(client, secretary, acta, method):
    assert getattr(signed_in(client, secretary), method)(url(acta)).status_code == 405
