"""The English catalog of notifications is complete: no empty or fuzzy entries, compiled."""

from __future__ import annotations

from pathlib import Path

import dichvucong.notifications

LOCALE = Path(dichvucong.notifications.__file__).parent / "locale" / "en" / "LC_MESSAGES"


def test_english_catalog_complete_and_compiled():
    """Given the .po file, then every entry has a translation, none is fuzzy, and the .mo exists."""
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]
    assert entries
    for entry in entries:
        assert "#, fuzzy" not in entry and "fuzzy," not in entry, entry
        assert not entry.rstrip().endswith('msgstr ""') and 'msgstr[0] ""' not in entry, entry
    assert (LOCALE / "django.mo").stat().st_size > 0
