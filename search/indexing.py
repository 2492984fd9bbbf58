"""
What each thing of the record says to the search box. ``index(instance)`` writes (or
refreshes) the entry of a session, point, agreement, acta or document; a document's text
is read from its PDF once, in the background (``tasks.extract_document_text``).
"""

import logging

from django.db import transaction
from django.urls import reverse

from agendas.models import AgendaPoint, Agreement, Document
from reports.models import Acta
from sessions.models import Session

from .models import SearchEntry

logger = logging.getLogger(__name__)

# Enough for every page of a long annex; the rest of a huge file is not searched.
MAX_DOCUMENT_TEXT = 500_000


def _session_url(session: Session) -> str:
    return reverse("sessions:detail", args=[session.pk])


def _fields(instance) -> tuple[str, dict] | None:
    """The entry's kind and fields for ``instance``, or None when it is not searchable."""
    if isinstance(instance, Session):
        body = "\n".join(filter(None, [instance.notes, instance.place]))
        return SearchEntry.Kind.SESSION, {
            "session": instance,
            "title": instance.title,
            "body": body,
            "url": _session_url(instance),
        }
    if isinstance(instance, AgendaPoint):
        session = instance.session
        return SearchEntry.Kind.POINT, {
            "session": session,
            "title": f"{instance.position}. {instance.title}",
            "body": "\n".join(filter(None, [instance.description, instance.minutes])),
            "url": f"{_session_url(session)}#punto-{instance.pk}",
        }
    if isinstance(instance, Agreement):
        session = instance.point.session
        status = instance.get_status_display()
        if instance.status in Agreement.OPEN_STATUSES:
            # "acuerdos pendientes" finds the agreements still to be fulfilled.
            status = f"{status} (pendiente de cumplimiento)"
        return SearchEntry.Kind.AGREEMENT, {
            "session": session,
            "title": f"Acuerdo {instance.number}",
            "body": f"{instance.text}\nEstado: {status}",
            "url": reverse("agendas:agreement", args=[instance.pk]),
        }
    if isinstance(instance, Acta):
        session = instance.session
        return SearchEntry.Kind.ACTA, {
            "session": session,
            "title": f"Acta de la {session.reference}",
            "body": instance.body,
            "url": reverse("reports:acta", args=[instance.pk]),
        }
    if isinstance(instance, Document):
        session = instance.point.session
        return SearchEntry.Kind.DOCUMENT, {
            "session": session,
            "title": instance.title,
            "url": reverse("agendas:document-download", args=[instance.pk, instance.download_name]),
        }
    return None


def index(instance) -> SearchEntry | None:
    fields = _fields(instance)
    if fields is None:
        return None
    kind, values = fields
    session = values["session"]
    values["committee_id"] = session.committee_id
    values["title"] = values["title"][:500]
    entry, _created = SearchEntry.objects.update_or_create(
        kind=kind, object_id=instance.pk, defaults=values
    )
    if kind == SearchEntry.Kind.DOCUMENT and entry.source_sha256 != instance.sha256:
        from .tasks import extract_document_text

        transaction.on_commit(lambda: extract_document_text.enqueue(instance.pk), robust=True)
    return entry


def forget(instance) -> None:
    fields = _fields(instance)
    if fields is not None:
        SearchEntry.objects.filter(kind=fields[0], object_id=instance.pk).delete()


def pdf_text(file) -> str:
    """The text of a PDF, page after page; empty when it has none (a scan) or is unreadable."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(file)
        parts = []
        size = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size > MAX_DOCUMENT_TEXT:
                break
    except (PdfReadError, ValueError, OSError) as error:
        logger.warning("Could not read the text of a PDF: %s", error)
        return ""
    return "\n".join(parts)[:MAX_DOCUMENT_TEXT].replace("\x00", "")


def extract_text_once(document_pk: int) -> bool:
    """Store the text of the document's file unless that file's text is there already."""
    document = Document.objects.select_related("point__session").filter(pk=document_pk).first()
    if document is None:
        return False
    entry = SearchEntry.objects.filter(
        kind=SearchEntry.Kind.DOCUMENT, object_id=document.pk
    ).first()
    if entry is None:
        entry = index(document)
    if entry.source_sha256 == document.sha256:
        return False
    text = ""
    if document.file.name.lower().endswith(".pdf"):
        with document.file.open("rb") as file:
            text = pdf_text(file)
    SearchEntry.objects.filter(pk=entry.pk).update(body=text, source_sha256=document.sha256)
    return True


def rebuild() -> int:
    """Index every session, point, agreement, acta and document (the command's job)."""
    count = 0
    for model, related in (
        (Session, ["committee"]),
        (AgendaPoint, ["session__committee"]),
        (Agreement, ["point__session__committee"]),
        (Acta, ["session__committee"]),
        (Document, ["point__session__committee"]),
    ):
        for instance in model.objects.select_related(*related).iterator(chunk_size=500):
            index(instance)
            count += 1
    return count
