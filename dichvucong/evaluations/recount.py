"""Tamper evidence for the published figures: recompute each snapshot from the raw rows (ratings,
answers, dossiers) and list every figure that differs from what was published."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dichvucong.evaluations.models import EvaluationSnapshot
from dichvucong.evaluations.periods import parse_period
from dichvucong.evaluations.selectors import list_agency_figures


@dataclass(frozen=True)
class Difference:
    period: str
    agency_code: str
    figure: str
    published: Any
    recomputed: Any

    def __str__(self) -> str:
        where = f"{self.period} {self.agency_code} {self.figure}"
        return f"{where}: published {self.published!r}, recount {self.recomputed!r}"


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        flat: dict[str, Any] = {}
        for key, value in data.items():
            flat.update(_flatten(value, f"{prefix}{key}."))
        return flat
    return {prefix.rstrip("."): data}


def recount(*, period_key: str | None = None) -> tuple[int, list[Difference]]:
    """(snapshots checked, differences) for one period or for all published periods."""
    snapshots = EvaluationSnapshot.objects.select_related("agency").order_by("period", "agency__code")
    if period_key:
        snapshots = snapshots.filter(period=period_key)
    by_period: dict[str, list[EvaluationSnapshot]] = {}
    for snapshot in snapshots:
        by_period.setdefault(snapshot.period, []).append(snapshot)
    differences: list[Difference] = []
    checked = 0
    for key, items in by_period.items():
        period = parse_period(key)
        if period is None:
            continue
        fresh = {
            row.agency_id: json.loads(json.dumps(row.published_figures()))
            for row in list_agency_figures(period)
        }
        for snapshot in items:
            checked += 1
            published = _flatten(snapshot.figures)
            recomputed = _flatten(fresh.get(snapshot.agency_id, {}))
            for figure in sorted(set(published) | set(recomputed)):
                if published.get(figure) != recomputed.get(figure):
                    differences.append(
                        Difference(
                            key, snapshot.agency.code, figure, published.get(figure), recomputed.get(figure)
                        )
                    )
    return checked, differences
