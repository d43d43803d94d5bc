"""Demo tests load the catalog seeder from a few real records, not the whole national fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from dichvucong.demo import catalog

SAMPLE = Path(__file__).resolve().parents[2] / "procedures" / "tests" / "fixtures" / "catalog-sample.jsonl"


@pytest.fixture(autouse=True)
def small_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog, "CATALOG_FILE", SAMPLE)


@pytest.fixture(autouse=True)
def few_dossiers(monkeypatch: pytest.MonkeyPatch) -> None:
    """12 demo dossiers (one per status and a draft) instead of 300: the seeder's logic is the same."""
    from dichvucong.demo import dossiers

    monkeypatch.setattr(dossiers, "DOSSIER_COUNT", 12)
