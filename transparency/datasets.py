"""
The per-committee open data (CSV and JSON): sessions, agenda points, agreements and votes
by name, from the public querysets only. Each dataset is a list of columns and a function
that yields one dict per row, in a fixed number of queries.
"""

import csv
import io
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.urls import reverse

from config.site import absolute_url

from . import public
from .export import safe_cell

DATASETS = {
    "sesiones": "Sesiones",
    "puntos": "Puntos del orden del día",
    "acuerdos": "Acuerdos",
    "votaciones": "Votaciones nominales",
}


def _session_rows(committee):
    sessions = list(
        public.sessions()
        .filter(committee=committee)
        .select_related("committee")
        .order_by("date", "pk")
    )
    actas = public.actas_by_session(s.pk for s in sessions)
    for session in sessions:
        acta = actas.get(session.pk)
        yield {
            "id": session.pk,
            "sesion": session.title,
            "tipo": session.get_kind_display(),
            "numero": session.number,
            "fecha": session.date,
            "hora_inicio": session.start_time,
            "hora_termino": session.end_time,
            "lugar": session.place,
            "estado": session.get_status_display(),
            "motivo_del_estado": session.status_reason,
            "fecha_original": session.rescheduled_from,
            "acta_aprobada_el": acta.approved_on if acta else None,
            "acta_pdf": absolute_url(reverse("transparency:acta-pdf", args=[acta.pk]))
            if acta and acta.pdf
            else "",
            "acta_sha256": acta.pdf_sha256 if acta else "",
            "url": absolute_url(reverse("transparency:session", args=[session.pk])),
        }


def _point_rows(committee):
    points = (
        public.points()
        .filter(session__committee=committee)
        .select_related("session")
        .prefetch_related("votes")
        .order_by("session__date", "session_id", "position")
    )
    for point in points:
        yield {
            "id": point.pk,
            "sesion_id": point.session_id,
            "fecha_sesion": point.session.date,
            "numero": point.position,
            "titulo": point.title,
            "tipo": point.get_kind_display(),
            "presenta": point.presenter,
            "resultado": point.outcome,
        }


def _agreement_rows(committee):
    agreements = (
        public.agreements()
        .filter(point__session__committee=committee)
        .select_related("point__session")
        .order_by("sequence")
    )
    for agreement in agreements:
        yield {
            "id": agreement.pk,
            "numero": agreement.number,
            "sesion_id": agreement.point.session_id,
            "fecha_sesion": agreement.point.session.date,
            "punto": agreement.point.position,
            "texto": agreement.text,
            "fecha_compromiso": agreement.due_date,
            "estado": agreement.get_status_display(),
        }


def _vote_rows(committee):
    votes = (
        public.votes()
        .filter(point__session__committee=committee)
        .select_related("point__session")
        .prefetch_related(Prefetch("membership__person", queryset=public.people()))
        .order_by("point__session__date", "point__session_id", "point__position", "pk")
    )
    for vote in votes:
        yield {
            "sesion_id": vote.point.session_id,
            "fecha_sesion": vote.point.session.date,
            "punto": vote.point.position,
            "integrante": vote.membership.person.name,
            "sentido": vote.get_sense_display(),
        }


ROWS = {
    "sesiones": _session_rows,
    "puntos": _point_rows,
    "acuerdos": _agreement_rows,
    "votaciones": _vote_rows,
}


def rows(dataset: str, committee) -> list[dict]:
    return list(ROWS[dataset](committee))


def to_csv(data: list[dict]) -> str:
    buffer = io.StringIO()
    if data:
        writer = csv.DictWriter(buffer, fieldnames=list(data[0]))
        writer.writeheader()
        writer.writerows({key: safe_cell(value) for key, value in row.items()} for row in data)
    # A BOM so that spreadsheet programs read the accents right.
    return "\ufeff" + buffer.getvalue()


def to_json(data: list[dict]) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
