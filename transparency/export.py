"""
The quarterly transparency format: the sessions and actas of an institution's collegiate
bodies in the columns of the national platform's format (data/formato_actas.json), as XLSX
(openpyxl) and CSV. Every link points at the public portal, from SITE_URL.
"""

import csv
import datetime
import io
import json
from pathlib import Path

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from agendas.models import AgendaPoint
from config.site import absolute_url
from sessions.models import Session

from . import public
from .models import PeriodNotice
from .periods import Quarter

FORMAT_FILE = Path(__file__).parent / "data" / "formato_actas.json"
ACTA_KINDS = {
    Session.Kind.ORDINARY: "Ordinaria",
    Session.Kind.EXTRAORDINARY: "Extraordinaria",
    Session.Kind.WORKING_GROUP: "Ordinaria",
}


def load_format() -> dict:
    return json.loads(FORMAT_FILE.read_text(encoding="utf-8"))


def _agenda(session) -> str:
    return "; ".join(f"{point.position}. {point.title}" for point in session.points.all())


def _facts(institution, quarter: Quarter, today: datetime.date) -> list[dict]:
    """One dict of values per held public session with acta; one per committee without any."""
    committees = list(public.committees().filter(institution=institution).order_by("name"))
    sessions = list(
        public.sessions()
        .filter(
            committee__in=committees,
            kind__in=Session.KINDS_WITH_ACTA,
            status=Session.Status.HELD,
            date__range=(quarter.start, quarter.end),
        )
        .select_related("committee")
        .prefetch_related(Prefetch("points", queryset=AgendaPoint.objects.order_by("position")))
        .order_by("committee__name", "date", "pk")
    )
    actas = public.actas_by_session(session.pk for session in sessions)
    notices = {
        notice.committee_id: notice.text
        for notice in PeriodNotice.objects.filter(
            committee__in=committees, year=quarter.year, quarter=quarter.number
        )
    }
    common = {"year": quarter.year, "period_start": quarter.start, "period_end": quarter.end}
    common |= {"validated_on": today, "updated_on": today}
    facts = []
    with_sessions = {session.committee_id for session in sessions}
    for session in sessions:
        acta = actas.get(session.pk)
        note = ""
        if session.kind == Session.Kind.WORKING_GROUP:
            note = "Reunión de grupo de trabajo. "
        if acta and acta.pdf:
            url = absolute_url(reverse("transparency:acta-pdf", args=[acta.pk]))
            number = f"{session.committee.short_name}/{session.date:%Y}/{session.number}"
        else:
            url = absolute_url(reverse("transparency:session", args=[session.pk]))
            number = ""
            note += "El acta se encuentra pendiente de aprobación; se publicará una vez aprobada."
        facts.append(
            common
            | {
                "committee": session.committee.name,
                "session_date": session.date,
                "acta_kind": ACTA_KINDS[session.kind],
                "session_number": session.number,
                "acta_number": number,
                "agenda": _agenda(session),
                "acta_url": url,
                "responsible_area": f"Secretaría Técnica del {session.committee.short_name}",
                "note": note.strip(),
            }
        )
    for committee in committees:
        active = (committee.installed_on or committee.integrated_on or quarter.start) <= quarter.end
        active = active and (committee.closed_on is None or committee.closed_on >= quarter.start)
        if committee.pk in with_sessions or not active:
            continue
        facts.append(
            common
            | {
                "committee": committee.name,
                "session_date": None,
                "acta_kind": "",
                "session_number": None,
                "acta_number": "",
                "agenda": "",
                "acta_url": absolute_url(reverse("transparency:committee", args=[committee.slug])),
                "responsible_area": f"Secretaría Técnica del {committee.short_name}",
                "note": notices.get(committee.pk)
                or f"Durante el periodo {quarter.label} el {committee.name} no celebró sesiones.",
            }
        )
    return facts


def rows(institution, quarter: Quarter, *, today=None) -> tuple[list[str], list[list]]:
    """(headers, rows) of the format for ``institution`` in ``quarter``."""
    spec = load_format()
    today = today or timezone.localdate()
    facts = _facts(institution, quarter, today)
    headers = [column["header"] for column in spec["columns"]]
    return headers, [[fact[column["value"]] for column in spec["columns"]] for fact in facts]


def safe_cell(value):
    """
    User text never becomes a formula: a spreadsheet (and openpyxl) would evaluate a cell
    that starts with =, +, - or @; it gets a leading apostrophe instead.
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _text(value) -> str:
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(safe_cell(value))


def to_csv(headers, data) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in data:
        writer.writerow([_text(value) for value in row])
    return "\ufeff" + buffer.getvalue()


def to_xlsx(headers, data, *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Reporte de Formatos"
    sheet.append([title])
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in data:
        sheet.append([safe_cell(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
