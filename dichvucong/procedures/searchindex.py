"""The in-process search index over the published catalog, and the query analyser that ranks it.

Built once per process from the database (about a second for the 2,642 procedures of the national
catalog) and rebuilt when the catalog changes: searches read a cheap *signature* (count and latest
``updated_at`` of published versions, local variants, life-event links) at most once a second per
process (on every search under tests) and rebuild when it differs, plus at most every
:data:`MAX_AGE_SECONDS` so popularity counters are picked up.

Ranking (all on folded terms, see ``indexing.terms``):

- BM25F over three fields — name (boost 3), English name (boost 2), search text (name, field,
  results, documents; boost 1) — for single terms and for adjacent-term bigrams (phrase bonus);
- the query is cut into *concept groups*: one per original word, one per lexicon phrase
  (``synonyms.py``: "sổ đỏ" → "giấy chứng nhận quyền sử dụng đất", "death" → "khai tử") and one per
  life event whose keywords it contains; a group scores its best alternative, and the total is
  scaled by the share of groups a procedure matches (coverage);
- typo tolerance at the vocabulary level: an unknown word is split into known syllables
  ("dangky" → "dang ky") or replaced by the closest known words (Levenshtein ≤ 1–2, ``rapidfuzz``),
  and a word pair that never occurs is replaced by the closest pair that does ("tam chu" → "tam tru");
- a popularity prior (``Procedure.popularity``/``usage_rank``) and a slight preference for city/ward
  level procedures over central ones.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Count, Max
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from dichvucong.procedures.constants import VersionStatus
from dichvucong.procedures.indexing import terms
from dichvucong.procedures.models import Field, LifeEvent, ProcedureAgency, ProcedureVersion
from dichvucong.procedures.synonyms import get_lexicon

MAX_AGE_SECONDS = 300.0
CHECK_SECONDS = 1.0  # how often a process reads the catalog signature (every search under tests)
K1 = 1.2
B = 0.75
FIELD_BOOSTS = {"name": 3.0, "en": 2.0, "text": 1.0}
BIGRAM_WEIGHT = 0.6  # phrase bonus for adjacent query words found adjacent in a procedure
ORIGINAL_IN_SYNONYM = 0.5  # the colloquial words themselves, when the lexicon explains them
CORRECTION_FACTOR = 0.85
LEVELS = ("central", "city", "ward")
AUDIENCES = ("citizen", "business")
EVENT_SCORE = 6.0
STOP_WEIGHT = 0.15

# Words that carry no subject in a question ("tôi muốn làm thủ tục … thế nào"), folded.
STOPWORDS = frozenset(
    terms(
        "thủ tục làm cần muốn tôi mình em anh chị có không phải thế nào như thì là và của cho được bị "
        "để với về mà những các một gì đâu ở đâu bao nhiêu sao nên hay hoặc nhé ạ ơi rồi đã sẽ đang "
        "cách xin hỏi giúp vậy này kia đó khi nếu thể the a an of for to in my how do i on at with is "
        "what where can get need please want"
    )
)


@dataclass
class Doc:
    version_id: int
    code: str
    field_id: int
    levels: tuple[str, ...]
    audiences: tuple[str, ...]
    online_level: str
    scope: str
    prior: float
    agencies: frozenset[str] = frozenset()


@dataclass
class Group:
    weight: float
    alternatives: list[tuple[float, tuple[str, ...]]]
    counts: bool = True  # counted in coverage
    docs_bonus: dict[int, float] | None = None  # a life event: fixed score for its procedures


@dataclass
class Analysis:
    groups: list[Group] = field(default_factory=list)
    phrases: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)


def _strip_prefix(tokens: list[str]) -> list[str]:
    """Most names start with "Thủ tục …", some don't: drop it so it neither pads nor shortens a name."""
    return tokens[2:] if tokens[:2] == ["thu", "tuc"] else tokens


def bigram(first: str, second: str) -> str:
    return f"{first}_{second}"


class SearchIndex:
    """Postings (term → {doc: BM25F weight}) for unigrams and bigrams, plus per-document facets."""

    def __init__(
        self,
        rows: list[dict],
        agencies: dict[int, set[str]],
        local_codes: dict[str, int],
        events: list[tuple[str, list[tuple[str, ...]], set[int]]],
    ) -> None:
        self.docs: list[Doc] = []
        self.fields: dict[int, tuple[str, str]] = {}  # Field pk → (code, name), for facets
        self.field_ids: dict[str, int] = {}
        self.by_code: dict[str, int] = {}
        self.by_procedure: dict[int, int] = {}
        field_tokens: list[dict[str, list[str]]] = []
        max_popularity = max((row["procedure__popularity"] or 0.0 for row in rows), default=0.0)
        for row in rows:
            levels = tuple(
                level
                for level, flag in (
                    ("central", row["level_central"]),
                    ("city", row["level_city"]),
                    ("ward", row["level_ward"]),
                )
                if flag
            )
            audiences = tuple(
                name
                for name, flag in (("citizen", row["for_citizens"]), ("business", row["for_businesses"]))
                if flag
            )
            index = len(self.docs)
            self.docs.append(
                Doc(
                    version_id=row["id"],
                    code=row["procedure__code"],
                    field_id=row["field_id"],
                    levels=levels,
                    audiences=audiences,
                    online_level=row["online_level"],
                    scope=row["procedure__scope"],
                    prior=self._prior(
                        row["procedure__popularity"] or 0.0,
                        max_popularity,
                        row["procedure__usage_rank"],
                        levels,
                    ),
                    agencies=frozenset(agencies.get(row["procedure_id"], ())),
                )
            )
            self.by_code[row["procedure__code"].lower()] = index
            self.by_procedure[row["procedure_id"]] = index
            field_tokens.append(
                {
                    "name": _strip_prefix(terms(row["search_name"] or "", folded=True)),
                    "en": terms(row["name_en"] or ""),
                    "text": terms(row["search_text"] or "", folded=True),
                }
            )
        self.local_codes = {
            code.lower(): self.by_procedure[pid]
            for code, pid in local_codes.items()
            if pid in self.by_procedure
        }
        self.events = [
            (label, phrases, {self.by_procedure[pid] for pid in pids if pid in self.by_procedure})
            for label, phrases, pids in events
        ]
        self.event_max_length = max((len(p) for _, phrases, _ in self.events for p in phrases), default=0)
        self._build_postings(field_tokens)

    @staticmethod
    def _prior(
        popularity: float, max_popularity: float, usage_rank: int | None, levels: tuple[str, ...]
    ) -> float:
        value = 0.0
        if max_popularity > 0 and popularity > 0:
            value += 0.5 * math.log1p(popularity) / math.log1p(max_popularity)
        if usage_rank:
            value += 0.5 / (1.0 + math.log2(usage_rank))
        local = 0.03 if ("ward" in levels or "city" in levels) else 0.0
        return 1.0 + 0.2 * value + local

    def _build_postings(self, field_tokens: list[dict[str, list[str]]]) -> None:
        count = max(len(field_tokens), 1)
        average = {
            name: max(sum(len(tokens[name]) for tokens in field_tokens) / count, 1.0) for name in FIELD_BOOSTS
        }
        weighted: dict[str, dict[int, float]] = defaultdict(dict)
        for doc, fields in enumerate(field_tokens):
            local: dict[str, float] = defaultdict(float)
            for name, tokens in fields.items():
                if not tokens:
                    continue
                norm = FIELD_BOOSTS[name] / (1 - B + B * len(tokens) / average[name])
                for token in tokens:
                    local[token] += norm
                for first, second in itertools.pairwise(tokens):
                    local[bigram(first, second)] += norm
            for term, tf in local.items():
                weighted[term][doc] = tf
        self.size = len(field_tokens)
        self.priors = np.array([doc.prior for doc in self.docs], dtype=np.float64)
        # The listing order of an empty query: most popular first, then by code.
        self.by_prior = np.array(
            sorted(range(len(self.docs)), key=lambda doc: (-self.docs[doc].prior, self.docs[doc].code)),
            dtype=np.int64,
        )
        # Facet/filter columns as arrays, so filters and counts are vector operations.
        self.field_column = np.array([doc.field_id for doc in self.docs], dtype=np.int64)
        self.level_columns = {
            level: np.array([level in doc.levels for doc in self.docs], dtype=bool) for level in LEVELS
        }
        self.audience_columns = {
            audience: np.array([audience in doc.audiences for doc in self.docs], dtype=bool)
            for audience in AUDIENCES
        }
        self.online_column = np.array([doc.online_level for doc in self.docs], dtype=object)
        self.scope_column = np.array([doc.scope for doc in self.docs], dtype=object)
        agency_docs: dict[str, list[int]] = defaultdict(list)
        for position, doc in enumerate(self.docs):
            for agency in doc.agencies:
                agency_docs[agency].append(position)
        self.agency_docs = {code: np.array(found, dtype=np.int64) for code, found in agency_docs.items()}
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, docs in weighted.items():
            idf = math.log(1 + (count - len(docs) + 0.5) / (len(docs) + 0.5))
            ids = np.fromiter(docs.keys(), dtype=np.int32, count=len(docs))
            tfs = np.fromiter(docs.values(), dtype=np.float64, count=len(docs))
            self.postings[term] = (ids, idf * tfs * (K1 + 1) / (tfs + K1))
        self.vocabulary = [term for term in self.postings if "_" not in term]
        self.vocabulary_set = set(self.vocabulary)
        self.pairs_after: dict[str, list[str]] = defaultdict(list)
        self.pairs_before: dict[str, list[str]] = defaultdict(list)
        for term in self.postings:
            if "_" in term:
                first, second = term.split("_", 1)
                self.pairs_after[first].append(second)
                self.pairs_before[second].append(first)

    # -- query analysis -------------------------------------------------------------------------

    def df(self, term: str) -> int:
        posting = self.postings.get(term)
        return 0 if posting is None else len(posting[0])

    def split_run_together(self, token: str) -> tuple[str, ...] | None:
        """ "dangkytamtru" → ("dang", "ki", "tam", "tru") when every piece is a known syllable."""
        if len(token) < 4 or token.isdigit():
            return None
        best: dict[int, tuple[int, tuple[str, ...]]] = {0: (0, ())}
        for end in range(1, len(token) + 1):
            for start in range(max(0, end - 7), end):
                if start not in best:
                    continue
                piece = terms(token[start:end], folded=True)
                if len(piece) != 1 or piece[0] not in self.vocabulary_set:
                    continue
                cost = best[start][0] + 1
                if end not in best or cost < best[end][0]:
                    best[end] = (cost, best[start][1] + (piece[0],))
        pieces = best.get(len(token), (0, ()))[1]
        if len(pieces) < 2:
            return None
        if any(bigram(a, b) not in self.postings for a, b in itertools.pairwise(pieces)):
            return None
        return pieces

    def corrections(self, token: str) -> list[str]:
        """Known words within one (short words) or two (long words) edits of an unknown ``token``."""
        if len(token) < 4 or token.isdigit():
            return []
        limit = 1 if len(token) <= 6 else 2
        found = process.extract(
            token, self.vocabulary, scorer=Levenshtein.distance, score_cutoff=limit, limit=8
        )
        found.sort(key=lambda item: (item[1], -self.df(item[0])))
        return [term for term, _, _ in found[:3]]

    def pair_corrections(self, first: str, second: str) -> list[tuple[str, str]]:
        """For a pair of words never seen together, the closest pairs that are (one side kept)."""
        if bigram(first, second) in self.postings:
            return []
        candidates: list[tuple[int, int, tuple[str, str]]] = []
        for other in self.pairs_after.get(first, ()):
            distance = Levenshtein.distance(second, other, score_cutoff=2)
            if distance <= (1 if len(second) <= 2 else 2) and other != second:
                candidates.append((distance, -self.df(bigram(first, other)), (first, other)))
        for other in self.pairs_before.get(second, ()):
            distance = Levenshtein.distance(first, other, score_cutoff=2)
            if distance <= (1 if len(first) <= 2 else 2) and other != first:
                candidates.append((distance, -self.df(bigram(other, second)), (other, second)))
        candidates.sort()
        return [pair for _, _, pair in candidates[:2]]

    def analyse(self, tokens: list[str]) -> Analysis:
        analysis = Analysis()
        lexicon = get_lexicon()
        matches = lexicon.match(tokens)
        covered: set[int] = set()
        english = any(match.language == "en" for match in matches)
        for match in matches:
            span = tuple(tokens[match.start : match.end])
            covered.update(range(match.start, match.end))
            alternatives = [(1.0, means) for means in match.means]
            if match.language == "vi":
                alternatives.append((ORIGINAL_IN_SYNONYM, span))
            analysis.groups.append(Group(weight=1.0, alternatives=alternatives))
            analysis.notes.append(" ".join(span) + " → " + "; ".join(" ".join(m) for m in match.means[:3]))
        # Life events named in the query ("bố mất", "sinh con", "mở quán").
        position = 0
        while position < len(tokens) and self.event_max_length:
            hit = False
            for length in range(min(self.event_max_length, len(tokens) - position), 0, -1):
                key = tuple(tokens[position : position + length])
                for label, phrases, docs in self.events:
                    if key in phrases and docs:
                        analysis.groups.append(
                            Group(weight=1.0, alternatives=[], docs_bonus=dict.fromkeys(docs, EVENT_SCORE))
                        )
                        analysis.notes.append(label)
                        hit = True
                if hit:
                    position += length
                    break
            else:
                position += 1
        # Every word the lexicon did not explain: itself, its corrections or its syllables.
        effective: list[str | None] = []
        for position, token in enumerate(tokens):
            if position in covered:
                effective.append(None)
                continue
            if token in STOPWORDS:
                analysis.groups.append(
                    Group(weight=STOP_WEIGHT, alternatives=[(1.0, (token,))], counts=False)
                )
                effective.append(token)
                continue
            alternatives: list[tuple[float, tuple[str, ...]]] = []
            if token in self.vocabulary_set:
                alternatives.append((1.0, (token,)))
            else:
                pieces = self.split_run_together(token)
                if pieces:
                    alternatives.append((1.0, pieces))
                if not english:  # an English word the glossary lacks is not a misspelt Vietnamese one
                    alternatives += [(CORRECTION_FACTOR, (term,)) for term in self.corrections(token)]
            if not alternatives:
                alternatives.append((1.0, (token,)))
            analysis.groups.append(Group(weight=1.0, alternatives=alternatives))
            effective.append(token)
        # Adjacent pairs: phrase bonus, and pair-level typo fixes ("tam chu" → "tam tru").
        for first, second in itertools.pairwise(effective):
            if first is None or second is None or (first in STOPWORDS and second in STOPWORDS):
                continue
            if bigram(first, second) in self.postings:
                analysis.phrases.append((first, second))
                continue
            fixes = self.pair_corrections(first, second)
            if fixes:
                analysis.groups.append(
                    Group(
                        weight=1.0, alternatives=[(CORRECTION_FACTOR, pair) for pair in fixes], counts=False
                    )
                )
        return analysis

    # -- scoring --------------------------------------------------------------------------------

    def _alternative_scores(self, sequence: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """(score, share of the sequence's words present) per document, for one alternative."""
        scores = np.zeros(self.size)
        present = np.zeros(self.size)
        for term in sequence:
            posting = self.postings.get(term)
            if posting is not None:
                scores[posting[0]] += posting[1]
                present[posting[0]] += 1.0
        for first, second in itertools.pairwise(sequence):
            posting = self.postings.get(bigram(first, second))
            if posting is not None:
                scores[posting[0]] += BIGRAM_WEIGHT * posting[1]
        return scores, present / max(len(sequence), 1)

    def score(self, tokens: list[str]) -> tuple[np.ndarray, Analysis]:
        """A score per document (0 = not matched) and how the query was understood."""
        analysis = self.analyse(tokens)
        totals = np.zeros(self.size)
        matched = np.zeros(self.size)
        coverage_total = sum(group.weight for group in analysis.groups if group.counts) or 1.0
        for group in analysis.groups:
            best = np.zeros(self.size)
            best_share = np.zeros(self.size)
            if group.docs_bonus:
                ids = np.fromiter(group.docs_bonus.keys(), dtype=np.int32, count=len(group.docs_bonus))
                best[ids] = np.fromiter(group.docs_bonus.values(), dtype=np.float64, count=len(ids))
                best_share[ids] = 1.0
            for factor, sequence in group.alternatives:
                value, share = self._alternative_scores(sequence)
                value *= factor
                better = value > best
                best = np.where(better, value, best)
                best_share = np.where(better, share, best_share)
            totals += group.weight * best
            if group.counts:
                matched += np.where(best_share >= 0.5, group.weight * best_share, 0.0)
        for first, second in analysis.phrases:
            posting = self.postings.get(bigram(first, second))
            if posting is not None:
                totals[posting[0]] += BIGRAM_WEIGHT * posting[1]
        coverage = np.minimum(matched / coverage_total, 1.0)
        return totals * (0.2 + 0.8 * coverage**1.5) * self.priors, analysis


# -- the per-process index and its invalidation ---------------------------------------------------

_lock = threading.Lock()
_state: dict[str, object] = {"index": None, "signature": None, "built_at": 0.0, "checked_at": 0.0}


def catalog_signature() -> tuple:
    """Cheap aggregate that changes whenever a version is published/superseded or links change."""
    versions = ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED).aggregate(
        n=Count("id"), latest=Max("updated_at"), top=Max("id")
    )
    variants = ProcedureAgency.objects.aggregate(n=Count("id"), top=Max("id"))
    events = LifeEvent.objects.aggregate(n=Count("id"), links=Count("procedures"), top=Max("procedures"))
    return (
        versions["n"],
        versions["latest"],
        versions["top"],
        variants["n"],
        variants["top"],
        events["n"],
        events["links"],
        events["top"],
    )


def build_index() -> SearchIndex:
    rows = list(
        ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .values(
            "id",
            "procedure_id",
            "procedure__code",
            "procedure__scope",
            "procedure__popularity",
            "procedure__usage_rank",
            "field_id",
            "search_name",
            "search_text",
            "name_en",
            "level_central",
            "level_city",
            "level_ward",
            "for_citizens",
            "for_businesses",
            "online_level",
        )
        .order_by("procedure__code")
    )
    agencies: dict[int, set[str]] = defaultdict(set)
    local_codes: dict[str, int] = {}
    for procedure_id, agency_code, local_code, active in ProcedureAgency.objects.values_list(
        "procedure_id", "agency__code", "local_code", "is_active"
    ):
        local_codes[local_code] = procedure_id
        if active:
            agencies[procedure_id].add(agency_code)
    events: list[tuple[str, list[tuple[str, ...]], set[int]]] = []
    for event in LifeEvent.objects.prefetch_related("procedures"):
        phrases = [tuple(terms(phrase)) for phrase in event.keywords.replace("\n", ",").split(",")]
        phrases = [phrase for phrase in phrases if phrase]
        events.append((event.name, phrases, {procedure.pk for procedure in event.procedures.all()}))
    index = SearchIndex(rows, agencies, local_codes, events)
    for pk, code, name in Field.objects.values_list("pk", "code", "name"):
        index.fields[pk] = (code, name)
        index.field_ids[code] = pk
    return index


def get_index() -> SearchIndex:
    """The current index, rebuilt if the catalog changed since it was built.

    The signature is read at most every :data:`CHECK_SECONDS` per process, so a burst of searches
    costs one aggregate query, and a newly published version is found within that delay.
    """
    index = _state["index"]
    now = time.monotonic()
    # Tests build a new catalog in every test (and roll it back): check on every search there.
    interval = 0.0 if settings.DJANGO_ENV == "test" else CHECK_SECONDS
    if index is not None and now - float(_state["checked_at"]) < interval:  # type: ignore[arg-type]
        return index  # type: ignore[return-value]
    signature = catalog_signature()
    _state["checked_at"] = now
    if (
        index is not None
        and _state["signature"] == signature
        and now - float(_state["built_at"]) < MAX_AGE_SECONDS  # type: ignore[arg-type]
    ):
        return index  # type: ignore[return-value]
    with _lock:
        if (
            _state["index"] is None
            or _state["signature"] != signature
            or (
                time.monotonic() - float(_state["built_at"]) >= MAX_AGE_SECONDS  # type: ignore[arg-type]
            )
        ):
            _state["index"] = build_index()
            _state["signature"] = signature
            _state["built_at"] = time.monotonic()
        return _state["index"]  # type: ignore[return-value]


def reset_index() -> None:
    """Forget the index (tests, and after bulk changes made outside the normal signature)."""
    with _lock:
        _state.update(index=None, signature=None, built_at=0.0, checked_at=0.0)
