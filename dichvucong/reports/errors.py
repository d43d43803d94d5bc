"""Errors of the report selectors: a code (``ReportErrorCode``) and a translated message."""

from __future__ import annotations

from django.db import models


class ReportErrorCode(models.TextChoices):
    """Machine-readable reasons a report was refused (API ``error.code``)."""

    INVALID_DATE = "invalid_date"
    REVERSED_PERIOD = "reversed_period"
    PERIOD_TOO_LONG = "period_too_long"
    UNKNOWN_AGENCY = "unknown_agency"
    UNKNOWN_FIELD = "unknown_field"
    INVALID_GROUP = "invalid_group"
    INVALID_PERIOD = "invalid_period"
    NOT_ALLOWED = "not_allowed"
    INVALID_FORMAT = "invalid_format"


class ReportError(Exception):
    """A report that cannot be made as asked; nothing was computed."""

    def __init__(self, message: str, *, code: str = ReportErrorCode.INVALID_DATE) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
