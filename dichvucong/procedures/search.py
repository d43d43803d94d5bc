"""Catalog search: the one entry point every page and API call uses.

CONTRACT (kept stable for callers): :func:`search_procedures` returns a :class:`SearchResult`.
The implementation below is a placeholder (folded substring match) to be replaced by the real
ranking (synonyms, typo tolerance, popularity prior, PostgreSQL unaccent + pg_trgm).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from dichvucong.core.text import fold
from dichvucong.procedures.constants import VersionStatus
from dichvucong.procedures.models import ProcedureVersion

MAX_QUERY_LENGTH = 500


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
) -> SearchResult:
    """Find published procedures for ``query`` (any language, any accents), best first."""
    versions = published_versions()
    if field:
        versions = versions.filter(field__code=field)
    folded = fold(query[:MAX_QUERY_LENGTH])
    if folded:
        versions = versions.filter(search_text__contains=folded)
    total = versions.count()
    page = versions.order_by("-procedure__popularity")[offset : offset + limit]
    hits = [Hit(version=v, score=1.0) for v in page]
    return SearchResult(total=total, hits=hits)
