"""
Test certificates for the e.firma: a test CA, certificates shaped like the SAT's (CN the
holder's name, x500UniqueIdentifier the RFC, serialNumber the CURP), their keys as the SAT
ships them (PKCS#8 DER encrypted with a password) or as PKCS#12.
"""

import dataclasses
import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

PASSWORD = "contraseña-de-prueba"  # noqa: S105 - a test key's password
UNIQUE_IDENTIFIER = ObjectIdentifier("2.5.4.45")


@dataclasses.dataclass
class Issued:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def cer(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def key_file(self, password: str = PASSWORD) -> bytes:
        """The .key as the SAT gives it: PKCS#8, DER, encrypted."""
        return self.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(password.encode()),
        )

    def pkcs12(self, password: str = PASSWORD, chain=()) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            b"efirma",
            self.key,
            self.certificate,
            list(chain) or None,
            serialization.BestAvailableEncryption(password.encode()),
        )


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_ca(name: str = "AC de pruebas del Instituto") -> Issued:
    key = _key()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=365))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(certificate, key)


def make_efirma(
    ca: Issued,
    name: str,
    *,
    rfc: str = "RUAA800101AB1",
    curp: str = "RUAA800101MJCZDL09",
    valid_from: datetime.datetime | None = None,
    valid_until: datetime.datetime | None = None,
) -> Issued:
    key = _key()
    now = datetime.datetime.now(datetime.UTC)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name.upper()),
            x509.NameAttribute(UNIQUE_IDENTIFIER, f"{rfc} / "),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"{curp} / "),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from or now - datetime.timedelta(days=30))
        .not_valid_after(valid_until or now + datetime.timedelta(days=365 * 4))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
        .sign(ca.key, hashes.SHA256())
    )
    return Issued(certificate, key)
