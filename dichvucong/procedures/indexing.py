"""What search reads: the accent-folded columns of a procedure version.

``services`` calls :func:`search_columns` whenever it saves a version; the search module reads the
columns. Keep this the only place that decides what text a procedure is found by.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dichvucong.core.text import fold

if TYPE_CHECKING:
    from dichvucong.procedures.models import ProcedureVersion


def search_columns(version: ProcedureVersion) -> tuple[str, str]:
    """Return ``(search_name, search_text)`` for ``version`` (both folded, space-separated)."""
    name = fold(version.name)
    parts = [name, fold(version.name_en), fold(version.field.name), version.procedure.code]
    parts += [fold(result.get("name", "")) for result in version.results]
    return name, " ".join(part for part in parts if part)
