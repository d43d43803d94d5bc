"""The app's English catalog is complete and compiled: no fuzzy entry, no empty translation."""

from __future__ import annotations

import re
from pathlib import Path

CATALOG = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_catalog_is_complete_and_compiled() -> None:
    """Given the English catalog, then it is compiled, no entry is fuzzy and every msgstr is filled."""
    assert CATALOG.with_suffix(".mo").exists()
    entries = CATALOG.read_text(encoding="utf-8").split("\n\n")
    assert not [entry for entry in entries if "#, fuzzy" in entry]
    body = [entry for entry in entries if 'msgid ""\nmsgstr ""' not in entry]
    empty = [entry for entry in body if re.search(r'^msgstr(\[\d\])? ""$', entry, flags=re.M)]
    assert not empty, empty
