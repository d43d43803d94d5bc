"""The English catalogs of the three shells are complete: no fuzzy entry, no empty translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SITES = Path(__file__).resolve().parents[2]
CATALOGS = sorted(SITES.glob("*/locale/en/LC_MESSAGES/django.po"))


def test_each_shell_has_an_english_catalog_and_its_compiled_file() -> None:
    """Given the three shells, when their locale directories are listed, then each has a .po and a .mo."""
    assert {path.parts[-5] for path in CATALOGS} == {"portal", "backoffice", "evaluation"}
    for path in CATALOGS:
        assert path.with_suffix(".mo").exists(), path


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-5])
def test_catalog_has_no_fuzzy_or_empty_entries(path: Path) -> None:
    """Given a shell's English catalog, when it is read, then no entry is fuzzy and every msgstr is filled."""
    entries = path.read_text(encoding="utf-8").split("\n\n")
    body = [entry for entry in entries if 'msgid ""\nmsgstr ""' not in entry]
    assert not [entry for entry in entries if "#, fuzzy" in entry]
    empty = [entry for entry in body if re.search(r'^msgstr(\[\d\])? ""$', entry, flags=re.M)]
    assert not empty, empty
