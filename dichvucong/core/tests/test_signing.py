"""PAdES signing of issued PDFs: the local test CA, configured certificates, production rules, verify_pdf."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dichvucong.core import signing


@pytest.fixture(scope="module")
def plain_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Ủy ban nhân dân Phường Bến Thành — hồ sơ thử nghiệm</p>").write_pdf()


def test_signed_pdf_validates_against_the_local_test_ca(plain_pdf: bytes) -> None:
    """Given no certificate configured outside production, when a PDF is signed, then the signature is
    intact, valid, trusted by the local test CA, covers the whole file and names the test signer."""
    signed = signing.sign_pdf(plain_pdf, reason="Tiếp nhận hồ sơ")

    [report] = signing.verify_pdf(signed, trust_roots=[signing.local_test_ca()])

    assert (report.intact, report.valid, report.trusted, report.covers_entire_file) == (
        True,
        True,
        True,
        True,
    )
    assert report.bottom_line
    assert report.signer == signing.TEST_SIGNER_NAME
    assert report.signer == "Ủy ban nhân dân Thành phố Hồ Chí Minh (môi trường thử nghiệm)"


def test_the_local_test_ca_is_generated_once_and_reused(plain_pdf: bytes) -> None:
    """Given a first signature made the local CA, when another PDF is signed, then the same CA is used."""
    signing.sign_pdf(plain_pdf, reason="một")
    first = signing.local_test_ca().dump()

    signing.sign_pdf(plain_pdf, reason="hai")

    assert signing.local_test_ca().dump() == first


def test_signature_is_not_trusted_without_the_ca(plain_pdf: bytes) -> None:
    """Given a signed PDF, when it is checked with no trusted root, then it is intact but not trusted."""
    signed = signing.sign_pdf(plain_pdf, reason="Tiếp nhận hồ sơ")

    [report] = signing.verify_pdf(signed, trust_roots=[])

    assert report.intact and not report.trusted and not report.bottom_line


def test_a_changed_byte_breaks_the_signature(plain_pdf: bytes) -> None:
    """Given a signed PDF, when one byte inside the signed range changes, then it is no longer intact."""
    signed = bytearray(signing.sign_pdf(plain_pdf, reason="Tiếp nhận hồ sơ"))
    position = signed.index(b"/Producer")
    signed[position + 1] = ord("Q")

    [report] = signing.verify_pdf(bytes(signed), trust_roots=[signing.local_test_ca()])

    assert not report.intact and not report.bottom_line


def test_an_unsigned_pdf_has_no_signature_report(plain_pdf: bytes) -> None:
    """Given a PDF nobody signed, when it is verified, then no signature is reported."""
    assert signing.verify_pdf(plain_pdf) == []


def test_configured_certificate_with_password_signs(plain_pdf: bytes, settings, tmp_path: Path) -> None:
    """Given SIGNING_CERT_FILE/SIGNING_KEY_FILE with an encrypted key and its password, when a PDF is
    signed, then the configured certificate signs and its chain's root trusts it."""
    from cryptography.hazmat.primitives import serialization

    signing.local_test_ca()  # makes the local files we reuse as "configured" ones
    local = Path(settings.VAR_DIR) / "signing"
    key = serialization.load_pem_private_key((local / "signer-key.pem").read_bytes(), password=None)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"mat-khau-ky-so"),
    )
    (tmp_path / "key.pem").write_bytes(encrypted)
    shutil.copy(local / "signer-chain.pem", tmp_path / "chain.pem")
    settings.SIGNING_CERT_FILE = str(tmp_path / "chain.pem")
    settings.SIGNING_KEY_FILE = str(tmp_path / "key.pem")
    settings.SIGNING_KEY_PASSWORD = "mat-khau-ky-so"

    [report] = signing.verify_pdf(signing.sign_pdf(plain_pdf, reason="Tiếp nhận hồ sơ"))

    assert report.trusted and report.intact and report.covers_entire_file


def test_wrong_key_password_is_a_signing_error(plain_pdf: bytes, settings, tmp_path: Path) -> None:
    """Given a configured encrypted key with the wrong password, when signing, then SigningError."""
    from cryptography.hazmat.primitives import serialization

    signing.local_test_ca()
    local = Path(settings.VAR_DIR) / "signing"
    key = serialization.load_pem_private_key((local / "signer-key.pem").read_bytes(), password=None)
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"dung"),
        )
    )
    settings.SIGNING_CERT_FILE = str(local / "signer-chain.pem")
    settings.SIGNING_KEY_FILE = str(tmp_path / "key.pem")
    settings.SIGNING_KEY_PASSWORD = "sai"

    with pytest.raises(signing.SigningError):
        signing.sign_pdf(plain_pdf, reason="Tiếp nhận hồ sơ")


def test_production_without_certificate_refuses_when_signing_is_required(plain_pdf: bytes, settings) -> None:
    """Given production, no certificate and SIGNING_REQUIRED on, when signing, then it is refused."""
    settings.PRODUCTION = True
    settings.SIGNING_CERT_FILE = ""
    settings.SIGNING_KEY_FILE = ""
    settings.SIGNING_REQUIRED = True

    assert not signing.signing_enabled()
    with pytest.raises(signing.SigningNotConfigured):
        signing.sign_pdf(plain_pdf, reason="Tiếp nhận hồ sơ")


def test_production_may_issue_unsigned_slips_when_allowed(plain_pdf: bytes, settings) -> None:
    """Given production, no certificate and SIGNING_REQUIRED=false, when signing, then the PDF comes back
    unsigned and unchanged."""
    settings.PRODUCTION = True
    settings.SIGNING_CERT_FILE = ""
    settings.SIGNING_KEY_FILE = ""
    settings.SIGNING_REQUIRED = False

    assert signing.sign_pdf(plain_pdf, reason="Tiếp nhận hồ sơ") == plain_pdf


def test_verify_pdf_command_reports_a_good_signature(plain_pdf: bytes, tmp_path: Path) -> None:
    """Given a slip signed by the local CA, when `manage.py verify_pdf FILE` runs, then it prints the signer
    and OK."""
    path = tmp_path / "bien-nhan.pdf"
    path.write_bytes(signing.sign_pdf(plain_pdf, reason="Tiếp nhận hồ sơ"))
    out = StringIO()

    call_command("verify_pdf", str(path), stdout=out)

    text = out.getvalue()
    assert signing.TEST_SIGNER_NAME in text
    assert "intact:   yes" in text and "trusted:  yes" in text and "ENTIRE_FILE" in text
    assert "OK: 1 signature(s)" in text


def test_verify_pdf_command_fails_on_an_unsigned_file(plain_pdf: bytes, tmp_path: Path) -> None:
    """Given an unsigned PDF, when `manage.py verify_pdf` runs, then it fails saying there is no signature."""
    path = tmp_path / "khong-ky.pdf"
    path.write_bytes(plain_pdf)

    with pytest.raises(CommandError, match="no signature"):
        call_command("verify_pdf", str(path), stdout=StringIO())


def test_verify_pdf_command_fails_on_an_untrusted_signature(plain_pdf: bytes, tmp_path: Path) -> None:
    """Given a signed PDF and a different trusted root, when verify_pdf runs, then it says NOT OK."""
    path = tmp_path / "bien-nhan.pdf"
    path.write_bytes(signing.sign_pdf(plain_pdf, reason="Tiếp nhận hồ sơ"))
    other_root = tmp_path / "other.pem"
    other_root.write_bytes(_self_signed_root_pem())
    out = StringIO()

    with pytest.raises(CommandError, match="NOT OK"):
        call_command("verify_pdf", str(path), "--trust", str(other_root), stdout=out)
    assert "trusted:  NO" in out.getvalue()


def _self_signed_root_pem() -> bytes:
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Another CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def test_signing_works_inside_a_running_event_loop(plain_pdf: bytes) -> None:
    """Given a thread whose asyncio event loop is running (an ASGI server, or Playwright's sync API
    in the same test process), when a slip is signed and checked, then it still signs and validates
    instead of failing with "asyncio.run() cannot be called from a running event loop"."""
    import asyncio
    import threading

    async def inside_loop() -> list[signing.SignatureReport]:
        signed = signing.sign_pdf(plain_pdf, reason="Tiếp nhận hồ sơ")
        return signing.verify_pdf(signed, trust_roots=[signing.local_test_ca()])

    # A fresh thread: the test process itself may already hold a running loop (Playwright).
    results: list[list[signing.SignatureReport]] = []
    worker = threading.Thread(target=lambda: results.append(asyncio.run(inside_loop())))
    worker.start()
    worker.join(timeout=120)
    [[report]] = results
    assert report.bottom_line
