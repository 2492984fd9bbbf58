"""
Electronic signatures (e.firma) of archived documents, with pyHanko: PAdES baseline B-B,
each signature an incremental update over the previous revision, with an invisible
signature field (no appearance stream, so no font to embed and the file stays PDF/A-3b).

The key and its password live only in this module's local variables for one request: they
are never stored, logged or written to a temporary file. What is kept is the signed
revision (a new append-only ``DocumentSignature`` row and file; the archived original is
never rewritten) and the certificate's public facts.
"""

import dataclasses
import datetime
import hashlib
import io
import unicodedata

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID, ObjectIdentifier
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from committees.models import Membership, Person

from .models import Acta, DocumentSignature, Informe
from .pdf import store_file

# The SAT's certificates write x500UniqueIdentifier (2.5.4.45) as a PrintableString, where
# X.520 has a BIT STRING; asn1crypto (under pyHanko) then fails to read the subject of
# every e.firma. Read it as the text it is in practice.
asn1_x509.NameTypeAndValue._oid_specs["unique_identifier"] = asn1_x509.DirectoryString

# The SAT writes the RFC in x500UniqueIdentifier and the CURP in serialNumber, each
# possibly followed by " / " and the legal representative's.
OID_UNIQUE_IDENTIFIER = ObjectIdentifier("2.5.4.45")


@dataclasses.dataclass
class Credentials:
    """A signer's certificate and key, in memory only."""

    certificate: x509.Certificate
    private_key: object
    chain: list[x509.Certificate]


def normalized_name(name: str) -> str:
    """Upper case, no accents, single spaces: how the SAT writes names in a certificate."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.upper().split())


def _attribute(name: x509.Name, oid) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def certificate_facts(certificate: x509.Certificate) -> dict:
    """Name, RFC and CURP of a certificate's subject, and its serial and issuer."""
    subject = certificate.subject
    rfc = _attribute(subject, OID_UNIQUE_IDENTIFIER).split("/")[0].strip()
    curp = _attribute(subject, NameOID.SERIAL_NUMBER).split("/")[0].strip()
    return {
        "name": _attribute(subject, NameOID.COMMON_NAME),
        "rfc": rfc[:13],
        "curp": curp[:18],
        "serial": format(certificate.serial_number, "X"),
        "issuer": certificate.issuer.rfc4514_string()[:500],
    }


def load_sat_credentials(cer: bytes, key: bytes, password: str) -> Credentials:
    """The SAT's .cer (X.509 DER) and .key (PKCS#8 DER, encrypted with ``password``)."""
    try:
        certificate = x509.load_der_x509_certificate(cer)
    except ValueError:
        try:
            certificate = x509.load_pem_x509_certificate(cer)
        except ValueError:
            raise ValidationError(_("El archivo .cer no es un certificado X.509 válido.")) from None
    try:
        private_key = serialization.load_der_private_key(key, password.encode() or None)
    except (ValueError, TypeError):
        raise ValidationError(
            _(
                "No se pudo abrir la llave privada (.key): la contraseña es incorrecta o el "
                "archivo no es una llave PKCS#8."
            )
        ) from None
    return _checked(Credentials(certificate, private_key, []))


def load_pkcs12_credentials(data: bytes, password: str) -> Credentials:
    """A PKCS#12 (.p12, .pfx) file with the certificate, its key and perhaps its chain."""
    try:
        private_key, certificate, extra = pkcs12.load_key_and_certificates(
            data, password.encode() or None
        )
    except (ValueError, TypeError):
        raise ValidationError(
            _(
                "No se pudo abrir el archivo PKCS#12: la contraseña es incorrecta o el archivo "
                "no es válido."
            )
        ) from None
    if private_key is None or certificate is None:
        raise ValidationError(_("El archivo PKCS#12 no contiene un certificado con su llave."))
    return _checked(Credentials(certificate, private_key, list(extra or [])))


def _checked(credentials: Credentials) -> Credentials:
    public = credentials.certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    own = credentials.private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if public != own:
        raise ValidationError(_("La llave privada no corresponde al certificado."))
    return credentials


def check_certificate(certificate: x509.Certificate, person: Person, *, now=None) -> None:
    """Refuse a certificate that is expired, not yet valid, or of someone else."""
    now = now or timezone.now()
    if now < certificate.not_valid_before_utc:
        raise ValidationError(
            _("El certificado aún no es vigente: lo será a partir del %(day)s.")
            % {"day": timezone.localtime(certificate.not_valid_before_utc).strftime("%d/%m/%Y")}
        )
    if now > certificate.not_valid_after_utc:
        raise ValidationError(
            _("El certificado venció el %(day)s; renueve su e.firma ante el SAT.")
            % {"day": timezone.localtime(certificate.not_valid_after_utc).strftime("%d/%m/%Y")}
        )
    holder = certificate_facts(certificate)["name"]
    if normalized_name(holder) != normalized_name(person.name):
        raise ValidationError(
            _(
                "El certificado es de «%(holder)s», no de %(person)s: cada persona firma con su "
                "propia e.firma."
            )
            % {"holder": holder, "person": person.name}
        )


# --- Who signs -----------------------------------------------------------------------------


def acta_signers(acta: Acta) -> list[Person]:
    """Members and the technical secretary present at the session: who signs its acta."""
    return [
        attendance.membership.person
        for attendance in acta.session.attendances.select_related("membership__person")
        if attendance.is_present
        and attendance.membership.role
        in (Membership.Role.MEMBER, Membership.Role.TECHNICAL_SECRETARY)
    ]


def informe_signers(informe: Informe) -> list[Person]:
    """The technical secretary of the committee on the informe's last day."""
    seat = (
        informe.committee.memberships.active_on(informe.period_end)
        .filter(role=Membership.Role.TECHNICAL_SECRETARY)
        .select_related("person")
        .first()
    )
    return [seat.person] if seat else []


def signers_of(document: Acta | Informe) -> list[Person]:
    return acta_signers(document) if isinstance(document, Acta) else informe_signers(document)


def _signatures(document: Acta | Informe):
    kind = "acta" if isinstance(document, Acta) else "informe"
    return DocumentSignature.objects.filter(**{kind: document}).order_by("sequence")


def signature_status(document: Acta | Informe) -> dict:
    """Who has signed (and when), and who is still to sign."""
    signed = list(_signatures(document).select_related("person"))
    done = {signature.person_id for signature in signed}
    return {
        "signed": signed,
        "pending": [person for person in signers_of(document) if person.pk not in done],
    }


def latest_revision(document: Acta | Informe) -> tuple[str, str]:
    """The name and SHA-256 of the newest revision: the last signed one, or the archive."""
    last = _signatures(document).last()
    if last:
        return last.pdf.name, last.pdf_sha256
    return document.pdf.name, document.pdf_sha256


# --- Signing -------------------------------------------------------------------------------


def _pdf_signer(credentials: Credentials) -> signers.SimpleSigner:
    """pyHanko's signer over the in-memory key; nothing is written anywhere."""
    key_der = credentials.private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(
            credentials.certificate.public_bytes(serialization.Encoding.DER)
        ),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs(
            [
                asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
                for c in credentials.chain
            ]
        ),
    )


def sign_pdf_bytes(content: bytes, credentials: Credentials, *, field: str, reason: str) -> bytes:
    """``content`` with one more PAdES B-B signature, as an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    metadata = signers.PdfSignatureMetadata(
        field_name=field,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        name=certificate_facts(credentials.certificate)["name"],
    )
    output = signers.sign_pdf(
        writer,
        metadata,
        signer=_pdf_signer(credentials),
        # An invisible field: no appearance, no font, PDF/A-3b intact.
        new_field_spec=fields.SigFieldSpec(sig_field_name=field),
    )
    return output.getvalue()


def sign_document(
    document: Acta | Informe, person: Person, credentials: Credentials, *, now=None
) -> DocumentSignature:
    """
    Sign the newest revision of an archived document as ``person``. The document row is
    locked while the next revision is built, so two signers at once sign one after the
    other, each over the other's signature.
    """
    now = now or timezone.now()
    check_certificate(credentials.certificate, person, now=now)
    model = type(document)
    kind = "acta" if model is Acta else "informe"
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=document.pk)
        if not locked.pdf:
            raise ValidationError(
                _("El documento aún no tiene su PDF archivado; fírmelo cuando esté archivado.")
            )
        if person.pk not in {p.pk for p in signers_of(locked)}:
            raise ValidationError(_("Usted no es una de las personas que firman este documento."))
        if _signatures(locked).filter(person=person).exists():
            raise ValidationError(_("Usted ya firmó este documento."))
        name, _digest = latest_revision(locked)
        with default_storage.open(name, "rb") as file:
            previous = file.read()
        sequence = _signatures(locked).count() + 1
        signed = sign_pdf_bytes(
            previous,
            credentials,
            field=f"Firma{sequence}",
            reason=_("Firma del %(document)s") % {"document": str(locked)},
        )
        stored = store_file(f"firmas/{kind}-{locked.pk}-firma-{sequence}.pdf", signed)
        facts = certificate_facts(credentials.certificate)
        try:
            return DocumentSignature.objects.create(
                **{kind: locked},
                sequence=sequence,
                person=person,
                signed_at=now,
                pdf=stored,
                pdf_sha256=hashlib.sha256(signed).hexdigest(),
                signer_name=facts["name"][:300],
                rfc=facts["rfc"],
                curp=facts["curp"],
                certificate_serial=facts["serial"][:80],
                certificate_issuer=facts["issuer"],
            )
        except BaseException:
            default_storage.delete(stored)
            raise


def certificate_is_current(certificate: x509.Certificate, moment: datetime.datetime) -> bool:
    return certificate.not_valid_before_utc <= moment <= certificate.not_valid_after_utc
