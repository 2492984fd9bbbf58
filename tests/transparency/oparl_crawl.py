"""Walk the OParl API from its System object and validate every object against the schemas."""

import collections
import json
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft7Validator

SCHEMAS = Path("/work/shared/oparl/schema")
if not SCHEMAS.exists():  # the copy kept with the tests
    SCHEMAS = Path(__file__).parent / "oparl_schema"
# Objects embedded in others, by the key that holds them.
EMBEDDED = {
    "location": "Location",
    "agendaItem": "AgendaItem",
    "auxiliaryFile": "File",
    "resultsProtocol": "File",
    "invitation": "File",
    "verbatimProtocol": "File",
    "resolutionFile": "File",
    "legislativeTerm": "LegislativeTerm",
    "membership": "Membership",
}


def validators() -> dict:
    return {
        path.stem: Draft7Validator(json.loads(path.read_text(encoding="utf-8")))
        for path in SCHEMAS.glob("*.json")
    }


class Crawl:
    def __init__(self, client):
        self.client = client
        self.validators = validators()
        self.counts = collections.Counter()
        self.failures = []
        self.seen = set()
        self.pages = 0
        self.bodies = []

    def get(self, url: str) -> dict:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = self.client.get(path)
        assert response.status_code == 200, (url, response.status_code)
        assert response["Content-Type"].startswith("application/json")
        return response.json()

    def validate(self, obj: dict, expected: str | None = None) -> None:
        kind = obj.get("type", "").rsplit("/", 1)[-1]
        if expected and kind != expected:
            self.failures.append((obj.get("id"), f"type {kind}, expected {expected}"))
            return
        errors = list(self.validators[kind].iter_errors(obj))
        self.failures += [(obj.get("id"), error.message) for error in errors]
        if obj.get("id") not in self.seen:
            self.seen.add(obj.get("id"))
            self.counts[kind] += 1
        for key, schema in EMBEDDED.items():
            value = obj.get(key)
            if isinstance(value, dict):
                self.validate(value, schema)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        self.validate(item, schema)

    def walk_list(self, url: str) -> list[dict]:
        items = []
        while url:
            page = self.get(url)
            self.pages += 1
            assert set(page) >= {"data", "pagination", "links"}
            for item in page["data"]:
                self.validate(item)
                items.append(item)
            url = page["links"].get("next")
        return items

    def run(self) -> "Crawl":
        system = self.get("/oparl/v1.1/")
        self.validate(system, "System")
        for body in self.walk_list(system["body"]):
            self.bodies.append(body)
            self.validate(self.get(body["id"]), "Body")
            for key in (
                "organization",
                "person",
                "meeting",
                "paper",
                "agendaItem",
                "file",
                "membership",
            ):
                for item in self.walk_list(body[key]):
                    # Each object also answers at its own address, the same.
                    assert self.get(item["id"]) == item, item["id"]
        return self
