"""The OParl 1.1 API, walked from its System object as an OParl client would."""

import datetime
import json
import re
import time

import pytest
from django.utils import timezone

from agendas.models import Agreement
from tests.transparency.oparl_crawl import Crawl
from tests.transparency.world import DRAFT_BODY, PRIVATE_MARK, RESERVED_TITLE
from transparency import public
from transparency.oparl import views

pytestmark = pytest.mark.django_db
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def test_every_object_of_the_demo_validates_and_every_list_is_followed_to_the_end(
    client, demo, monkeypatch
):
    # Small pages, so that every list of the demo has several.
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    crawl = Crawl(client).run()
    assert crawl.failures == []
    for kind in (
        "System", "Body", "Organization", "Person", "Membership", "Meeting", "AgendaItem",
        "File", "LegislativeTerm", "Location",
    ):  # fmt: skip
        assert crawl.counts[kind] > 0, kind
    assert crawl.counts["Meeting"] == public.sessions().count()
    assert crawl.counts["AgendaItem"] == public.points().count()
    assert crawl.pages > 10


def test_the_api_shows_nothing_private(client, demo):
    seen = []
    for url in (
        f"/oparl/v1.1/bodies/{demo['committee'].institution_id}/meetings/",
        f"/oparl/v1.1/bodies/{demo['committee'].institution_id}/people/",
        f"/oparl/v1.1/bodies/{demo['committee'].institution_id}/files/",
        f"/oparl/v1.1/bodies/{demo['committee'].institution_id}/agenda-items/",
        f"/oparl/v1.1/bodies/{demo['committee'].institution_id}/memberships/",
    ):
        while url:
            page = client.get(url).json()
            seen.append(json.dumps(page, ensure_ascii=False))
            url = page["links"].get("next")
    text = "\n".join(seen)
    for mark in (PRIVATE_MARK, RESERVED_TITLE, DRAFT_BODY):
        assert mark not in text
    assert not EMAIL.findall(text)
    private = demo["private"]
    assert client.get(f"/oparl/v1.1/meetings/{private.pk}/").status_code == 404


def test_votes_and_agreements_are_namespaced_extras(client, demo):
    agreement = public.agreements().select_related("point").first()
    item = client.get(f"/oparl/v1.1/agenda-items/{agreement.point_id}/").json()
    assert {a["number"] for a in item["quorum:agreements"]} >= {agreement.number}
    assert item["quorum:agreements"][0]["status"] in dict(Agreement.Status.choices).values()
    assert all({"person", "name", "sense"} <= set(v) for v in item["quorum:votes"])


def test_modified_since_returns_only_what_changed(client, demo):
    url = f"/oparl/v1.1/bodies/{demo['committee'].institution_id}/meetings/"
    everything = client.get(url).json()["pagination"]["totalElements"]
    since = timezone.now() + datetime.timedelta(milliseconds=5)
    stamp = since.isoformat().replace("+00:00", "Z")
    assert client.get(url, {"modified_since": stamp}).json()["data"] == []
    time.sleep(0.05)
    # A change to one point of a session (the database bumps the session's freshness).
    point = demo["open_point"]
    point.title = "Asuntos generales (corregido)"
    point.save()
    changed = client.get(url, {"modified_since": stamp}).json()
    assert [m["id"] for m in changed["data"]] == [
        f"http://testserver/oparl/v1.1/meetings/{demo['open_session'].pk}/"
    ] or [m["id"].rstrip("/").rsplit("/", 1)[-1] for m in changed["data"]] == [
        str(demo["open_session"].pk)
    ]
    assert everything > 1
    items = client.get(
        f"/oparl/v1.1/bodies/{demo['committee'].institution_id}/agenda-items/",
        {"modified_since": stamp},
    ).json()
    assert [item["name"] for item in items["data"]] == ["Asuntos generales (corregido)"]


def test_a_bad_filter_or_page_is_a_clear_400(client, demo):
    response = client.get(
        f"/oparl/v1.1/bodies/{demo['committee'].institution_id}/meetings/",
        {"modified_since": "ayer"},
    )
    assert response.status_code == 400
    assert "ISO 8601" in response.json()["error"]
    response = client.get(
        f"/oparl/v1.1/bodies/{demo['committee'].institution_id}/meetings/", {"page": "999"}
    )
    assert response.status_code == 400 and "no existe" in response.json()["error"]
