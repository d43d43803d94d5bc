"""Errors raised by the workflows services: a ``WorkflowErrorCode``, a translated message and, for a
refused publication, the validation problems."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dichvucong.workflows.constants import WorkflowErrorCode


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a BPMN document: ``code`` (``ProblemCode``), a readable translated
    ``message`` and the id of the element it is about (None for the whole document)."""

    code: str
    message: str
    element_id: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "element_id": self.element_id}


class WorkflowError(Exception):
    """A refused workflow change: nothing was stored."""

    def __init__(
        self,
        message: str,
        *,
        code: str = WorkflowErrorCode.INVALID,
        problems: Sequence[Problem] = (),
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.problems = list(problems)
