"""Catalog search: the one entry point every page and API call uses.

CONTRACT (kept stable for callers): :func:`search_procedures` returns a :class:`SearchResult`.

The ranking lives in ``searchindex.py`` (an in-process BM25F index over the folded columns,
with a concept lexicon, life events, typo tolerance and a popularity prior); this module cleans the
query, recognises procedure codes, applies the filters, counts the facets and loads the page of
published versions. Queries never reach SQL as text: the database is only asked for rows by id.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dichvucong.procedures.constants import Audience, CatalogScope, Level, OnlineLevel, VersionStatus
from dichvucong.procedures.indexing import CODE_RE, clean_query, terms
from dichvucong.procedures.models import ProcedureVersion
from dichvucong.procedures.searchindex import SearchIndex, get_index

MAX_QUERY_LENGTH = 500
MAX_LIMIT = 100
# A procedure stays in the result set when it scores at least this share of the best one.
RELATIVE_CUTOFF = 0.2
# Large columns a result list never shows; loaded on access if a caller needs them.
LIST_DEFERRED = (
    "raw",
    "parse_problems",
    "search_name",
    "search_text",
    "steps",
    "conditions",
    "legal_basis",
    "audience_text",
    "fee_exemptions",
    "competent_authority",
    "implementing_agency_text",
)


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Hit:
    version: ProcedureVersion  # the published version; ``version.procedure`` is loaded
    score: float


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[Hit]
    # facet name ("field", "level", "audience", "online_level", "scope") → values with counts
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # A note on how the query was understood, e.g. the life event or code it matched (or None).
    interpretation: str | None = None


def published_versions() -> QuerySet[ProcedureVersion]:
    return ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related(
        "procedure", "field"
    )


def _filter_mask(
    index: SearchIndex,
    *,
    field: str | None,
    agency: str | None,
    level: str | None,
    audience: str | None,
    online_level: str | None,
    scope: str | None,
) -> np.ndarray:
    """Which documents pass every filter (an unknown value passes none)."""
    mask = np.ones(len(index.docs), dtype=bool)
    if field:
        mask &= index.field_column == index.field_ids.get(field[:100], -1)
    if agency:
        chosen = np.zeros(len(index.docs), dtype=bool)
        chosen[index.agency_docs.get(agency, np.empty(0, dtype=np.int64))] = True
        mask &= chosen
    if level:
        mask &= index.level_columns.get(level, np.zeros(len(index.docs), dtype=bool))
    if audience:
        mask &= index.audience_columns.get(audience, np.zeros(len(index.docs), dtype=bool))
    if online_level:
        mask &= index.online_column == online_level
    if scope:
        mask &= index.scope_column == scope
    return mask


def _facets(index: SearchIndex, docs: np.ndarray) -> dict[str, list[FacetValue]]:
    fields = Counter(index.field_column[docs].tolist())
    levels = Counter({level: int(index.level_columns[level][docs].sum()) for level in index.level_columns})
    audiences = Counter(
        {name: int(index.audience_columns[name][docs].sum()) for name in index.audience_columns}
    )
    online = Counter(index.online_column[docs].tolist())
    scopes = Counter(index.scope_column[docs].tolist())
    field_values = sorted(
        (FacetValue(*index.fields[pk], count) for pk, count in fields.items() if pk in index.fields),
        key=lambda v: (-v.count, v.label),
    )

    def choices(counter: Counter[str], vocabulary: type) -> list[FacetValue]:
        return [
            FacetValue(value, str(label), counter[value])
            for value, label in vocabulary.choices
            if counter[value]
        ]

    return {
        "field": field_values,
        "level": choices(levels, Level),
        "audience": choices(audiences, Audience),
        "online_level": choices(online, OnlineLevel),
        "scope": choices(scopes, CatalogScope),
    }


def search_procedures(
    query: str,
    *,
    field: str | None = None,  # Field.code
    agency: str | None = None,  # Agency.code: procedures with a local variant at that agency
    level: str | None = None,  # constants.Level value
    audience: str | None = None,  # constants.Audience value
    online_level: str | None = None,  # constants.OnlineLevel value
    scope: str | None = None,  # constants.CatalogScope value
    limit: int = 20,
    offset: int = 0,
    with_facets: bool = True,
) -> SearchResult:
    """Find published procedures for ``query`` (any language, any accents), best first.

    Unknown filter values simply match nothing (the API validates them and answers 400).
    An empty query lists every procedure that passes the filters, most popular first.
    """
    limit = max(0, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    text = clean_query(query, MAX_QUERY_LENGTH)
    index = get_index()
    mask = _filter_mask(
        index,
        field=field,
        agency=agency,
        level=level,
        audience=audience,
        online_level=online_level,
        scope=scope,
    )

    interpretation: str | None = None
    exact: list[int] = []
    for match in CODE_RE.finditer(text):
        code = match.group(0).lower()
        position = index.local_codes.get(code) if match.group(2) else None
        if position is None:
            position = index.by_code.get(match.group(1).lower())
        if position is not None and position not in exact:
            exact.append(position)
    if exact:
        interpretation = _("mã thủ tục %(code)s") % {"code": index.docs[exact[0]].code}
    remainder = CODE_RE.sub(" ", text)
    tokens = terms(remainder)
    scores: np.ndarray | None = None
    if tokens:
        scores, analysis = index.score(tokens)
        top = float(scores.max()) if len(scores) else 0.0
        selected = np.flatnonzero((scores >= RELATIVE_CUTOFF * top) & (scores > 0) & mask)
        # Best first; equal scores by code (documents are stored in code order).
        ranked = selected[np.lexsort((selected, -scores[selected]))]
        if analysis.notes and interpretation is None:
            interpretation = "; ".join(analysis.notes[:3])
    elif exact:
        ranked = np.empty(0, dtype=np.int64)
    else:
        ranked = index.by_prior[mask[index.by_prior]]
    first = [position for position in exact if mask[position]]
    if first:
        ranked = np.concatenate([np.array(first, dtype=np.int64), ranked[~np.isin(ranked, first)]])
    best = float(scores[ranked[len(first)]]) if scores is not None and len(ranked) > len(first) else 1.0
    page = [int(position) for position in ranked[offset : offset + limit]]
    versions = (
        published_versions()
        .defer(*LIST_DEFERRED)
        .in_bulk([index.docs[position].version_id for position in page])
    )
    hits = []
    for position in page:
        version = versions.get(index.docs[position].version_id)
        if version is None:
            continue
        value = (
            best * 10 + 1.0 if position in first else (float(scores[position]) if scores is not None else 0.0)
        )
        hits.append(Hit(version=version, score=round(value, 4)))
    facets = _facets(index, ranked) if with_facets else {}
    return SearchResult(total=len(ranked), hits=hits, facets=facets, interpretation=interpretation)
