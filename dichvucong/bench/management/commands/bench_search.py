"""``manage.py bench_search``: catalog search latency in process, on the catalog and on 10,000 procedures.

Prints one JSON line per scenario: ``{"name", "procedures", "queries", "p50_ms", "p95_ms", "build_ms"}``.
``search_catalog`` runs the query mix on the catalog as it is; ``search_10k`` first adds synthetic
procedures (copies of the published versions with shuffled name words) up to ``--size`` inside a
transaction that is rolled back, so the database is left exactly as it was. Figures are measured,
never asserted (see docs/performance.md). The HTTP path is measured by ``manage.py bench --only
api_search``.
"""

from __future__ import annotations

import json
import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dichvucong.bench.harness import percentile
from dichvucong.procedures.constants import VersionStatus
from dichvucong.procedures.models import Procedure, ProcedureVersion
from dichvucong.procedures.relevance import load_queries
from dichvucong.procedures.search import search_procedures
from dichvucong.procedures.searchindex import get_index, reset_index
from dichvucong.procedures.synonyms import DATA_DIR

EXTRA_QUERIES = ["", "dang ky", "giấy phép", "thuế", "đất đai", "hộ kinh doanh", "x" * 600, "1.001193"]


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Measure catalog search p50/p95 in process on the catalog and on a synthetic 10,000-procedure one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rounds", type=int, default=10, help="times the query mix runs (default 10)")
        parser.add_argument("--size", type=int, default=10_000, help="procedures in the large scenario")

    def handle(self, *args: Any, **options: Any) -> None:
        if not ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED).exists():
            raise CommandError("the catalog is empty: run `manage.py import_catalog FILE` first")
        queries = [item["q"] for item in load_queries(DATA_DIR / "search-dev-queries.json")] + EXTRA_QUERIES
        self._measure("search_catalog", queries, options["rounds"])
        try:
            with transaction.atomic():
                self._synthesise(options["size"])
                self._measure("search_10k", queries, options["rounds"])
                raise _Rollback
        except _Rollback:
            pass
        reset_index()

    def _measure(self, name: str, queries: list[str], rounds: int) -> None:
        reset_index()
        started = time.perf_counter()
        index = get_index()
        build_ms = (time.perf_counter() - started) * 1000
        search_procedures("warm up")
        latencies: list[float] = []
        for _ in range(rounds):
            for query in queries:
                started = time.perf_counter()
                search_procedures(query)
                latencies.append((time.perf_counter() - started) * 1000)
        latencies.sort()
        line = {
            "name": name,
            "procedures": len(index.docs),
            "queries": len(latencies),
            "p50_ms": round(percentile(latencies, 0.5), 2),
            "p95_ms": round(percentile(latencies, 0.95), 2),
            "build_ms": round(build_ms, 1),
        }
        self.stdout.write(json.dumps(line))
        self.stdout.flush()

    def _synthesise(self, size: int) -> None:
        """Copy published versions with shuffled name words until the catalog has ``size`` procedures."""
        rng = random.Random(42)  # noqa: S311 - test data, not security
        sources = list(
            ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related("field")
        )
        missing = size - len(sources)
        if missing <= 0:
            return
        procedures = Procedure.objects.bulk_create(
            [Procedure(code=f"8.{n:06d}", scope=rng.choice(["local", "central"])) for n in range(missing)]
        )
        versions = []
        for procedure in procedures:
            source = rng.choice(sources)
            words = source.search_name.split()
            rng.shuffle(words)
            name = " ".join(words)
            versions.append(
                ProcedureVersion(
                    procedure=procedure,
                    number=1,
                    status=VersionStatus.PUBLISHED,
                    name=name,
                    field=source.field,
                    level_city=source.level_city,
                    level_ward=source.level_ward,
                    level_central=source.level_central,
                    for_citizens=source.for_citizens,
                    for_businesses=source.for_businesses,
                    online_level=source.online_level,
                    search_name=name,
                    search_text=name + " " + source.search_text[len(source.search_name) :],
                )
            )
        ProcedureVersion.objects.bulk_create(versions, batch_size=1000)
