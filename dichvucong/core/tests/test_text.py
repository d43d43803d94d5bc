"""Vietnamese text folding and normalisation (dichvucong.core.text)."""

from __future__ import annotations

import unicodedata

from dichvucong.core.text import fold, nfc


def test_fold_strips_diacritics_and_lowercases() -> None:
    """Given a mixed-case Vietnamese phrase, when folded, then it is lower-case ASCII words."""
    assert fold("Giấy phép ĐĂNG KÝ") == "giay phep dang ky"


def test_fold_maps_d_with_stroke() -> None:
    """Given đ and Đ (letters NFD does not decompose), when folded, then both become d."""
    assert fold("đ") == "d"
    assert fold("Đ") == "d"
    assert fold("Đăng ký kết hôn") == "dang ky ket hon"


def test_fold_accepts_decomposed_input() -> None:
    """Given NFD input (as typed on some keyboards), when folded, then it equals the folded NFC text."""
    decomposed = unicodedata.normalize("NFD", "Thủ tục hành chính")
    assert decomposed != "Thủ tục hành chính"
    assert fold(decomposed) == fold("Thủ tục hành chính") == "thu tuc hanh chinh"


def test_fold_collapses_whitespace() -> None:
    """Given tabs, newlines and repeated spaces, when folded, then single spaces remain, none at the ends."""
    assert fold("  Hồ   sơ\t\nđất đai ") == "ho so dat dai"


def test_nfc_composes_decomposed_text() -> None:
    """Given NFD text, when normalised, then it is the composed form and keeps its diacritics."""
    composed = "Giấy phép xây dựng"
    assert nfc(unicodedata.normalize("NFD", composed)) == composed
    assert nfc(composed) == composed
