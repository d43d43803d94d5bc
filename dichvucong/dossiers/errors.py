"""Errors raised by the dossier services: a code (``DossierErrorCode``) and a translated message."""

from __future__ import annotations


class DossierErrorCode:
    """Machine-readable reasons a dossier change was refused (API ``error.code``)."""

    INVALID = "invalid"
    NOT_ALLOWED = "not_allowed"
    INVALID_TRANSITION = "invalid_transition"
    ALREADY_DONE = "already_done"
    MISSING_DOCUMENTS = "missing_documents"
    ASSURANCE_TOO_LOW = "assurance_too_low"
    PROCEDURE_UNAVAILABLE = "procedure_unavailable"
    AGENCY_UNAVAILABLE = "agency_unavailable"
    FILE_REJECTED = "file_rejected"
    FILE_INFECTED = "file_infected"
    SCANNER_UNAVAILABLE = "scanner_unavailable"
    CODE_OVERFLOW = "code_overflow"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"


class DossierError(Exception):
    """A refused dossier change: nothing was stored."""

    def __init__(self, message: str, *, code: str = DossierErrorCode.INVALID) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
