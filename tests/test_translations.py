"""English is complete: every app's catalog has no fuzzy or empty entry, and its compiled .mo is the
one msgfmt makes from the .po today (so nobody forgot ``make messages``).

Source strings are Vietnamese (the default language); each app keeps its English catalog in its own
``locale/en/LC_MESSAGES/django.po``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = sorted((ROOT / "dichvucong").glob("**/locale/en/LC_MESSAGES/django.po"))
APPS_WITH_UI_TEXT = {"core", "accounts", "agencies", "notifications", "portal", "backoffice", "evaluation"}


def _app(path: Path) -> str:
    return path.parts[-5]


def _entries(path: Path) -> list[str]:
    entries = path.read_text(encoding="utf-8").split("\n\n")
    return [entry for entry in entries if entry.strip() and 'msgid ""\nmsgstr ""\n"' not in entry]


def test_every_app_with_user_visible_text_has_an_english_catalog() -> None:
    """Given the apps that show text to people, when their catalogs are listed, then none is missing."""
    assert {_app(path) for path in CATALOGS} >= APPS_WITH_UI_TEXT


@pytest.mark.parametrize("path", CATALOGS, ids=_app)
def test_catalog_has_no_fuzzy_or_empty_entry(path: Path) -> None:
    """Given an app's English catalog, then no entry is fuzzy and every msgstr says something."""
    entries = _entries(path)
    assert entries
    assert not [entry for entry in entries if "#, fuzzy" in entry]
    empty = [entry for entry in entries if re.search(r'^msgstr(\[\d\])? ""(?!\n")', entry, flags=re.M)]
    assert not empty, "\n\n".join(empty)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (gettext) is not installed")
@pytest.mark.parametrize("path", CATALOGS, ids=_app)
def test_compiled_catalog_matches_its_source(path: Path, tmp_path: Path) -> None:
    """Given an app's .po, when msgfmt compiles it, then the committed .mo is byte for byte the same."""
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(path)], check=True)
    assert path.with_suffix(".mo").read_bytes() == fresh.read_bytes(), f"run `make messages` ({path})"
