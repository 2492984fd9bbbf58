"""Plain builders for test data: each returns a saved object; keyword arguments override."""

import datetime
import itertools

from agendas.models import AgendaPoint, Agreement, Vote
from committees.models import (
    Committee,
    ElectoralProcess,
    Institution,
    Membership,
    Person,
    PoliticalParty,
)
from sessions.models import Session

_counter = itertools.count(1)


def make_institution(**overrides) -> Institution:
    n = next(_counter)
    fields = {
        "name": f"Instituto Electoral de Prueba {n}",
        "short_name": f"IEP{n}",
        "kind": Institution.Kind.OPL,
        "state": "Jalisco",
    }
    return Institution.objects.create(**{**fields, **overrides})


def make_process(**overrides) -> ElectoralProcess:
    fields = {
        "name": f"Proceso Electoral Local {next(_counter)}",
        "election_day": datetime.date(2024, 6, 2),
    }
    if "institution" not in overrides:
        fields["institution"] = make_institution()
    return ElectoralProcess.objects.create(**{**fields, **overrides})


def make_committee(**overrides) -> Committee:
    n = next(_counter)
    fields = {
        "name": "Comité Técnico Asesor del Programa de Resultados Electorales Preliminares",
        "short_name": "COTAPREP",
        "slug": f"cotaprep-{n}",
        "kind": Committee.Kind.TECHNICAL_ADVISORY,
        "installed_on": datetime.date(2023, 11, 1),
        "closed_on": datetime.date(2024, 6, 30),
    }
    if "institution" not in overrides:
        fields["institution"] = (
            overrides["process"].institution if "process" in overrides else make_institution()
        )
    return Committee.objects.create(**{**fields, **overrides})


def make_person(**overrides) -> Person:
    fields = {"name": f"Persona de Prueba {next(_counter)}"}
    return Person.objects.create(**{**fields, **overrides})


def make_party(**overrides) -> PoliticalParty:
    n = next(_counter)
    return PoliticalParty.objects.create(
        **{"name": f"Partido de Prueba {n}", "acronym": f"PP{n}", **overrides}
    )


def make_membership(committee=None, **overrides) -> Membership:
    fields = {
        "committee": committee or make_committee(),
        "role": Membership.Role.MEMBER,
        "start": datetime.date(2023, 10, 25),
        "end": None,
    }
    if "person" not in overrides:
        fields["person"] = make_person()
    if overrides.get("role") == Membership.Role.PARTY_REPRESENTATIVE and "party" not in overrides:
        fields["party"] = make_party()
    return Membership.objects.create(**{**fields, **overrides})


def make_session(committee=None, **overrides) -> Session:
    committee = committee or make_committee()
    fields = {
        "committee": committee,
        "kind": Session.Kind.ORDINARY,
        "date": datetime.date(2023, 12, 18),
    }
    fields.update(overrides)
    if "number" not in fields:
        numbers = committee.sessions.filter(kind=fields["kind"]).values_list("number", flat=True)
        fields["number"] = max(numbers, default=0) + 1
    return Session.objects.create(**fields)


def make_point(session=None, **overrides) -> AgendaPoint:
    session = session or make_session()
    fields = {
        "session": session,
        "title": f"Punto de prueba {next(_counter)}",
        "kind": AgendaPoint.Kind.APPROVAL,
    }
    fields.update(overrides)
    if "position" not in fields:
        fields["position"] = session.points.count() + 1
    return AgendaPoint.objects.create(**fields)


def make_vote(point, membership, sense=Vote.Sense.FOR) -> Vote:
    return Vote.objects.create(point=point, membership=membership, sense=sense)


def make_agreement(point=None, **overrides) -> Agreement:
    point = point or make_point()
    sequence = point.session.committee.agreements.count() + 1
    fields = {
        "committee": point.session.committee,
        "point": point,
        "sequence": sequence,
        "number": f"COTAPREP/2023/SO02/A{sequence:02d}",
        "text": "Se aprueba el Proceso Técnico Operativo del PREP.",
    }
    return Agreement.objects.create(**{**fields, **overrides})


def make_open_session(committee=None, **overrides) -> Session:
    """
    A session under way (convened, opened with quorum at 11:00 on its date), built
    directly: for tests that record agreements or votes and are not about the lifecycle.
    """
    committee = committee or make_committee()
    fields = {"date": datetime.date(2023, 12, 18), **overrides}
    zone = committee.zone
    fields.setdefault("status", Session.Status.CONVENED)
    fields.setdefault(
        "convened_at",
        datetime.datetime.combine(
            fields["date"] - datetime.timedelta(days=5), datetime.time(10), tzinfo=zone
        ),
    )
    fields.setdefault(
        "opened_at", datetime.datetime.combine(fields["date"], datetime.time(11), tzinfo=zone)
    )
    return make_session(committee, **fields)
