"""Errors raised by the evaluation services: a code (``EvaluationErrorCode``) and a translated message."""

from __future__ import annotations

from dichvucong.evaluations.constants import EvaluationErrorCode


class EvaluationError(Exception):
    """A refused evaluation change: nothing was stored (a fraud signal may have been counted)."""

    def __init__(
        self, message: str, *, code: str = EvaluationErrorCode.INVALID, fraud_kind: str = ""
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.fraud_kind = fraud_kind
