"""Relevance measurement of catalog search: recall@5 and MRR over a file of judged queries.

The file is a JSON list of ``{"q": query, "relevant": [codes], "kind": "exact|no-accent|…"}``.
recall@5 of a query is the share of its relevant codes found in the first five results (out of at
most five); MRR is the mean of 1 / rank of the first relevant result (0 when none is in the top 20).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from dichvucong.procedures.search import search_procedures

DEPTH = 20


@dataclass(frozen=True)
class QueryScore:
    query: str
    kind: str
    recall_at_5: float
    reciprocal_rank: float
    top: list[str]


def load_queries(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, list):
        raise ValueError("expected a JSON list of {q, relevant, kind}")
    return data


def score_query(item: dict) -> QueryScore:
    relevant = set(item["relevant"])
    result = search_procedures(item["q"], limit=DEPTH, with_facets=False)
    codes = [hit.version.procedure.code for hit in result.hits]
    found = len(relevant & set(codes[:5]))
    recall = found / min(len(relevant), 5) if relevant else 0.0
    rank = next((position for position, code in enumerate(codes, 1) if code in relevant), None)
    return QueryScore(item["q"], item.get("kind", "other"), recall, 1 / rank if rank else 0.0, codes[:5])


def evaluate(items: list[dict]) -> tuple[list[QueryScore], dict[str, tuple[int, float, float]]]:
    """Per-query scores and ``{kind or "all": (queries, recall@5, MRR)}``."""
    scores = [score_query(item) for item in items]
    groups: dict[str, list[QueryScore]] = defaultdict(list)
    for score in scores:
        groups[score.kind].append(score)
        groups["all"].append(score)
    summary = {
        kind: (
            len(members),
            sum(m.recall_at_5 for m in members) / len(members),
            sum(m.reciprocal_rank for m in members) / len(members),
        )
        for kind, members in groups.items()
    }
    return scores, summary
