"""``manage.py search_relevance [FILE]``: recall@5 and MRR of catalog search on judged queries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dichvucong.procedures.relevance import evaluate, load_queries
from dichvucong.procedures.synonyms import DATA_DIR


class Command(BaseCommand):
    help = "Print recall@5 and MRR of catalog search, overall and per kind of query."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", nargs="?", default=str(DATA_DIR / "search-dev-queries.json"), help="judged queries (JSON)"
        )
        parser.add_argument("--verbose-misses", action="store_true", help="list queries not answered first")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            items = load_queries(path)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from None
        if not items:
            raise CommandError(f"{path} has no queries")
        scores, summary = evaluate(items)
        if options["verbose_misses"]:
            for score in scores:
                if score.reciprocal_rank < 1 or score.recall_at_5 < 1:
                    self.stdout.write(
                        f"  [{score.kind}] {score.query!r}: recall@5={score.recall_at_5:.2f} "
                        f"RR={score.reciprocal_rank:.2f} top={score.top}"
                    )
        self.stdout.write(f"{'kind':<12} {'queries':>7} {'recall@5':>9} {'MRR':>6}")
        for kind in sorted(summary, key=lambda k: (k == "all", k)):
            count, recall, mrr = summary[kind]
            self.stdout.write(f"{kind:<12} {count:>7} {recall:>9.3f} {mrr:>6.3f}")
