"""
A second demo committee that lives in the present: the same work plan as the 2023–2024
season, shifted by whole weeks (so a Thursday session stays a Thursday) until the
installation falls about four months before the day it is loaded. Sessions before that day
can be held by the simulation; the rest stay upcoming, and the next one is convened.
"""

import copy
import datetime
import re
import unicodedata

from django.db import transaction

from agendas.models import AgendaPoint
from agendas.services import adopt_agreement
from committees.models import Committee, Membership, Person
from committees.spanish import MONTHS, add_months, month_name
from demo.loader import DemoSummary, load_demo, read_demo_data
from sessions.models import Session
from sessions.services import convene_session

CURRENT_SLUG = "cotaprep-demo-fechas-actuales"
# How far into the shifted season "today" falls: past sessions to show a record, future
# ones to show a calendar that is still ahead.
INSTALLED_DAYS_AGO = 120
EMAIL_DOMAIN = "example.org"


def demo_email(name: str) -> str:
    """A reserved-domain address (never delivered) built from the person's name."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z]+", plain)
    return f"{'.'.join(words[:3])}@{EMAIL_DOMAIN}"


def shift_days(data: dict, today: datetime.date) -> int:
    installed = datetime.date.fromisoformat(data["committee"]["installed_on"])
    wanted = today - datetime.timedelta(days=INSTALLED_DAYS_AGO)
    return round((wanted - installed).days / 7) * 7


def _shift(value: str | None, days: int) -> str | None:
    if not value:
        return value
    return (datetime.date.fromisoformat(value) + datetime.timedelta(days=days)).isoformat()


_MONTH_WORD = "|".join(MONTHS)


def _rename_months(title: str, standard: str, session_date: datetime.date) -> str:
    """Point titles that name months follow the shifted dates."""
    this_month = session_date.replace(day=1)
    if standard == "monthly_progress":
        previous = month_name(add_months(this_month, -1).month)
        return re.sub(rf"mes de ({_MONTH_WORD})", f"mes de {previous}", title)
    if standard == "bimonthly_informe":
        first = month_name(add_months(this_month, -2).month)
        second = month_name(add_months(this_month, -1).month)
        return re.sub(
            rf"meses de ({_MONTH_WORD}) y ({_MONTH_WORD})", f"meses de {first} y {second}", title
        )
    return title


def current_data(today: datetime.date, data: dict | None = None) -> dict:
    """The work plan with every date moved to the months around ``today``."""
    data = copy.deepcopy(data or read_demo_data())
    days = shift_days(data, today)
    start_year = (
        datetime.date.fromisoformat(data["committee"]["installed_on"]) + datetime.timedelta(days)
    ).year
    process = data["process"]
    process["name"] = (
        f"Proceso Electoral Local de demostración {start_year}-{start_year + 1} (fechas actuales)"
    )
    process["election_day"] = _shift(process["election_day"], days)
    committee = data["committee"]
    committee["slug"] = CURRENT_SLUG
    # Its own oficio numbers: the 2023-2024 COTAPREP of the same institute keeps its series.
    committee["folio_pattern"] = f"IEPC/COTAPREP-{start_year}/{{SEQ}}/{{YEAR}}"
    for key in ("integrated_on", "installed_on", "closed_on"):
        committee[key] = _shift(committee.get(key), days)
    term = data["membership_term"]
    term["start"] = _shift(term["start"], days)
    term["end"] = _shift(term["end"], days)
    for session in data["sessions"]:
        session["date"] = _shift(session["date"], days)
        session["notes"] = "Calendario de demostración con fechas desplazadas al presente."
        day = datetime.date.fromisoformat(session["date"])
        for point in session["points"]:
            point["title"] = _rename_months(point["title"], point["standard"], day)
    return data


@transaction.atomic
def load_current_demo(today: datetime.date) -> DemoSummary | None:
    """
    Create the current demo committee once (reloading on a later day leaves the one already
    there: its record is history). Returns None when it already existed.
    """
    if Committee.objects.filter(slug=CURRENT_SLUG).exists():
        return None
    data = current_data(today)
    summary = load_demo(data)
    give_demo_people_emails(data)
    return summary


def give_demo_people_emails(data: dict) -> None:
    for person in Person.objects.filter(name__in=[p["name"] for p in data["people"]]):
        if not person.email:
            person.email = demo_email(person.name)
            person.save(update_fields=["email"])


def convene_next_session(committee: Committee, today: datetime.date) -> Session | None:
    """Convene the first upcoming session (without mail: nobody is waiting for it)."""
    upcoming = (
        committee.sessions.filter(status=Session.Status.PLANNED, date__gte=today)
        .order_by("date")
        .first()
    )
    if upcoming is not None:
        convene_session(upcoming, notify=False)
    return upcoming


# Agreements a secretariat would adopt under general matters, due in the days after today.
OPEN_AGREEMENTS = (
    (
        3,
        "Se instruye a la Secretaría Técnica remitir a las y los integrantes el calendario "
        "de simulacros del PREP.",
    ),
    (
        10,
        "Se solicita a la instancia interna presentar el avance de la instalación de los "
        "CATD y el CCV en la siguiente sesión ordinaria.",
    ),
)


def adopt_open_agreements(committee: Committee, today: datetime.date) -> int:
    """Open agreements due soon, adopted at the last session held (once)."""
    point = (
        AgendaPoint.objects.filter(
            session__committee=committee,
            session__status=Session.Status.HELD,
            kind=AgendaPoint.Kind.GENERAL_MATTERS,
        )
        .order_by("-session__date")
        .first()
    )
    if point is None or point.agreements.exists():
        return 0
    secretary = committee.memberships.filter(role=Membership.Role.TECHNICAL_SECRETARY).first()
    for days, text in OPEN_AGREEMENTS:
        adopt_agreement(
            point,
            text=text,
            responsible=secretary.person if secretary else None,
            due_date=today + datetime.timedelta(days=days),
        )
    return len(OPEN_AGREEMENTS)
