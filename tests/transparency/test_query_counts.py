"""The portal's pages and the API's lists cost the same number of queries as data grows."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agendas.models import Document
from committees.models import Membership
from tests.factories import (
    make_agreement,
    make_committee,
    make_membership,
    make_person,
    make_point,
    make_session,
    make_vote,
)
from tests.web import PDF

pytestmark = pytest.mark.django_db


def grow(committee, count: int) -> None:
    """``count`` more public sessions with points, votes, agreements and public documents."""
    for _ in range(count):
        person = make_person()
        seat = make_membership(committee, person=person, role=Membership.Role.MEMBER)
        last = committee.sessions.order_by("-date").first()
        day = (last.date if last else datetime.date(2024, 1, 10)) + datetime.timedelta(days=7)
        session = make_session(committee, date=day, is_public=True)
        for _ in range(2):
            point = make_point(session)
            make_vote(point, seat)
            make_agreement(point)
            Document.objects.create(
                point=point,
                title="Anexo",
                file=SimpleUploadedFile("anexo.pdf", PDF),
                publication=Document.Publication.PUBLIC,
            )


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "page",
    [
        lambda c: reverse("transparency:committee", args=[c.slug]),
        lambda c: reverse("transparency:session", args=[c.sessions.order_by("pk").first().pk]),
        lambda c: reverse("transparency:institution", args=[c.institution_id]),
        lambda c: reverse("transparency:committee-data", args=[c.slug, "votaciones", "json"]),
        lambda c: reverse("transparency:export", args=[c.institution_id, 2024, 1, "xlsx"]),
        lambda c: f"/oparl/v1.1/bodies/{c.institution_id}/meetings/",
        lambda c: f"/oparl/v1.1/bodies/{c.institution_id}/people/",
        lambda c: f"/oparl/v1.1/bodies/{c.institution_id}/agenda-items/",
        lambda c: f"/oparl/v1.1/bodies/{c.institution_id}/files/",
    ],
    ids=[
        "committee", "session", "institution", "data", "export",
        "meetings", "people", "agenda-items", "files",
    ],
)  # fmt: skip
def test_query_count_is_constant(client, page):
    committee = make_committee()
    grow(committee, 2)
    few = queries(client, page(committee))
    grow(committee, 4)
    assert queries(client, page(committee)) == few
