"""What search reads: the accent-folded columns of a procedure version, and how text becomes terms.

``services`` calls :func:`search_columns` whenever it saves a version; the search index
(``searchindex.py``) reads the columns. Keep this the only place that decides what text a procedure
is found by, and :func:`terms` the only place that decides how text is cut into search terms (the
index and the query analyser both use it, so they always agree).
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from dichvucong.core.text import fold

if TYPE_CHECKING:
    from dichvucong.procedures.models import ProcedureVersion

# A national procedure code ("1.004194") and a local variant code ("1.004194.000.00.00.H29").
CODE_RE = re.compile(r"\b(\d\.\d{6})((?:\.[0-9a-z]{2,3}){3}\.[a-z]\d{2})?\b", re.IGNORECASE)
_NON_WORD = re.compile(r"[^0-9a-z]+")
# "ký/kí", "lý/lí", "mỹ/mĩ": Vietnamese spells a bare final i either way; fold them together.
_Y_SYLLABLE = re.compile(r"^[bcdghklmnprstvx]{1,2}y$")
_CONTROL = {cat for cat in ("Cc", "Cf", "Cs", "Co", "Cn")}


def clean_query(text: str, max_length: int) -> str:
    """Drop control/format characters and cut to ``max_length`` characters (never raises)."""
    text = str(text or "")[: max_length * 2]
    cleaned = "".join(" " if unicodedata.category(ch) in _CONTROL else ch for ch in text)
    return cleaned[:max_length]


def normalise_term(token: str) -> str:
    """One folded token as the index stores it (``ky`` → ``ki``)."""
    if _Y_SYLLABLE.match(token):
        return token[:-1] + "i"
    return token


def terms(text: str, *, folded: bool = False) -> list[str]:
    """Cut ``text`` into search terms: folded syllables/words, punctuation dropped."""
    value = text if folded else fold(text)
    return [normalise_term(token) for token in _NON_WORD.split(value) if token]


def search_columns(version: ProcedureVersion) -> tuple[str, str]:
    """Return ``(search_name, search_text)`` for ``version`` (both folded, space-separated).

    ``search_text`` holds the name, English name, field, code, result names and required-document
    names: what a person would describe the procedure by. Long free text (steps, conditions) stays out
    because it drowns the ranking in words every procedure shares.
    """
    name = fold(version.name)
    parts = [name, fold(version.name_en), fold(version.field.name), version.procedure.code]
    parts += [
        fold(str(result.get("name", ""))) for result in version.results or [] if isinstance(result, dict)
    ]
    if version.pk:
        parts += [fold(document.name) for document in version.documents.all()]
    return name, " ".join(part for part in parts if part)
