"""The one error of the security context: a refused step, with a translated message for the page."""

from __future__ import annotations


class SecurityError(Exception):
    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
