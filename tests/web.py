"""
Who is who on a committee's pages: the users the view tests sign in as, and small helpers
for reading pages. Fixtures are imported explicitly by the conftest.py of each folder.
"""

import datetime
import html
import io
import re
import zipfile
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url

from agendas.models import Document
from agendas.services import add_standard_agenda
from committees.models import Membership
from tests.factories import make_committee, make_membership, make_person, make_session


def make_user_with_seat(django_user_model, committee, role, username: str, **fields):
    """A user whose person holds a seat of ``role`` on ``committee``."""
    user = django_user_model.objects.create_user(username, f"{username}@example.org", "password")
    person = make_person(name=fields.pop("name", username.capitalize()), user=user)
    # A seat still held: visibility follows the term (committees.access), and the pages
    # tested here show sessions dated today.
    fields.setdefault("end", None)
    make_membership(committee, person=person, role=role, **fields)
    return user


def seat(user) -> Membership:
    """The user's only seat (to invite them to a session)."""
    return user.person.memberships.get()


@pytest.fixture
def committee():
    return make_committee()


@pytest.fixture
def secretary(django_user_model, committee):
    """The technical secretary: manages the committee's sessions and agendas."""
    return make_user_with_seat(
        django_user_model, committee, Membership.Role.TECHNICAL_SECRETARY, "secretaria"
    )


@pytest.fixture
def member(django_user_model, committee):
    """A member with voice and vote: reads everything of the committee, manages nothing."""
    return make_user_with_seat(django_user_model, committee, Membership.Role.MEMBER, "integrante")


@pytest.fixture
def guest(django_user_model, committee):
    """A guest: sees only the sessions they are invited to."""
    return make_user_with_seat(django_user_model, committee, Membership.Role.GUEST, "invitada")


@pytest.fixture
def representative(django_user_model, committee):
    """A party representative: formal work meetings and the sessions they are invited to."""
    return make_user_with_seat(
        django_user_model, committee, Membership.Role.PARTY_REPRESENTATIVE, "representante"
    )


@pytest.fixture
def outsider(django_user_model):
    """A member of another committee, with no seat on ``committee``."""
    return make_user_with_seat(
        django_user_model, make_committee(), Membership.Role.TECHNICAL_SECRETARY, "ajena"
    )


@pytest.fixture
def manager(django_user_model):
    """Staff (not superuser) with the permission to manage every committee."""
    user = django_user_model.objects.create_user("gestora", "gestora@example.org", "password")
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="change_committee"))
    return user


def signed_in(client, user):
    client.force_login(user)
    return client


def login_url(next_url: str) -> str:
    return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url}, safe='/')}"


def assert_sign_in_required(response, next_url: str) -> None:
    assert response.status_code == 302
    assert response.url == login_url(next_url)


def page_text(response) -> str:
    """What a reader sees: the page without tags, entities decoded, spaces collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return _text(body)


def _text(markup: str) -> str:
    # Inline elements run on with their neighbours ("2024</time>, 11:00 h"); others break.
    markup = re.sub(r"</?(a|abbr|b|em|i|span|strong|time)\b[^>]*>", "", markup)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _field_tag(content: str, field_id: str) -> re.Match:
    tag = re.search(rf'<(input|select|textarea)\b[^>]*\bid="{re.escape(field_id)}"[^>]*>', content)
    assert tag, f"no field #{field_id} on the page"
    return tag


def field_error(response, field_id: str) -> str:
    """
    The error shown with the field whose id is ``field_id``: the field points to it with
    aria-describedby (so a screen reader reads it with the field) and it follows the field.
    """
    content = response.content.decode()
    field = _field_tag(content, field_id)
    assert f'aria-describedby="{field_id}_error"' in field.group(0), field.group(0)
    error = re.search(
        rf'<div id="{re.escape(field_id)}_error" class="invalid-feedback">(.*?)</div>',
        content[field.end() :],
        flags=re.S,
    )
    assert error, f"no error shown after #{field_id}"
    return _text(error.group(1))


def field_value(response, field_id: str) -> str:
    """What the form shows in a field: an input's value, a textarea's text, the chosen option."""
    content = response.content.decode()
    tag = _field_tag(content, field_id)
    if tag.group(1) == "input":
        value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
        return html.unescape(value.group(1)) if value else ""
    rest = content[tag.end() :]
    if tag.group(1) == "textarea":
        return html.unescape(rest[: rest.index("</textarea>")]).strip()
    options = rest[: rest.index("</select>")]
    selected = re.search(r'<option value="([^"]*)"[^>]*\bselected\b', options)
    return html.unescape(selected.group(1)) if selected else ""


# --- Documents ----------------------------------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)


def docx() -> bytes:
    """The smallest file Word would call a .docx: a zip with its content types and body."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Override PartName="/word/document.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
            "/></Types>",
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Minuta</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a folder of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_document(point, name: str = "anexo.pdf", content: bytes = PDF, **fields) -> Document:
    """A document with its file in storage (use with the ``media`` fixture)."""
    fields = {"title": f"Documento {name}", **fields}
    return Document.objects.create(point=point, file=SimpleUploadedFile(name, content), **fields)


# --- Agendas ------------------------------------------------------------------------------


def session_with_agenda(committee, **fields):
    """
    An ordinary session of 19 March 2024 with its standard agenda: 1 the agenda, 2 last
    month's progress, 3 the bimonthly informe, 4 general matters, 5 summary and closing.
    """
    session = make_session(committee, date=datetime.date(2024, 3, 19), **fields)
    add_standard_agenda(session)
    return session


def agenda(session) -> list[tuple[int, str]]:
    """The session's points as (position, title), in order."""
    return list(session.points.order_by("position").values_list("position", "title"))


def form_version(response, action: str = "") -> str:
    """
    The agenda version the form posting to ``action`` carries (what a browser sends back);
    an empty ``action`` means the form that posts to the page itself.
    """
    for form in re.finditer(r"<form\b([^>]*)>(.*?)</form>", response.content.decode(), re.S):
        target = re.search(r'\baction="([^"]*)"', form.group(1))
        if (target.group(1) if target else "") == action:
            version = re.search(r'name="version" value="([^"]*)"', form.group(2))
            assert version, f"the form posting to {action!r} carries no version"
            return version.group(1)
    raise AssertionError(f"no form posting to {action!r}")
