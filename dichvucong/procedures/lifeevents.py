"""Life events ("sinh con", "kết hôn", "mở hộ kinh doanh"…): the shipped list and its loader.

``data/life_events.json`` lists each event with its Vietnamese/English names, description, the words
people use for it and the national codes of the procedures it groups. :func:`load_life_events`
writes them into :class:`~dichvucong.procedures.models.LifeEvent` (idempotent: matched by slug,
procedure links replaced). Search expands a query that names an event with the event's procedures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from dichvucong.core.text import fold
from dichvucong.procedures.models import LifeEvent, Procedure

LIFE_EVENTS_FILE = Path(__file__).resolve().parent / "data" / "life_events.json"


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    links: int = 0
    missing_codes: dict[str, list[str]] = field(default_factory=dict)  # slug → codes not in the catalog


def read_life_events(path: Path = LIFE_EVENTS_FILE) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, list):
        raise ValueError("expected a JSON list of life events")
    return data


@transaction.atomic
def load_life_events(*, path: Path = LIFE_EVENTS_FILE) -> LoadReport:
    """Create or update every event of ``path`` and link the procedures of the catalog it names."""
    report = LoadReport()
    for position, item in enumerate(read_life_events(path)):
        keywords = ", ".join(dict.fromkeys(fold(word) for word in item.get("keywords", []) if fold(word)))
        event, created = LifeEvent.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "name_en": item.get("name_en", ""),
                "description": item.get("description", ""),
                "description_en": item.get("description_en", ""),
                "keywords": keywords,
                "audience": item.get("audience", ""),
                "position": position,
            },
        )
        report.created += created
        report.updated += not created
        codes = list(item.get("procedures", []))
        procedures = list(Procedure.objects.filter(code__in=codes))
        event.procedures.set(procedures)
        report.links += len(procedures)
        missing = sorted(set(codes) - {procedure.code for procedure in procedures})
        if missing:
            report.missing_codes[item["slug"]] = missing
    return report
