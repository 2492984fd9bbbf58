"""Builds the demonstration committee from the work plan kept in ``demo/data``."""

import dataclasses
import datetime
import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction

from agendas.models import AgendaPoint
from committees.models import (
    Attribution,
    Committee,
    ElectoralProcess,
    Institution,
    Membership,
    Person,
)
from sessions.models import Session

PLACEHOLDER_LOGO = "img/letterhead-placeholder.svg"
DEMO_FILE = Path(__file__).resolve().parent / "data" / "cotaprep_iepc_jalisco_2023_2024.json"


@dataclasses.dataclass
class DemoSummary:
    committee: Committee
    sessions: int
    points: int
    members_with_vote: int
    technical_secretaries: int


def read_demo_data(path: Path = DEMO_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _upsert(model, defaults: dict, **lookup):
    """update_or_create that saves only when a value differs, so reloading adds no history."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        return model.objects.create(**{**defaults, **lookup})
    changed = [name for name, value in defaults.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, defaults[name])
        instance.save()
    return instance


@transaction.atomic
def load_demo(data: dict | None = None) -> DemoSummary:
    """
    Create or update the demo committee so that it matches the work plan exactly.
    Running it twice leaves the database as running it once.
    """
    data = data or read_demo_data()
    institution = _upsert(
        Institution, data["institution"], short_name=data["institution"]["short_name"]
    )
    _give_placeholder_logo(institution)
    process_data = data["process"]
    process = _upsert(
        ElectoralProcess,
        {"election_day": _date(process_data["election_day"])},
        institution=institution,
        name=process_data["name"],
    )
    commission = _load_committee(institution, process, data["follow_up_commission"], parent=None)
    committee = _load_committee(institution, process, data["committee"], parent=commission)

    term = data["membership_term"]
    for person_data in data["people"]:
        person = _upsert(
            Person,
            {key: person_data[key] for key in ("honorific", "job_title", "cv_extract")},
            name=person_data["name"],
        )
        _upsert(
            Membership,
            {
                "role": person_data["role"],
                "end": _date(term["end"]),
                "appointing_act": term["appointing_act"],
            },
            committee=committee,
            person=person,
            start=_date(term["start"]),
        )

    point_count = 0
    loaded = {}
    for session_data in data["sessions"]:
        key = {"kind": session_data["kind"], "number": session_data["number"]}
        held = committee.sessions.filter(**key).exclude(status=Session.Status.PLANNED).first()
        if held is not None:
            # Convened or held (or simulated): the record is history; reloading leaves it.
            loaded[(held.kind, held.number)] = held
            point_count += held.points.count()
            continue
        session = _upsert(
            Session,
            {
                "role": session_data["role"],
                "date": _date(session_data["date"]),
                "notes": session_data["notes"],
            },
            committee=committee,
            kind=session_data["kind"],
            number=session_data["number"],
        )
        loaded[(session.kind, session.number)] = session
        point_count += len(session_data["points"])
        for position, point_data in enumerate(session_data["points"], start=1):
            acta_of = point_data.get("approves_acta_of")
            _upsert(
                AgendaPoint,
                {
                    "title": point_data["title"],
                    "kind": point_data["kind"],
                    "standard": point_data["standard"],
                    "approves_acta_of": (
                        loaded[(acta_of["kind"], acta_of["number"])] if acta_of else None
                    ),
                },
                session=session,
                position=position,
            )
        session.points.filter(position__gt=len(session_data["points"])).delete()

    memberships = committee.memberships.all()
    return DemoSummary(
        committee=committee,
        sessions=committee.sessions.count(),
        points=point_count,
        members_with_vote=memberships.with_vote().count(),
        technical_secretaries=memberships.filter(role=Membership.Role.TECHNICAL_SECRETARY).count(),
    )


def _give_placeholder_logo(institution: Institution) -> None:
    """
    The demo institution's logo: a neutral drawing of the project's own (never a real
    institution's emblem), stored as an uploaded logo would be. A logo set by hand stays.
    """
    if institution.logo:
        return
    drawing = Path(finders.find(PLACEHOLDER_LOGO)).read_bytes()
    institution.logo.save("logotipo-de-ejemplo.svg", ContentFile(drawing), save=True)


def _load_committee(institution, process, data: dict, *, parent) -> Committee:
    fields = {key: value for key, value in data.items() if key not in ("slug", "attributions")}
    for key in ("integrated_on", "installed_on", "closed_on"):
        if key in fields:
            fields[key] = _date(fields[key])
    committee = _upsert(
        Committee,
        {**fields, "institution": institution, "process": process, "parent": parent},
        slug=data["slug"],
    )
    attributions = data.get("attributions", [])
    for position, item in enumerate(attributions, start=1):
        _upsert(
            Attribution,
            {"label": item["label"], "text": item["text"]},
            committee=committee,
            position=position,
        )
    committee.attributions.filter(position__gt=len(attributions)).delete()
    return committee
