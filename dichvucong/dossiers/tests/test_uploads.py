"""Upload checks: type, size, empty files, sniffed content, file names, ClamAV over INSTREAM."""

from __future__ import annotations

import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dichvucong.clients.clamav import ClamAVUnavailable, scan_bytes
from dichvucong.clients.testing.clamd_double import EICAR, ClamdDouble
from dichvucong.core.models import AuditEntry
from dichvucong.dossiers import services
from dichvucong.dossiers.constants import ScanStatus
from dichvucong.dossiers.errors import DossierError, DossierErrorCode
from dichvucong.dossiers.models import DossierDocument
from dichvucong.dossiers.tests.factories import (
    EXE_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    make_world,
    office_zip,
    pdf,
)
from dichvucong.dossiers.uploads import check_upload, sanitize_filename


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("to-khai.pdf", PDF_BYTES, "application/pdf"),
        ("anh.JPG", JPEG_BYTES, "image/jpeg"),
        ("anh.png", PNG_BYTES, "image/png"),
        (
            "don.docx",
            office_zip("docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "bang.xlsx",
            office_zip("xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("van-ban.odt", office_zip("odt"), "application/vnd.oasis.opendocument.text"),
    ],
)
def test_allowed_types_pass_with_their_digest(name, data, content_type, settings) -> None:
    """Given a genuine file of an allowed type, when checked, then it passes with its MIME type,
    size and SHA-256, marked not scanned when ClamAV is not configured."""
    settings.CLAMAV_HOST = ""
    checked = check_upload(_upload(name, data))
    assert checked.content_type == content_type
    assert checked.size == len(data)
    assert len(checked.sha256) == 64
    assert checked.scan_status == ScanStatus.NOT_SCANNED


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("virus.pdf", EXE_BYTES, "không khớp"),  # an .exe renamed .pdf
        ("anh.png", PDF_BYTES, "không khớp"),  # a PDF renamed .png
        ("don.docx", office_zip("xlsx"), "không khớp"),  # a spreadsheet renamed .docx
        ("nen.docx", b"PK\x03\x04 not really a zip", "không khớp"),
        ("chuong-trinh.exe", EXE_BYTES, "định dạng"),
        ("khong-duoi", PDF_BYTES, "định dạng"),
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(name, data, words, settings) -> None:
    """Given a wrong type, mismatched content or an empty file, when checked, then it is refused with
    a translated message naming the file."""
    settings.CLAMAV_HOST = ""
    with pytest.raises(DossierError) as info:
        check_upload(_upload(name, data))
    assert info.value.code == DossierErrorCode.FILE_REJECTED
    assert words in info.value.message


def test_oversize_file_is_refused(settings) -> None:
    """Given a 1 MB limit, when a 1 MB + 1 byte PDF is checked, then it is refused naming the limit."""
    settings.DOSSIER_MAX_UPLOAD_MB = 1
    with pytest.raises(DossierError) as info:
        check_upload(_upload("lon.pdf", PDF_BYTES + b"0" * (1024 * 1024)))
    assert "1 MB" in info.value.message


def test_type_list_is_configurable(settings) -> None:
    """Given DOSSIER_UPLOAD_TYPES without png, when a PNG is checked, then it is refused."""
    settings.DOSSIER_UPLOAD_TYPES = ["pdf"]
    with pytest.raises(DossierError):
        check_upload(_upload("anh.png", PNG_BYTES))


def test_file_names_are_sanitised() -> None:
    """Given hostile file names, when sanitised, then no directory, control or shell character is left."""
    assert sanitize_filename("../../etc/passwd.pdf") == "passwd.pdf"
    assert sanitize_filename("C:\\Users\\a\\Tờ khai.PDF") == "Tờ khai.pdf"
    assert sanitize_filename("a\x00b;rm -rf $(x).pdf") == "ab_rm -rf _x_.pdf"
    assert sanitize_filename(".pdf") == "pdf"
    assert len(sanitize_filename("x" * 500 + ".pdf")) <= 120


@pytest.fixture
def clamd(settings):
    with ClamdDouble() as double:
        settings.CLAMAV_HOST, settings.CLAMAV_PORT, settings.CLAMAV_TIMEOUT = double.host, double.port, 5
        yield double


def test_clamav_instream_clean_and_infected(clamd) -> None:
    """Given the clamd double, when clean bytes and the EICAR string are streamed, then the first is
    OK and the second is reported with its signature."""
    assert scan_bytes(b"hello" * 50000, host=clamd.host, port=clamd.port).clean
    result = scan_bytes(b"x" + EICAR, host=clamd.host, port=clamd.port)
    assert not result.clean and result.signature == "Eicar-Test-Signature"
    assert clamd.scanned[0] == b"hello" * 50000  # the chunks were reassembled exactly


def test_clamav_error_reply_and_closed_port_are_unavailable(clamd) -> None:
    """Given a clamd that answers ERROR, or nothing listening, when scanning, then ClamAVUnavailable."""
    clamd.error_next()
    with pytest.raises(ClamAVUnavailable):
        scan_bytes(b"data", host=clamd.host, port=clamd.port)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free_port = sock.getsockname()[1]
    with pytest.raises(ClamAVUnavailable):
        scan_bytes(b"data", host="127.0.0.1", port=free_port, timeout=1)


def test_clean_upload_is_marked_clean(clamd) -> None:
    """Given ClamAV configured, when a clean PDF is checked, then it is marked clean."""
    assert check_upload(pdf()).scan_status == ScanStatus.CLEAN


@pytest.mark.django_db
def test_infected_upload_is_refused_and_audited(clamd) -> None:
    """Given ClamAV configured, when a citizen attaches a PDF carrying EICAR, then it is refused,
    nothing is stored and the attempt is in the audit trail with the signature."""
    world = make_world()
    dossier = services.save_draft(
        user=world.citizen, procedure_version=world.version, agency=world.agency, form_data={}
    )
    with pytest.raises(DossierError) as info:
        services.attach_document(dossier=dossier, upload=pdf(data=PDF_BYTES + EICAR), actor=world.citizen)
    assert info.value.code == DossierErrorCode.FILE_INFECTED
    assert not DossierDocument.objects.exists()
    entry = AuditEntry.objects.get(action="dossier.upload_infected")
    assert "Eicar-Test-Signature" in str(entry.after)


@pytest.mark.django_db
def test_unreachable_clamav_refuses_with_try_later(settings) -> None:
    """Given CLAMAV_HOST set but nothing listening, when a file is attached, then it is refused with
    "try again later" and never silently accepted."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        settings.CLAMAV_HOST, settings.CLAMAV_PORT = "127.0.0.1", sock.getsockname()[1]
    settings.CLAMAV_TIMEOUT = 1
    world = make_world()
    dossier = services.save_draft(
        user=world.citizen, procedure_version=world.version, agency=world.agency, form_data={}
    )
    with pytest.raises(DossierError) as info:
        services.attach_document(dossier=dossier, upload=pdf(), actor=world.citizen)
    assert info.value.code == DossierErrorCode.SCANNER_UNAVAILABLE
    assert "thử lại sau" in info.value.message
    assert not DossierDocument.objects.exists()
