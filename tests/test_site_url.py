"""
SITE_URL, the site's own address, is the source of every absolute link — e-mails, feeds,
their UIDs, printed documents, the personal feed's address, the password reset link — and
the request's Host never is.
"""

import datetime
import io
import re

import icalendar
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from pypdf import PdfReader

from committees.models import Membership
from config.site import absolute_url, host_of, parse_site_url, uid_domain
from sessions.services import convene_session
from tests.factories import make_committee, make_membership, make_person, make_point, make_session
from tests.web import signed_in

JALISCO = "https://quorum.iepcjalisco.org.mx"
INE = "https://comites.ine.mx"


def feed_uids(client, committee) -> set[str]:
    url = reverse("sessions:committee-feed", args=[committee.slug])
    calendar = icalendar.Calendar.from_ical(client.get(url).content)
    return {str(calendar["UID"])} | {str(event["UID"]) for event in calendar.events}


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content)
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


# --- The address itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("https://quorum.example.org", "https://quorum.example.org"),
        ("  HTTPS://Quorum.Example.org/ ", "https://quorum.example.org"),
        ("http://127.0.0.1:8001", "http://127.0.0.1:8001"),
        ("http://[::1]:8000/", "http://[::1]:8000"),
    ],
)
def test_the_site_url_is_kept_as_scheme_and_host(given, kept):
    assert parse_site_url(given) == kept


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("quorum.example.org", "escriba el esquema"),
        ("ftp://quorum.example.org", "escriba el esquema"),
        ("https://", "escriba el esquema"),
        ("https://quorum.example.org:puerto", "escriba el esquema"),
        ("https://quorum.example.org/comites/", "lleva una ruta (/comites/)"),
        ("https://quorum.example.org/?a=1", "no puede llevar usuario, consulta ni fragmento"),
        ("https://yo:clave@quorum.example.org", "no puede llevar usuario, consulta ni fragmento"),
    ],
)
def test_a_site_url_that_is_not_an_address_is_refused_with_the_reason(given, reason):
    with pytest.raises(ImproperlyConfigured, match=re.escape(reason)):
        parse_site_url(given)


def test_links_and_uid_domain_follow_the_setting(settings):
    settings.SITE_URL = "https://quorum.example.org:8443"
    assert absolute_url("/sesiones/3/") == "https://quorum.example.org:8443/sesiones/3/"
    assert uid_domain() == "quorum.example.org:8443"
    assert host_of(settings.SITE_URL) == "quorum.example.org"
    settings.SITE_URL = "https://quorum.example.org"
    assert uid_domain() == "quorum.example.org"


def test_an_absolute_url_is_built_from_a_path_only():
    with pytest.raises(ValueError, match="starts with '/'"):
        absolute_url("sesiones/3/")


# --- Feeds and their UIDs ------------------------------------------------------------------


@pytest.mark.django_db
def test_two_sites_emit_different_uids(client, settings):
    committee = make_committee()
    make_session(committee, date=datetime.date(2024, 3, 19))
    make_session(committee, date=datetime.date(2024, 4, 16))

    settings.SITE_URL = JALISCO
    jalisco = feed_uids(client, committee)
    settings.SITE_URL = INE
    ine = feed_uids(client, committee)

    assert len(jalisco) == len(ine) == 3  # the calendar and its two events
    assert jalisco.isdisjoint(ine)
    assert all(uid.endswith("@quorum.iepcjalisco.org.mx") for uid in jalisco)
    assert all(uid.endswith("@comites.ine.mx") for uid in ine)


@pytest.mark.django_db
def test_feed_links_come_from_the_site_url_whatever_host_was_asked(client, settings):
    settings.SITE_URL = JALISCO
    session = make_session()
    url = reverse("sessions:session-ics", args=[session.pk])
    body = client.get(url, HTTP_HOST="127.0.0.1").content.decode()
    event = icalendar.Calendar.from_ical(body).events[0]
    assert str(event["URL"]) == f"{JALISCO}/sesiones/{session.pk}/"
    assert str(event["UID"]) == f"session-{session.pk}@quorum.iepcjalisco.org.mx"
    assert "127.0.0.1" not in body


@pytest.mark.django_db
def test_the_personal_feed_address_comes_from_the_site_url(client, settings, django_user_model):
    settings.SITE_URL = JALISCO
    user = django_user_model.objects.create_user("ana", password="x")
    person = make_person(user=user)
    signed_in(client, user)
    response = client.get(reverse("committees:my-calendar"), HTTP_HOST="localhost")
    feed = reverse("sessions:personal-feed", args=[person.calendar_token])
    assert f"{JALISCO}{feed}" in response.text
    assert "http://localhost" not in response.text


# --- E-mails -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_convocation_links_to_the_session_on_the_site(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = JALISCO
    session = make_session(date=datetime.date(2024, 3, 19), start_time=datetime.time(11))
    make_point(session, title="Lectura y aprobación del orden del día")
    person = make_person(name="Ana Integrante", email="ana@example.org")
    make_membership(session.committee, person=person, role=Membership.Role.MEMBER)

    with django_capture_on_commit_callbacks(execute=True):
        convene_session(session, now=datetime.datetime(2024, 3, 12, 10, tzinfo=datetime.UTC))

    (message,) = mailoutbox
    page = f"{JALISCO}/sesiones/{session.pk}/"
    assert f"Página de la sesión: {page}" in message.body
    assert page in message.alternatives[0].content
    (invitation,) = [
        part for part in message.message().walk() if part.get_content_type() == "text/calendar"
    ]
    event = icalendar.Calendar.from_ical(invitation.get_payload(decode=True)).events[0]
    assert str(event["UID"]) == f"session-{session.pk}@quorum.iepcjalisco.org.mx"
    assert str(event["URL"]) == page


@pytest.mark.django_db
def test_the_password_reset_link_comes_from_the_site_url(client, settings, bob, mailoutbox):
    settings.SITE_URL = JALISCO
    client.post(reverse("password_reset"), {"email": bob.email}, HTTP_HOST="localhost")
    (message,) = mailoutbox
    (link,) = re.findall(r"https?://\S+", message.body)
    assert link.startswith(f"{JALISCO}/cuenta/reset/")
    assert "localhost" not in message.body


# --- Printed documents ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_printed_document_gives_its_address_on_the_site(client, settings, alice):
    settings.SITE_URL = JALISCO
    session = make_session(date=datetime.date(2024, 3, 19))
    make_point(session, title="Lectura y aprobación del orden del día")
    signed_in(client, alice)

    response = client.get(reverse("reports:orden-pdf", args=[session.pk]), HTTP_HOST="localhost")

    text = pdf_text(response)
    assert f"Consulta: {JALISCO}/sesiones/{session.pk}/" in text
    assert "localhost" not in text


@pytest.mark.django_db
def test_the_calendario_gives_the_committee_page(client, settings, alice):
    settings.SITE_URL = INE
    committee = make_committee()
    make_session(committee)
    signed_in(client, alice)

    response = client.get(reverse("reports:calendario-pdf", args=[committee.slug]))

    assert f"Consulta: {INE}/organos/{committee.slug}/" in pdf_text(response)
