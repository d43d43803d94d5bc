"""Checks on a file attached to a dossier, before anything is stored.

A file is accepted when its extension is in ``settings.DOSSIER_UPLOAD_TYPES``, it is neither empty
nor larger than ``DOSSIER_MAX_UPLOAD_MB``, its content (sniffed with ``puremagic``, and for the
zip-based office formats the package's own manifest) is what the extension says, and — when
``CLAMAV_HOST`` is set — clamd finds nothing in it. An unreachable scanner refuses the file: a
configured scan is never skipped.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from dichvucong.clients.clamav import ClamAVUnavailable, scan_bytes
from dichvucong.dossiers.constants import ScanStatus
from dichvucong.dossiers.errors import DossierError, DossierErrorCode

# extension → (MIME type we store, sniffed extensions that agree with it)
KNOWN_TYPES: dict[str, tuple[str, frozenset[str]]] = {
    "pdf": ("application/pdf", frozenset({".pdf"})),
    "jpg": ("image/jpeg", frozenset({".jpg", ".jpeg", ".jfif", ".jpe"})),
    "jpeg": ("image/jpeg", frozenset({".jpg", ".jpeg", ".jfif", ".jpe"})),
    "png": ("image/png", frozenset({".png"})),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        frozenset({".docx", ".zip", ".xlsx", ".pptx", ".odt", ".jar"}),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        frozenset({".docx", ".zip", ".xlsx", ".pptx", ".odt", ".jar"}),
    ),
    "odt": (
        "application/vnd.oasis.opendocument.text",
        frozenset({".docx", ".zip", ".xlsx", ".pptx", ".odt", ".jar"}),
    ),
}
_ZIP_MARKERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


@dataclass(frozen=True)
class CheckedUpload:
    """What the checks learned: the data and the facts stored on ``DossierDocument``."""

    name: str
    extension: str
    content_type: str
    size: int
    sha256: str
    scan_status: str
    data: bytes
    signature: str = ""


def allowed_extensions() -> list[str]:
    return [ext.lower().lstrip(".") for ext in settings.DOSSIER_UPLOAD_TYPES if ext]


def max_upload_bytes() -> int:
    return int(settings.DOSSIER_MAX_UPLOAD_MB) * 1024 * 1024


def sanitize_filename(name: str) -> str:
    """A safe base name: no directories, control characters or shell metacharacters; at most 120 chars."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE.sub("_", base).strip(" ._")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = stem[: 120 - len(ext) - 1] or "tep"
    return f"{stem}.{ext.lower()}" if ext else stem


def _refuse(message: str, code: str = DossierErrorCode.FILE_REJECTED) -> DossierError:
    return DossierError(message, code=code)


def _read(upload: UploadedFile, limit: int) -> bytes:
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return data


def _zip_matches(data: bytes, extension: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if extension == "odt":
                return "mimetype" in names and archive.read("mimetype").strip() == _ODT_MIMETYPE
            return "[Content_Types].xml" in names and _ZIP_MARKERS[extension] in names
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False


def _sniff_matches(data: bytes, extension: str) -> bool:
    _mime, accepted = KNOWN_TYPES[extension]
    try:
        found = {match.extension.lower() for match in puremagic.magic_string(data)}
    except (puremagic.PureError, ValueError):
        found = set()
    if not found & accepted:
        return False
    if extension in ("docx", "xlsx", "odt"):
        return _zip_matches(data, extension)
    return True


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Validate ``upload``; ``DossierError`` (translated, names the file) when it is refused."""
    name = sanitize_filename(getattr(upload, "name", "") or "")
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    allowed = [ext for ext in allowed_extensions() if ext in KNOWN_TYPES]
    if extension not in allowed:
        raise _refuse(
            _("Tệp “%(name)s” không đúng định dạng cho phép (%(types)s).")
            % {"name": name, "types": ", ".join(sorted({ext.upper() for ext in allowed}))}
        )
    limit = max_upload_bytes()
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _refuse(_too_big(name))
    data = _read(upload, limit)
    if not data:
        raise _refuse(_("Tệp “%(name)s” rỗng (0 byte); vui lòng chọn lại tệp.") % {"name": name})
    if len(data) > limit:
        raise _refuse(_too_big(name))
    if not _sniff_matches(data, extension):
        raise _refuse(
            _("Nội dung tệp “%(name)s” không khớp với định dạng %(type)s; vui lòng kiểm tra lại tệp.")
            % {"name": name, "type": extension.upper()}
        )
    scan_status, signature = _scan(data, name)
    return CheckedUpload(
        name=name,
        extension=extension,
        content_type=KNOWN_TYPES[extension][0],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        scan_status=scan_status,
        data=data,
        signature=signature,
    )


def _too_big(name: str) -> str:
    return _("Tệp “%(name)s” vượt quá dung lượng tối đa %(mb)s MB.") % {
        "name": name,
        "mb": settings.DOSSIER_MAX_UPLOAD_MB,
    }


class InfectedUpload(DossierError):
    """clamd found a signature; the caller audits the refusal."""

    def __init__(self, message: str, *, name: str, signature: str) -> None:
        super().__init__(message, code=DossierErrorCode.FILE_INFECTED)
        self.name = name
        self.signature = signature


def _scan(data: bytes, name: str) -> tuple[str, str]:
    if not settings.CLAMAV_HOST:
        return ScanStatus.NOT_SCANNED, ""
    try:
        result = scan_bytes(
            data, host=settings.CLAMAV_HOST, port=settings.CLAMAV_PORT, timeout=settings.CLAMAV_TIMEOUT
        )
    except ClamAVUnavailable as exc:
        raise _refuse(
            _(
                "Hệ thống quét virus tạm thời không hoạt động nên chưa nhận được tệp “%(name)s”. "
                "Vui lòng thử lại sau."
            )
            % {"name": name},
            DossierErrorCode.SCANNER_UNAVAILABLE,
        ) from exc
    if not result.clean:
        raise InfectedUpload(
            _("Tệp “%(name)s” có chứa mã độc nên không được chấp nhận.") % {"name": name},
            name=name,
            signature=result.signature,
        )
    return ScanStatus.CLEAN, ""
