"""Errors of the forms engine: a problem in a definition (with its JSON path) and a refused write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dichvucong.forms.constants import FormErrorCode


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition or a submission: the JSON pointer it is about (``/ui_schema/
    fields/3/binding``, ``/members/0/cccd``; ``""`` for the whole document), a ``code`` and a
    translated ``message``."""

    path: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message": self.message}


class FormError(Exception):
    """A refused forms write: nothing was stored."""

    def __init__(
        self,
        message: str,
        *,
        code: str = FormErrorCode.INVALID_DEFINITION,
        problems: Sequence[Problem] = (),
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.problems = list(problems)
