"""PAdES signatures on the PDFs the platform issues (receipts, notices), with pyHanko.

The signing key and certificate come from ``SIGNING_KEY_FILE`` / ``SIGNING_CERT_FILE`` (PEM; the
certificate file may carry the chain, signer first). When they are unset:

- in development and tests, a local test CA and a signing certificate for "Ủy ban nhân dân Thành phố
  Hồ Chí Minh (môi trường thử nghiệm)" are generated once into ``VAR_DIR/signing/`` and reused, so
  every slip is signed and ``manage.py verify_pdf`` can check it against that CA;
- in production, ``sign_pdf`` raises ``SigningNotConfigured`` unless ``SIGNING_REQUIRED=false``, in
  which case the PDF is returned unsigned.

Verification (``verify_pdf``) never fetches anything from the network: it checks each embedded
signature against the trust roots it is given (by default the configured chain, or the local CA).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import io
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from django.conf import settings

__all__ = [
    "TEST_SIGNER_CN",
    "TEST_SIGNER_NAME",
    "SignatureReport",
    "SigningError",
    "SigningNotConfigured",
    "default_trust_roots",
    "local_test_ca",
    "sign_pdf",
    "signing_enabled",
    "verify_pdf",
]

# X.509 limits a common name to 64 bytes, so the "test environment" mark goes in the organisational
# unit; ``SignatureReport.signer`` shows them together: "<CN> (<OU>)".
TEST_SIGNER_CN = "Ủy ban nhân dân Thành phố Hồ Chí Minh"
TEST_SIGNER_OU = "môi trường thử nghiệm"
TEST_SIGNER_NAME = f"{TEST_SIGNER_CN} ({TEST_SIGNER_OU})"
TEST_CA_CN = "CA thử nghiệm dichvucong"
_LOCK = threading.Lock()


class SigningError(Exception):
    """The PDF could not be signed (unreadable key or certificate, broken PDF)."""


class SigningNotConfigured(SigningError):
    """Production has no signing certificate and ``SIGNING_REQUIRED`` is on."""


@dataclass(frozen=True)
class _Credentials:
    key_file: Path
    cert_file: Path
    password: bytes | None


def _local_dir() -> Path:
    return Path(settings.VAR_DIR) / "signing"


def _ensure_local_test_credentials() -> _Credentials:
    """The local test CA and signer, generated on first use (development and tests only)."""
    folder = _local_dir()
    key_file, cert_file, ca_file = folder / "signer-key.pem", folder / "signer-chain.pem", folder / "ca.pem"
    with _LOCK:
        if not (key_file.exists() and cert_file.exists() and ca_file.exists()):
            _generate_local_test_credentials(folder)
    return _Credentials(key_file=key_file, cert_file=cert_file, password=None)


def _generate_local_test_credentials(folder: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)

    def name(common_name: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Thành phố Hồ Chí Minh"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, TEST_SIGNER_CN),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, TEST_SIGNER_OU),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]
        )

    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(name(TEST_CA_CN))
        .issuer_name(name(TEST_CA_CN))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name(TEST_SIGNER_CN))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3 * 365))
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
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    key_pem = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    key_path = folder / "signer-key.pem"
    key_path.write_bytes(key_pem)
    key_path.chmod(0o600)
    (folder / "signer-chain.pem").write_bytes(cert.public_bytes(pem) + ca_cert.public_bytes(pem))
    # Written last: its presence means the set is complete.
    (folder / "ca.pem").write_bytes(ca_cert.public_bytes(pem))


def _credentials() -> _Credentials | None:
    """The configured credentials, the local test ones outside production, or None."""
    if settings.SIGNING_CERT_FILE:
        password = settings.SIGNING_KEY_PASSWORD.encode() if settings.SIGNING_KEY_PASSWORD else None
        return _Credentials(
            key_file=Path(settings.SIGNING_KEY_FILE),
            cert_file=Path(settings.SIGNING_CERT_FILE),
            password=password,
        )
    if settings.PRODUCTION:
        return None
    return _ensure_local_test_credentials()


def signing_enabled() -> bool:
    """Whether ``sign_pdf`` will sign (rather than refuse or pass the PDF through unsigned)."""
    return bool(settings.SIGNING_CERT_FILE) or not settings.PRODUCTION


def local_test_ca() -> asn1_x509.Certificate:
    """The local test CA's certificate (generated on first use); for development and tests."""
    from pyhanko.keys import load_cert_from_pemder

    _ensure_local_test_credentials()
    return load_cert_from_pemder(str(_local_dir() / "ca.pem"))


def default_trust_roots() -> list[asn1_x509.Certificate]:
    """What ``verify_pdf`` trusts by default: the last certificate of the configured chain, else the
    local test CA (when it exists)."""
    from pyhanko.keys import load_certs_from_pemder

    if settings.SIGNING_CERT_FILE:
        certs = list(load_certs_from_pemder([settings.SIGNING_CERT_FILE]))
        return certs[-1:] if len(certs) > 1 else []
    if (_local_dir() / "ca.pem").exists():
        return [local_test_ca()]
    return []


def _signer(creds: _Credentials):  # -> pyhanko.sign.signers.SimpleSigner
    from pyhanko.keys import load_certs_from_pemder, load_private_key_from_pemder
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    try:
        certs = list(load_certs_from_pemder([str(creds.cert_file)]))
        key = load_private_key_from_pemder(str(creds.key_file), passphrase=creds.password)
    except (OSError, ValueError, TypeError) as exc:
        raise SigningError(f"cannot load the signing key or certificate: {exc}") from exc
    if not certs:
        raise SigningError(f"no certificate in {creds.cert_file}")
    return signers.SimpleSigner(
        signing_cert=certs[0], signing_key=key, cert_registry=SimpleCertificateStore.from_certs(certs)
    )


def _outside_event_loop(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Call one of pyHanko's synchronous entry points, which run ``asyncio.run`` inside.

    That fails in a thread whose event loop is running (an ASGI server, or a test process where
    Playwright's sync API holds a loop); there the call goes to a short-lived worker thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func, *args, **kwargs).result()


def sign_pdf(pdf: bytes, *, reason: str, location: str = "", field_name: str = "ChuKySo") -> bytes:
    """``pdf`` with an invisible PAdES (B-B) signature covering the whole file.

    Raises ``SigningNotConfigured`` in production without a certificate when signing is required;
    returns ``pdf`` unchanged there when ``SIGNING_REQUIRED=false``.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    creds = _credentials()
    if creds is None:
        if settings.SIGNING_REQUIRED:
            raise SigningNotConfigured(
                "SIGNING_CERT_FILE/SIGNING_KEY_FILE are not set and SIGNING_REQUIRED is on"
            )
        return pdf
    signer = _signer(creds)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        out = _outside_event_loop(signers.sign_pdf, writer, meta, signer=signer)
    except Exception as exc:  # pyHanko raises several unrelated types for a broken input
        raise SigningError(f"cannot sign the PDF: {exc}") from exc
    return out.getvalue()


def _display_name(subject: asn1_x509.Name) -> str:
    """ "<common name> (<organisational unit>)", or the whole subject when it has no common name."""
    native = subject.native
    common_name = native.get("common_name")
    if not common_name:
        return subject.human_friendly
    unit = native.get("organizational_unit_name")
    if isinstance(unit, list):
        unit = ", ".join(unit)
    return f"{common_name} ({unit})" if unit else str(common_name)


@dataclass(frozen=True)
class SignatureReport:
    """What a reader of a signed slip wants to know about one signature."""

    field_name: str
    signer: str
    signed_at: dt.datetime | None
    intact: bool
    valid: bool
    trusted: bool
    coverage: str
    covers_entire_file: bool
    bottom_line: bool


def verify_pdf(
    pdf: bytes, *, trust_roots: list[asn1_x509.Certificate] | None = None
) -> list[SignatureReport]:
    """One report per embedded signature (empty when the PDF is unsigned). Offline: no OCSP/CRL."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    roots = default_trust_roots() if trust_roots is None else trust_roots
    reader = PdfFileReader(io.BytesIO(pdf))
    reports = []
    for embedded in reader.embedded_signatures:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        status = _outside_event_loop(validate_pdf_signature, embedded, context)
        coverage = status.coverage
        reports.append(
            SignatureReport(
                field_name=embedded.field_name,
                signer=_display_name(status.signing_cert.subject),
                signed_at=status.signer_reported_dt,
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                coverage=coverage.name if coverage is not None else "UNKNOWN",
                covers_entire_file=coverage == SignatureCoverageLevel.ENTIRE_FILE,
                bottom_line=bool(status.bottom_line),
            )
        )
    return reports
