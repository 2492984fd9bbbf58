"""
Electronic signatures of the approved acta: PAdES B-B with pyHanko, each an incremental,
append-only revision; refused certificates; the public verification page.
"""

import datetime
import hashlib
import io
import pathlib
import time

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from committees.models import Person
from reports.archive import archive_acta
from reports.models import DocumentSignature, TrustRoot
from reports.services import draft_acta
from reports.signing import load_pkcs12_credentials, load_sat_credentials, sign_document
from tests.certs import PASSWORD, make_ca, make_efirma
from tests.record import approve_at_next_session
from tests.reports import test_archive
from tests.reports.test_pdf_documents import held_session
from tests.web import signed_in

pytestmark = pytest.mark.django_db

MEMBERS = ("Adela Ruiz", "Beatriz Soto", "Carmen Díaz")


@pytest.fixture
def approved(committee, django_capture_on_commit_callbacks):
    """
    The approved, archived acta of 19 March. On SQLite the archive lock is a file in the
    shared temporary folder, so a test run of another checkout on this machine may hold
    "archive:acta:1" for a moment: archive again until the file is there.
    """
    with django_capture_on_commit_callbacks(execute=True):
        acta = approve_at_next_session(draft_acta(held_session(committee)), test_archive.APRIL_16)
    acta.refresh_from_db()
    for _attempt in range(50):
        if acta.pdf:
            return acta
        time.sleep(0.1)
        acta = archive_acta(acta)
    raise AssertionError("the acta was not archived")


@pytest.fixture
def ca():
    return make_ca()


@pytest.fixture
def trusted(ca):
    """The test CA configured as a trust root in the admin's table."""
    from cryptography.hazmat.primitives.serialization import Encoding

    der = ca.certificate.public_bytes(Encoding.DER)
    return TrustRoot.objects.create(
        name="AC de pruebas",
        certificate=der,
        subject=ca.certificate.subject.rfc4514_string(),
        fingerprint=hashlib.sha256(der).hexdigest(),
        not_after=ca.certificate.not_valid_after_utc,
    )


def person(name: str) -> Person:
    return Person.objects.get(name=name)


def credentials_for(ca, name: str, **kwargs):
    issued = make_efirma(ca, name, **kwargs)
    return load_sat_credentials(issued.cer, issued.key_file(), PASSWORD)


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as file:
        return file.read()


def signed_by_three(acta, ca) -> list[DocumentSignature]:
    return [sign_document(acta, person(name), credentials_for(ca, name)) for name in MEMBERS]


def assert_pdf_a_3b(content: bytes) -> None:
    reader = PdfReader(io.BytesIO(content))
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in metadata
    assert 'pdfaid:conformance="B"' in metadata
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_three_members_sign_in_turn_each_revision_incremental_and_still_pdf_a(
    approved, ca, trusted
):
    original = read(approved.pdf.name)
    signatures = signed_by_three(approved, ca)

    previous = original
    for number, signature in enumerate(signatures, start=1):
        content = read(signature.pdf.name)
        # Incremental: the previous revision is a prefix of the next, untouched.
        assert content.startswith(previous)
        assert signature.pdf_sha256 == hashlib.sha256(content).hexdigest()
        assert signature.sequence == number
        assert_pdf_a_3b(content)
        embedded = PdfFileReader(io.BytesIO(content)).embedded_signatures
        assert len(embedded) == number
        context = ValidationContext(trust_roots=[], allow_fetching=False)
        for sig in embedded:
            from asn1crypto import x509 as asn1_x509

            context = ValidationContext(
                trust_roots=[asn1_x509.Certificate.load(bytes(trusted.certificate))],
                allow_fetching=False,
                revocation_mode="soft-fail",
            )
            status = validate_pdf_signature(sig, context)
            assert status.intact and status.valid and status.trusted
        previous = content
    # The sealed archive is untouched.
    approved.refresh_from_db()
    assert read(approved.pdf.name) == original
    assert approved.pdf_sha256 == hashlib.sha256(original).hexdigest()
    assert signatures[0].signer_name == "ADELA RUIZ"
    assert signatures[0].rfc == "RUAA800101AB1"


def test_a_pkcs12_file_signs_too(approved, ca):
    issued = make_efirma(ca, "Adela Ruiz")
    credentials = load_pkcs12_credentials(issued.pkcs12(chain=[ca.certificate]), PASSWORD)
    signature = sign_document(approved, person("Adela Ruiz"), credentials)
    assert signature.sequence == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {
                "valid_from": datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC),
                "valid_until": datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC),
            },
            "El certificado venció el",
        ),
        (
            {
                "valid_from": datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3),
                "valid_until": datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=900),
            },
            "El certificado aún no es vigente",
        ),
    ],
)
def test_expired_and_not_yet_valid_certificates_are_refused(approved, ca, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        sign_document(approved, person("Adela Ruiz"), credentials_for(ca, "Adela Ruiz", **kwargs))
    assert not DocumentSignature.objects.exists()


def test_a_certificate_of_another_person_is_refused(approved, ca):
    with pytest.raises(ValidationError, match="no de Adela Ruiz"):
        sign_document(approved, person("Adela Ruiz"), credentials_for(ca, "Beatriz Soto"))


def test_a_wrong_key_password_is_refused_in_spanish(ca):
    issued = make_efirma(ca, "Adela Ruiz")
    with pytest.raises(ValidationError, match="la contraseña es incorrecta"):
        load_sat_credentials(issued.cer, issued.key_file(), "otra-contraseña")


def test_someone_who_does_not_sign_the_acta_is_refused_and_nobody_signs_twice(approved, ca):
    with pytest.raises(ValidationError, match="no es una de las personas"):
        sign_document(approved, person("Daniela Luna"), credentials_for(ca, "Daniela Luna"))
    sign_document(approved, person("Adela Ruiz"), credentials_for(ca, "Adela Ruiz"))
    with pytest.raises(ValidationError, match="ya firmó"):
        sign_document(approved, person("Adela Ruiz"), credentials_for(ca, "Adela Ruiz"))


def test_a_signature_row_is_append_only(approved, ca):
    signature = sign_document(approved, person("Adela Ruiz"), credentials_for(ca, "Adela Ruiz"))
    signature.signer_name = "OTRA"
    with pytest.raises(ValidationError):
        signature.save()
    with pytest.raises(ValidationError):
        signature.delete()


def test_verify_documents_detects_a_changed_signed_revision(approved, ca):
    signature = sign_document(approved, person("Adela Ruiz"), credentials_for(ca, "Adela Ruiz"))
    out = io.StringIO()
    call_command("verify_documents", stdout=out)
    content = bytearray(read(signature.pdf.name))
    content[len(content) // 2] ^= 0x01
    path = default_storage.path(signature.pdf.name)
    with open(path, "wb") as file:
        file.write(bytes(content))
    with pytest.raises(Exception):  # noqa: B017,PT011 - the command fails (CommandError)
        call_command("verify_documents", stdout=io.StringIO(), stderr=io.StringIO())


# --- Through the web ---------------------------------------------------------------------


def sign_through_the_page(client, acta, files: dict, password=PASSWORD, secure=True):
    return client.post(
        reverse("reports:acta-sign", args=[acta.pk]),
        {**files, "password": password},
        secure=secure,
    )


def uploads(issued):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "certificate": SimpleUploadedFile("efirma.cer", issued.cer),
        "key": SimpleUploadedFile("efirma.key", issued.key_file()),
    }


def user_for(django_user_model, name: str):
    user = django_user_model.objects.create_user(name.split()[0].lower(), "x@example.org", "pw")
    someone = person(name)
    someone.user = user
    someone.save()
    return user


def test_the_page_signs_shows_who_signed_and_who_is_missing_and_never_keeps_the_key(
    approved, ca, client, django_user_model, settings
):
    settings.DEBUG = False
    issued = make_efirma(ca, "Adela Ruiz")
    user = user_for(django_user_model, "Adela Ruiz")
    client = signed_in(client, user)
    # Plain HTTP in production: refused before the key is even read.
    sign_through_the_page(client, approved, uploads(issued), secure=False)
    assert not DocumentSignature.objects.exists()
    response = sign_through_the_page(client, approved, uploads(issued), password="mala")
    assert response.status_code == 200
    assert "la contraseña es incorrecta" in response.content.decode()
    assert 'value="mala"' not in response.content.decode()
    response = sign_through_the_page(client, approved, uploads(issued))
    assert response.status_code == 302
    page = client.get(reverse("reports:acta", args=[approved.pk]), secure=True)
    html = page.content.decode()
    assert "Firmó Adela Ruiz el" in html
    assert "Faltan por firmar:" in html
    assert "Beatriz Soto" in html and "Sofía Secretaria" in html
    # The key and its password are nowhere: not in the media folder, not in any table.
    secret_der = issued.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    needles = [issued.key_file(), secret_der[-64:], PASSWORD.encode()]
    for file in pathlib.Path(settings.MEDIA_ROOT).rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            assert not any(needle in data for needle in needles), file
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own table names
            for row in cursor.fetchall():
                for value in row:
                    raw = (
                        bytes(value)
                        if isinstance(value, (bytes, memoryview))
                        else str(value).encode()
                    )
                    assert not any(needle in raw for needle in needles), table


def test_the_verification_page_for_the_signed_acta_a_changed_byte_and_a_foreign_file(
    approved, ca, trusted, client
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    signatures = signed_by_three(approved, ca)
    signed = read(signatures[-1].pdf.name)

    def check(content: bytes) -> str:
        response = client.post(
            reverse("verification:verify"), {"file": SimpleUploadedFile("acta.pdf", content)}
        )
        assert response.status_code == 200
        return response.content.decode()

    html = check(signed)
    assert "Coincide con el archivo." in html
    assert html.count("signature-row") == 3
    assert "ADELA RUIZ" in html and "RUAA800101AB1" in html
    assert html.count("<td>Íntegra</td>") == 3
    assert html.count("<td>Verificada</td>") == 3

    changed = bytearray(signed)
    changed[len(changed) // 3] ^= 0x01
    html = check(bytes(changed))
    assert "No coincide con ningún documento archivado." in html
    assert "Inválida: el documento cambió después de firmarse" in html

    html = check(b"%PDF-1.7\n% un archivo que Quorum nunca emitio\n%%EOF\n")
    assert "No coincide con ningún documento archivado." in html
    assert "El archivo no contiene firmas electrónicas." in html

    # By the acta's number (the QR's address): the newest revision and who is missing.
    html = client.get(reverse("verification:verify"), {"acta": approved.pk}).content.decode()
    assert "Coincide con el archivo." in html
    assert "Faltan por firmar:" in html and "Sofía Secretaria" in html


def test_an_unknown_root_is_shown_as_not_verified(approved, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    stranger = make_ca("AC desconocida")
    signature = sign_document(
        approved, person("Adela Ruiz"), credentials_for(stranger, "Adela Ruiz")
    )
    response = client.post(
        reverse("verification:verify"),
        {"file": SimpleUploadedFile("acta.pdf", read(signature.pdf.name))},
    )
    html = response.content.decode()
    assert "Coincide con el archivo." in html
    assert "<td>No verificada</td>" in html


def test_the_verification_page_refuses_bad_lookups_in_spanish(client):
    html = client.get(reverse("verification:verify"), {"sha256": "zz"}).content.decode()
    assert "Un SHA-256 tiene 64 caracteres hexadecimales." in html
    html = client.get(reverse("verification:verify"), {"folio": "IEPC/X/999/2024"}).content.decode()
    assert "No se encontró ningún documento archivado" in html
