"""The concept lexicon: everyday Vietnamese and English words ↔ the administrative terms procedures use.

``data/synonyms.json`` holds two lists of concepts, ``vi`` (citizen vocabulary: "sổ đỏ", "bằng lái",
"công ty", "bố mất") and ``en`` (an English → Vietnamese administrative glossary: "driving licence",
"death", "company"). Each concept is ``{"say": [phrases people type], "means": [administrative
phrases]}``. It maps words to words, never queries to procedure codes: the ranking then finds the
procedures whose names use the administrative words.

Phrases are stored as written (with accents) and folded here with :func:`indexing.terms`, so the
lexicon and the index always agree on spelling ("ký"/"kí", "đ"/"d").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dichvucong.procedures.indexing import terms

DATA_DIR = Path(__file__).resolve().parent / "data"
LEXICON_FILE = DATA_DIR / "synonyms.json"


@dataclass(frozen=True)
class Match:
    """A phrase of the query (tokens ``start``..``end``) and the administrative phrases it means."""

    start: int
    end: int
    language: str  # "vi" or "en"
    means: tuple[tuple[str, ...], ...]


class Lexicon:
    """Phrase → meanings, matched longest-first on folded query terms."""

    def __init__(self, concepts: dict[str, list[dict[str, list[str]]]]) -> None:
        self.phrases: dict[tuple[str, ...], tuple[str, set[tuple[str, ...]]]] = {}
        for language, entries in concepts.items():
            for entry in entries:
                means = {tuple(terms(phrase)) for phrase in entry.get("means", []) if terms(phrase)}
                for phrase in entry.get("say", []):
                    key = tuple(terms(phrase))
                    if not key or not means:
                        continue
                    _, known = self.phrases.setdefault(key, (language, set()))
                    known.update(means - {key})
        self.max_length = max((len(key) for key in self.phrases), default=0)

    def __len__(self) -> int:
        return len(self.phrases)

    def match(self, tokens: list[str]) -> list[Match]:
        """Non-overlapping matches, scanning left to right and preferring the longest phrase."""
        found: list[Match] = []
        position = 0
        while position < len(tokens):
            for length in range(min(self.max_length, len(tokens) - position), 0, -1):
                key = tuple(tokens[position : position + length])
                entry = self.phrases.get(key)
                if entry and entry[1]:
                    language, means = entry
                    found.append(Match(position, position + length, language, tuple(sorted(means))))
                    position += length
                    break
            else:
                position += 1
        return found


@cache
def get_lexicon() -> Lexicon:
    """The lexicon shipped with the app (read once per process)."""
    with LEXICON_FILE.open(encoding="utf-8") as handle:
        data = json.load(handle)
    return Lexicon({language: data.get(language, []) for language in ("vi", "en")})
