"""docs/glossary.md maps every model and every status vocabulary to its Vietnamese term (STYLE.md, Names).

A row is a markdown table line whose first cell starts with the class name (in backticks or as the
first word, e.g. "`Agency` (agencies)") and whose second cell (the Vietnamese term) is not empty.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

from django.apps import apps
from django.db import models

FIRST_NAME = re.compile(r"^(?:`([A-Za-z_][A-Za-z0-9_]*)`|([A-Za-z_][A-Za-z0-9_]*)\b)")
GLOSSARY = Path(__file__).resolve().parent.parent / "docs" / "glossary.md"


def glossary_rows() -> dict[str, str]:
    """First cell → second cell of every table row in the glossary (header separators skipped)."""
    rows: dict[str, str] = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.lstrip().startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 2 or set(cells[0]) <= {"-", ":", " "}:
            continue
        match = FIRST_NAME.match(cells[0])
        if match:
            rows.setdefault(match.group(1) or match.group(2), cells[1])
    return rows


def our_app_configs() -> list:
    return [config for config in apps.get_app_configs() if config.name.startswith("dichvucong.")]


def test_every_model_has_a_glossary_row() -> None:
    """Given the models of our dichvucong.* apps, when the glossary is read, then each has a row."""
    rows = glossary_rows()
    ours = [model for config in our_app_configs() for model in config.get_models()]
    assert ours, "no dichvucong model found: is INSTALLED_APPS loaded?"
    missing = sorted(f"{m._meta.app_label}.{m.__name__}" for m in ours if not rows.get(m.__name__))
    assert not missing, f"docs/glossary.md has no row (or an empty term) for: {', '.join(missing)}"


def test_every_status_vocabulary_has_a_glossary_row() -> None:
    """Given the *Status choices of our apps' constants, when the glossary is read, then each has a row."""
    rows = glossary_rows()
    statuses = []
    for config in our_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.constants")
        except ModuleNotFoundError:
            continue
        for name, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, models.Choices)
                and value.__module__ == module.__name__
                and name.endswith("Status")
            ):
                statuses.append(name)
    missing = sorted(name for name in statuses if not rows.get(name))
    assert not missing, f"docs/glossary.md has no row for the status vocabularies: {', '.join(missing)}"


def test_glossary_parser_reads_first_cells() -> None:
    """Given the glossary, when parsed, then known rows are found and header separators are not."""
    rows = glossary_rows()
    assert rows.get("User")
    assert not any(set(key) <= {"-", ":"} for key in rows)
