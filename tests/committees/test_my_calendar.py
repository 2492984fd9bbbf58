import pytest
from django.urls import reverse

from tests.factories import make_membership

pytestmark = pytest.mark.django_db
URL = reverse("committees:my-calendar")


@pytest.fixture
def member(django_user_model):
    membership = make_membership()
    membership.person.user = django_user_model.objects.create_user("claudia", password="x")
    membership.person.save()
    return membership.person


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_personal_feed_address(client, member):
    client.force_login(member.user)
    response = client.get(URL)
    feed = reverse("sessions:personal-feed", args=[member.calendar_token])
    assert f"http://127.0.0.1:8000{feed}" in response.content.decode()


def test_regenerating_revokes_the_old_address(client, member):
    client.force_login(member.user)
    old_feed = reverse("sessions:personal-feed", args=[member.calendar_token])
    assert client.get(old_feed).status_code == 200
    response = client.post(URL)
    assert response.status_code == 302
    member.refresh_from_db()
    assert client.get(old_feed).status_code == 404
    new_feed = reverse("sessions:personal-feed", args=[member.calendar_token])
    assert client.get(new_feed).status_code == 200
    assert "La anterior dejó de funcionar" in client.get(URL).content.decode()


def test_an_account_without_a_person_is_told_so(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("sin-persona", password="x"))
    assert "aún no está vinculada" in client.get(URL).content.decode()
    assert client.post(URL).status_code == 404


def test_wrong_method(client, member):
    client.force_login(member.user)
    assert client.put(URL).status_code == 405
