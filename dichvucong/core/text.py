"""Vietnamese text helpers: NFC normalisation and diacritic folding for search.

``fold("Giấy phép Đăng ký")`` → ``"giay phep dang ky"``. NFD leaves ``đ``/``Đ`` intact (they are
letters, not letter + mark), so they are mapped explicitly.
"""

from __future__ import annotations

import unicodedata


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case, strip combining marks, map đ→d, collapse whitespace."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return " ".join(unicodedata.normalize("NFC", stripped).lower().split())
