"""Subscribing: the committee page and "Mi calendario" offer webcal, https, copy, steps."""

import pytest
from django.urls import reverse

from tests.web import signed_in

pytestmark = pytest.mark.django_db


def test_the_committee_page_offers_a_subscription_not_a_download(client, committee, member):
    response = signed_in(client, member).get(reverse("committees:detail", args=[committee.slug]))
    page = response.content.decode()
    # From the site's address (SITE_URL), never the request's host.
    feed = f"http://127.0.0.1:8000/calendario/{committee.slug}/calendario.ics"
    assert f'href="webcal://127.0.0.1:8000/calendario/{committee.slug}/calendario.ics"' in page
    assert f'value="{feed}"' in page
    assert 'data-copy-target="organo-direccion"' in page
    for application in ("Google Calendar", "Outlook", "Thunderbird"):
        assert f"<dt>{application}</dt>" in page
    # The header's "Suscribirse" takes the reader to those steps, not to a file.
    assert 'href="#suscribirse"' in page
    assert "js/copy.js" in page


def test_my_calendar_offers_the_personal_feed_the_same_way(client, member):
    response = signed_in(client, member).get(reverse("committees:my-calendar"))
    page = response.content.decode()
    token = member.person.calendar_token
    assert f'href="webcal://127.0.0.1:8000/calendario/personal/{token}/calendario.ics"' in page
    assert f'value="http://127.0.0.1:8000/calendario/personal/{token}/calendario.ics"' in page
    assert 'data-copy-target="personal-direccion"' in page
    assert "Cómo suscribirse paso a paso" in page
