"""Errors raised by the agencies services; each carries an ``AgencyErrorCode`` and a translated message."""

from __future__ import annotations

from dichvucong.agencies.constants import AgencyErrorCode


class AgencyError(Exception):
    """A refused change to the agency tree, an assignment or an officer."""

    def __init__(self, message: str, *, code: str = AgencyErrorCode.INVALID) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


class OutOfScopeError(AgencyError):
    """The actor's data scope does not cover the object or the role being granted."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or AgencyErrorCode.OUT_OF_SCOPE.label, code=AgencyErrorCode.OUT_OF_SCOPE)


class AgencyImportError(AgencyError):
    """A bad CSV row: names the (1-based, header = row 1) row number and the column."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        super().__init__(message, code=AgencyErrorCode.IMPORT_FAILED)
        self.row = row
        self.column = column
