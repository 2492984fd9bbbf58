"""
The archive: an approved acta and a presented informe are rendered once as PDF/A-3b,
stored, and never rendered again. Their SHA-256 is kept beside the file so anyone can check
that a copy is the one the committee approved (``manage.py verify_documents``).
"""

import dataclasses
import hashlib
import io
import json

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from . import documents
from .coalesce import one_at_a_time
from .models import Acta, DocumentSignature, Informe
from .pdf import render_pdf, store_file

PDF_VARIANT = "pdf/a-3b"
# The file embedded in an archived acta: its frozen content, readable without the app.
ACTA_ATTACHMENT = "acta.json"
ACTA_SCHEMA = "quorum.acta/1"


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def acta_attachment(acta: Acta) -> bytes:
    """The acta's frozen content as JSON, with what identifies it."""
    payload = {
        "schema": ACTA_SCHEMA,
        "acta": acta.pk,
        "session": acta.session_id,
        "status": acta.status,
        "approved_on": acta.approved_on,
        "content": acta.snapshot,
    }
    return json.dumps(
        payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, sort_keys=True
    ).encode()


def archive_acta(acta: Acta) -> Acta:
    """
    Render the approved acta as PDF/A-3b from its frozen content, with that content
    attached as JSON, and store it with its hash. Once stored, it is never rendered again.
    """
    # Workers that take the same acta at once: one archives it, the others leave it be.
    with one_at_a_time(f"archive:acta:{acta.pk}", wait=False) as mine:
        acta = Acta.objects.select_related("session__committee__institution").get(pk=acta.pk)
        if not acta.is_frozen:
            raise ValidationError(_("Solo se archiva un acta aprobada."))
        if acta.pdf or not mine:
            return acta
        content = render_pdf(
            "reports/pdf/acta.html",
            documents.acta_context(acta),
            pdf_variant=PDF_VARIANT,
            attachments=[(ACTA_ATTACHMENT, acta_attachment(acta))],
        )
        return _store(acta, content, f"actas/{documents.filename('acta', acta.session)}")


def archive_informe(informe: Informe) -> Informe:
    """Render the presented informe as PDF/A-3b and store it with its hash, once."""
    # Imported here: the informes module composes the compliance checks, which read actas.
    from .informes import informe_context

    with one_at_a_time(f"archive:informe:{informe.pk}", wait=False) as mine:
        informe = Informe.objects.select_related("committee__institution").get(pk=informe.pk)
        if informe.status == Informe.Status.DRAFT:
            raise ValidationError(_("Solo se archiva un informe presentado."))
        if informe.pdf or not mine:
            return informe
        content = render_pdf(
            "reports/pdf/informe.html", informe_context(informe), pdf_variant=PDF_VARIANT
        )
        return _store(informe, content, f"informes/{informe_filename(informe)}")


def informe_filename(informe: Informe) -> str:
    """ "informe-2-cotaprep-2024-02-29.pdf", "informe-final-cotaprep-2024-06-30.pdf"."""
    label = "final" if informe.kind == Informe.Kind.FINAL else str(informe.number)
    return f"informe-{label}-{informe.committee.slug}-{informe.period_end:%Y-%m-%d}.pdf"


def _store(document: Acta | Informe, content: bytes, name: str):
    """
    Store the file, then record it; a row already archived by a concurrent worker wins and
    this copy is removed, so each document has exactly one archived file.
    """
    name = store_file(name, content)
    try:
        with transaction.atomic():
            model = type(document)
            locked = model.objects.select_for_update().get(pk=document.pk)
            if locked.pdf:
                default_storage.delete(name)
                return locked
            # update(): the archive fields are not part of an approved acta's frozen content.
            model.objects.filter(pk=document.pk).update(pdf=name, pdf_sha256=sha256_of(content))
    except BaseException:
        default_storage.delete(name)
        raise
    document.refresh_from_db(fields=["pdf", "pdf_sha256"])
    return document


def schedule_acta_archive(acta: Acta) -> None:
    """Archive the acta in the background once the approval is committed."""
    from .tasks import archive_acta_task

    transaction.on_commit(lambda: archive_acta_task.enqueue(acta.pk))


def schedule_informe_archive(informe: Informe) -> None:
    """Archive the informe in the background once its presentation is committed."""
    from .tasks import archive_informe_task

    transaction.on_commit(lambda: archive_informe_task.enqueue(informe.pk))


@dataclasses.dataclass
class Verification:
    """One approved document checked against what was recorded when it was archived."""

    document: str
    name: str
    recorded: str
    actual: str | None  # None: the file is missing (or was never archived)
    # What else is wrong, in Spanish: no archive at all, a stored snapshot that differs from
    # the content embedded in the archived acta, a snapshot that cannot be read.
    problems: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.actual == self.recorded and not self.problems


def _sha256_of_stored(name: str) -> str | None:
    if not name or not default_storage.exists(name):
        return None
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def embedded_acta_json(name: str) -> dict | None:
    """The acta.json embedded in an archived acta's PDF, or None if it has none or is unreadable."""
    try:
        with default_storage.open(name, "rb") as file:
            reader = PdfReader(io.BytesIO(file.read()))
        data = reader.attachments.get(ACTA_ATTACHMENT)
        if not data:
            return None
        return json.loads(data[0])
    except (OSError, ValueError, PdfReadError):
        return None


def _acta_problems(acta: Acta, actual: str | None) -> list[str]:
    from .services import snapshot_problems

    problems = list(snapshot_problems(acta.snapshot))
    if not acta.pdf:
        problems.append(_("El acta está aprobada y no tiene su PDF/A archivado."))
    elif actual is not None:
        embedded = embedded_acta_json(acta.pdf.name)
        stored = json.loads(acta_attachment(acta))
        if embedded is None:
            problems.append(
                _("El PDF archivado no contiene el acta.json de su contenido aprobado.")
            )
        elif embedded.get("content") != stored["content"]:
            problems.append(
                _(
                    "El contenido aprobado guardado en la base de datos ya no es el que se "
                    "archivó en el PDF (acta.json)."
                )
            )
    return problems


def verify_archive():
    """
    Check every approved acta and presented informe: its archived file exists and hashes
    to the recorded SHA-256; an acta's stored content equals the acta.json embedded in its
    archive; every signed revision hashes to its own recorded SHA-256. Yields one
    Verification per document (archived or not) and per signed revision.
    """
    actas = (
        Acta.objects.exclude(status=Acta.Status.DRAFT)
        .select_related("session__committee")
        .order_by("pk")
    )
    for acta in actas.iterator(chunk_size=200):
        actual = _sha256_of_stored(acta.pdf.name) if acta.pdf else None
        yield Verification(
            document=f"{_('Acta')} {acta.pk}: {acta}",
            name=acta.pdf.name or _("(sin archivo)"),
            recorded=acta.pdf_sha256,
            actual=actual,
            problems=_acta_problems(acta, actual),
        )
    informes = (
        Informe.objects.exclude(status=Informe.Status.DRAFT)
        .select_related("committee")
        .order_by("pk")
    )
    for informe in informes.iterator(chunk_size=200):
        actual = _sha256_of_stored(informe.pdf.name) if informe.pdf else None
        problems = (
            [] if informe.pdf else [_("El informe está presentado y no tiene su PDF/A archivado.")]
        )
        yield Verification(
            document=f"{_('Informe')} {informe.pk}: {informe}",
            name=informe.pdf.name or _("(sin archivo)"),
            recorded=informe.pdf_sha256,
            actual=actual,
            problems=problems,
        )
    # Each signed revision is a file of its own with its own hash: a changed one is reported.
    signatures = DocumentSignature.objects.select_related("acta", "informe").order_by("pk")
    for signature in signatures.iterator(chunk_size=200):
        document = signature.acta or signature.informe
        yield Verification(
            document=_("%(document)s, revisión firmada %(n)s (%(signer)s)")
            % {"document": document, "n": signature.sequence, "signer": signature.signer_name},
            name=signature.pdf.name,
            recorded=signature.pdf_sha256,
            actual=_sha256_of_stored(signature.pdf.name),
        )
