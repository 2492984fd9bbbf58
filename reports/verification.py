"""
The address where anyone verifies a printed or downloaded document, and its QR code.
"""

import dataclasses
import datetime
import hashlib
import io

import segno
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from config.site import absolute_url

from .signing import certificate_facts


def verify_url(*, folio: str = "", sha256: str = "") -> str:
    """The public verification page for a document, by its folio (or else its hash)."""
    query = {"folio": folio} if folio else {"sha256": sha256}
    return absolute_url(f"{reverse('verification:verify')}?{urlencode(query)}")


def qr_svg(text: str) -> str:
    """A QR code of ``text`` as inline SVG markup (no XML declaration), drawn by segno."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(
        buffer, kind="svg", xmldecl=False, svgns=True, scale=4, border=2
    )
    return buffer.getvalue().decode()


# --- Checking a file -----------------------------------------------------------------------


@dataclasses.dataclass
class SignatureCheck:
    """One embedded signature, as the verification page shows it."""

    field: str
    name: str
    rfc: str
    curp: str
    signed_at: datetime.datetime | None
    intact: bool  # the bytes it covers are unchanged
    valid: bool  # the cryptographic signature is sound
    trusted: bool  # the certificate chains to a configured trust root
    covers_whole_file: bool

    @property
    def verdict(self) -> str:
        if not (self.intact and self.valid):
            return _("Inválida: el documento cambió después de firmarse")
        if not self.trusted:
            return _("Íntegra, certificado no verificada (autoridad no configurada)")
        return _("Válida")


@dataclasses.dataclass
class FileCheck:
    """What the archive says about some bytes, and the signatures they carry."""

    sha256: str
    document: object | None  # the Acta or Informe whose archive (or signed revision) this is
    revision: str  # "original" or "firma N"
    signatures: list[SignatureCheck]
    readable: bool = True

    @property
    def matches(self) -> bool:
        return self.document is not None


def trust_roots() -> list:
    """The active trust roots from the admin, as asn1crypto certificates."""
    from .models import TrustRoot

    return [
        asn1_x509.Certificate.load(bytes(root.certificate))
        for root in TrustRoot.objects.filter(active=True)
    ]


def _signature_checks(content: bytes) -> tuple[list[SignatureCheck], bool]:
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # noqa: BLE001 - any unreadable upload is "not a PDF we can read"
        return [], False
    roots = trust_roots()
    checks = []
    for signature in embedded:
        context = ValidationContext(
            trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
        )
        try:
            status = validate_pdf_signature(signature, context)
            intact, valid, trusted = status.intact, status.valid, status.trusted
            signed_at = status.signer_reported_dt
            whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        except Exception:  # noqa: BLE001 - a broken signature is shown as invalid
            intact = valid = trusted = whole = False
            signed_at = None
        certificate = x509.load_der_x509_certificate(signature.signer_cert.dump())
        facts = certificate_facts(certificate)
        checks.append(
            SignatureCheck(
                field=signature.field_name,
                name=facts["name"],
                rfc=facts["rfc"],
                curp=facts["curp"],
                signed_at=signed_at,
                intact=intact,
                valid=valid,
                trusted=trusted and intact and valid,
                covers_whole_file=whole,
            )
        )
    return checks, True


def check_file(content: bytes) -> FileCheck:
    """Whether ``content`` is an archived document (or one of its signed revisions)."""
    from .models import Acta, DocumentSignature, Informe

    digest = hashlib.sha256(content).hexdigest()
    document, revision = None, ""
    acta = Acta.objects.filter(pdf_sha256=digest).select_related("session__committee").first()
    informe = Informe.objects.filter(pdf_sha256=digest).select_related("committee").first()
    if acta or informe:
        document, revision = acta or informe, _("original archivado")
    else:
        signed = (
            DocumentSignature.objects.filter(pdf_sha256=digest)
            .select_related("acta__session__committee", "informe__committee")
            .first()
        )
        if signed:
            document = signed.acta or signed.informe
            revision = _("revisión con %(n)s firma(s)") % {"n": signed.sequence}
    signatures, readable = _signature_checks(content)
    return FileCheck(
        sha256=digest,
        document=document,
        revision=revision,
        signatures=signatures,
        readable=readable,
    )
