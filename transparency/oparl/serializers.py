"""
Quórum's record as OParl 1.1 objects (https://oparl.org/spezifikation/). Only what the
transparency portal shows: everything comes from ``transparency.public``.

Mapping: Body = institution; Organization = committee; Person = a person who holds or held
a seat (name, honorific and post only); Membership = a seat; Meeting = a public session;
AgendaItem = a point of its agenda; File = a public document (its versión pública when
there is one), an approved acta's archived PDF, a presented informe's PDF.

What OParl lacks is published under the ``quorum:`` prefix (OParl 1.1, section 2.7
"Herstellerspezifische Erweiterungen"), documented in the README:
- AgendaItem ``quorum:votes``: the roll-call vote, one {person, name, sense} per member;
- AgendaItem ``quorum:agreements``: the agreements adopted, {number, text, status, dueDate};
- Meeting ``quorum:kind``, ``quorum:number``, ``quorum:statusReason``, ``quorum:originalDate``;
- File ``quorum:sha256`` (the archive's hash; OParl only knows SHA-1 and SHA-512);
- Membership ``quorum:appointingAct``, ``quorum:party``.
"""

import datetime
import hashlib
import mimetypes
import zoneinfo

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.urls import reverse

from config.site import absolute_url
from reports.archive import informe_filename
from sessions.models import Session

SCHEMA = "https://schema.oparl.org/1.1/"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def url(name: str, *args) -> str:
    return absolute_url(reverse(f"oparl:{name}", args=args))


def web(name: str, *args) -> str:
    return absolute_url(reverse(f"transparency:{name}", args=args))


def stamp(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def _dates(obj) -> dict:
    """created/modified from the history annotations (oparl_created, oparl_modified)."""
    result = {}
    if getattr(obj, "oparl_created", None):
        result["created"] = stamp(obj.oparl_created)
    if getattr(obj, "oparl_modified", None):
        result["modified"] = stamp(obj.oparl_modified)
    return result


def _clean(data: dict) -> dict:
    # OParl: an empty value is left out, never null.
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def system() -> dict:
    return {
        "id": url("system"),
        "type": SCHEMA + "System",
        "oparlVersion": SCHEMA,
        "body": url("body-list"),
        "name": "Quórum — datos abiertos de órganos colegiados",
        "license": LICENSE,
        "website": web("index"),
        "web": web("index"),
    }


def body(institution, *, legislative_terms) -> dict:
    pk = institution.pk
    return _clean(
        {
            "id": url("body", pk),
            "type": SCHEMA + "Body",
            "system": url("system"),
            "name": institution.name,
            "shortName": institution.short_name,
            "license": LICENSE,
            "classification": institution.get_kind_display(),
            "organization": url("body-organizations", pk),
            "person": url("body-people", pk),
            "meeting": url("body-meetings", pk),
            "paper": url("body-papers", pk),
            "agendaItem": url("body-agenda-items", pk),
            "file": url("body-files", pk),
            "membership": url("body-memberships", pk),
            "legislativeTerm": [
                _clean(
                    {
                        "id": url("legislative-term", process.pk),
                        "type": SCHEMA + "LegislativeTerm",
                        "body": url("body", pk),
                        "name": process.name,
                        "startDate": stamp(process.start),
                        "endDate": stamp(process.end),
                    }
                )
                for process in legislative_terms
            ],
            "web": web("institution", pk),
        }
    )


def organization(committee) -> dict:
    return _clean(
        {
            "id": url("organization", committee.pk),
            "type": SCHEMA + "Organization",
            "body": url("body", committee.institution_id),
            "name": committee.name,
            "shortName": committee.short_name,
            "membership": [url("membership", seat.pk) for seat in committee.memberships.all()],
            "meeting": url("organization-meetings", committee.pk),
            "organizationType": "Gremium",
            "classification": committee.get_kind_display(),
            "subOrganizationOf": url("organization", committee.parent_id)
            if committee.parent_id
            else None,
            "startDate": stamp(committee.installed_on or committee.integrated_on),
            "endDate": stamp(committee.closed_on),
            "web": web("committee", committee.slug),
            **_dates(committee),
        }
    )


def person(person) -> dict:
    # Name, honorific and post: never e-mail, phone or anything else personal.
    return _clean(
        {
            "id": url("person", person.pk),
            "type": SCHEMA + "Person",
            "name": person.name,
            "title": [person.honorific] if person.honorific else [],
            "status": [person.job_title] if person.job_title else [],
            # OParl embeds a person's memberships (Person.membership: array of objects).
            "membership": [membership(seat) for seat in person.memberships.all()],
            **_dates(person),
        }
    )


def membership(seat) -> dict:
    from committees.models import Membership

    return _clean(
        {
            "id": url("membership", seat.pk),
            "type": SCHEMA + "Membership",
            "person": url("person", seat.person_id),
            "organization": url("organization", seat.committee_id),
            "role": seat.get_role_display(),
            "votingRight": seat.role in Membership.VOTING_ROLES,
            "startDate": stamp(seat.start),
            "endDate": stamp(seat.end),
            "quorum:appointingAct": seat.appointing_act,
            "quorum:party": seat.party.name if seat.party_id else None,
            **_dates(seat),
        }
    )


def _local(day: datetime.date, time: datetime.time | None, zone: str) -> str | None:
    if time is None:
        return None
    moment = datetime.datetime.combine(day, time, tzinfo=zoneinfo.ZoneInfo(zone))
    return moment.isoformat()


def _file_size(file) -> int | None:
    try:
        return default_storage.size(file.name) if file else None
    except OSError:
        return None


def document_file(document, *, meeting_pk: int, point_pk: int) -> dict:
    name = document.published_name
    access = web("document", document.pk, name)
    return _clean(
        {
            "id": url("file", "documento", document.pk),
            "type": SCHEMA + "File",
            "name": document.title,
            "fileName": name,
            "mimeType": mimetypes.guess_type(name)[0] or "application/octet-stream",
            "date": stamp(document.uploaded_at.date()),
            "size": document.size
            if not document.public_version
            else _file_size(document.public_version),
            "accessUrl": access,
            "downloadUrl": access,
            "meeting": [url("meeting", meeting_pk)],
            "agendaItem": [url("agenda-item", point_pk)],
            "quorum:sha256": document.published_sha256,
            "quorum:publicVersion": bool(document.public_version),
            **_dates(document),
        }
    )


def prime_sha512(actas) -> None:
    """
    Set ``acta.sha512`` (OParl's checksum) on each archived acta, one cache query for all:
    the archive is written once, so its SHA-512 is computed once per SHA-256 and kept.
    """
    actas = [acta for acta in actas if acta.pdf and acta.pdf_sha256]
    keys = {acta.pk: f"oparl:sha512:{acta.pdf_sha256}" for acta in actas}
    known = cache.get_many(list(keys.values())) if keys else {}
    missing = {}
    for acta in actas:
        value = known.get(keys[acta.pk])
        if value is None and default_storage.exists(acta.pdf.name):
            digest = hashlib.sha512()
            with acta.pdf.open("rb") as handle:
                for chunk in handle.chunks():
                    digest.update(chunk)
            value = missing[keys[acta.pk]] = digest.hexdigest()
        acta.sha512 = value
    if missing:
        cache.set_many(missing, None)


def acta_file(acta, session) -> dict:
    access = web("acta-pdf", acta.pk)
    data = {
        "id": url("file", "acta", acta.pk),
        "type": SCHEMA + "File",
        "name": f"Acta de la {session.reference} del {session.committee.short_name}",
        "fileName": f"acta-{session.committee.slug}-{session.date:%Y-%m-%d}.pdf",
        "mimeType": "application/pdf",
        "date": stamp(acta.approved_on),
        "accessUrl": access,
        "downloadUrl": access,
        "meeting": [url("meeting", session.pk)],
        "quorum:sha256": acta.pdf_sha256,
        "created": stamp(acta.created_at),
        "modified": stamp(acta.updated_at),
    }
    if acta.pdf and default_storage.exists(acta.pdf.name):
        data["size"] = _file_size(acta.pdf)
        data["sha512Checksum"] = getattr(acta, "sha512", None)
    return _clean(data)


def informe_file(informe) -> dict:
    access = web("informe-pdf", informe.pk)
    label = "final" if informe.kind == "final" else str(informe.number or "")
    return _clean(
        {
            "id": url("file", "informe", informe.pk),
            "type": SCHEMA + "File",
            "name": f"{informe.get_kind_display()} {label}".strip(),
            "fileName": informe_filename(informe),
            "mimeType": "application/pdf",
            "date": stamp(informe.presented_on),
            "size": _file_size(informe.pdf),
            "accessUrl": access,
            "downloadUrl": access,
            "agendaItem": [url("agenda-item", informe.presented_at_point_id)]
            if informe.presented_at_point_id
            else [],
            "quorum:sha256": informe.pdf_sha256,
            **_dates(informe),
        }
    )


def agenda_item(point, session) -> dict:
    votes = list(point.votes.all())
    agreements = list(point.agreements.all())
    return _clean(
        {
            "id": url("agenda-item", point.pk),
            "type": SCHEMA + "AgendaItem",
            "meeting": url("meeting", session.pk),
            "number": str(point.position),
            "order": point.position,
            "name": point.title,
            "public": True,
            "result": point.outcome,
            "resolutionText": "\n".join(f"{a.number}: {a.text}" for a in agreements),
            "auxiliaryFile": [
                document_file(document, meeting_pk=session.pk, point_pk=point.pk)
                for document in point.public_documents
            ]
            + [informe_file(informe) for informe in point.presented_informes.all() if informe.pdf],
            "web": web("session", session.pk) + f"#punto-{point.position}",
            "quorum:votes": [
                {
                    "person": url("person", vote.membership.person_id),
                    "name": vote.membership.person.name,
                    "sense": vote.get_sense_display(),
                }
                for vote in votes
            ],
            "quorum:agreements": [
                _clean(
                    {
                        "number": agreement.number,
                        "text": agreement.text,
                        "status": agreement.get_status_display(),
                        "dueDate": stamp(agreement.due_date),
                    }
                )
                for agreement in agreements
            ],
            **_dates(point),
        }
    )


def meeting(session) -> dict:
    zone = session.committee.institution.time_zone or settings.TIME_ZONE
    acta = getattr(session, "public_acta", None)
    points = list(session.points.all())
    location = None
    if session.place:
        location = {
            "id": url("meeting", session.pk) + "#lugar",
            "type": SCHEMA + "Location",
            "description": session.place,
        }
    return _clean(
        {
            "id": url("meeting", session.pk),
            "type": SCHEMA + "Meeting",
            "name": f"{session.title} del {session.committee.name}",
            "meetingState": session.get_status_display(),
            "cancelled": session.status == Session.Status.CANCELLED,
            "start": _local(session.date, session.start_time, zone),
            "end": _local(session.date, session.end_time, zone),
            "location": location,
            "organization": [url("organization", session.committee_id)],
            "participant": sorted(
                {url("person", vote.membership.person_id) for p in points for vote in p.votes.all()}
            ),
            "resultsProtocol": acta_file(acta, session) if acta and acta.pdf else None,
            "agendaItem": [agenda_item(point, session) for point in points],
            "web": web("session", session.pk),
            "quorum:kind": session.get_kind_display(),
            "quorum:number": session.number,
            "quorum:date": stamp(session.date),
            "quorum:statusReason": session.status_reason,
            "quorum:originalDate": stamp(session.rescheduled_from),
            **_dates(session),
        }
    )
