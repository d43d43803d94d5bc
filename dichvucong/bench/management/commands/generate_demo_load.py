"""``manage.py generate_demo_load --dossiers N``: the data set ``manage.py bench`` measures against.

1. ``generate_dossiers`` makes N dossiers (with ``--top-up``: only what brings the total to N) with
   2–6 events each, spread over ``--years`` years of office hours: the most used procedures most
   often (Zipf over usage rank), only agencies that receive each procedure, the national channel mix
   (online 45 %, counter 50 %, post 5 %), and outcomes by age (old dossiers mostly returned, recent
   ones still open).
2. One heavy citizen (``bench-citizen``, level 2, no usable password) becomes the owner of
   ``--citizen-dossiers`` online dossiers, for the "my dossiers" benchmarks; a city-wide auditor
   (``bench-auditor``) is made for the officer search, and the leader of the busiest agency
   (``bench-leader``) for the worklist.
3. ``rebuild_rollups`` runs when the reports app provides it (the statistics read rollups).

Ends with one JSON line: dossiers and events in the database, seconds taken, database bytes on disk
and bytes per dossier (what docs/performance.md sizes storage from).
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dichvucong.bench import dataset


class Command(BaseCommand):
    help = "Generate N realistic dossiers (10 years), a heavy citizen, and rebuild the statistics rollups."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dossiers", type=int, default=10_000, help="dossiers to add (default 10000)")
        parser.add_argument("--years", type=int, default=10, help="years the dossiers span (default 10)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
        parser.add_argument(
            "--users", type=int, default=0, help="synthetic owners (default: dossiers / 20, at least 100)"
        )
        parser.add_argument(
            "--top-up",
            action="store_true",
            help="treat --dossiers as the total wanted: add only what the database lacks (make bench)",
        )
        parser.add_argument(
            "--citizen-dossiers",
            type=int,
            default=500,
            help="online dossiers owned by bench-citizen, the 'my dossiers' benchmarks' user (default 500)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["dossiers"]
        if count < 0 or count > 50_000_000:
            raise CommandError("--dossiers must be between 0 and 50000000")
        if options["citizen_dossiers"] < 0:
            raise CommandError("--citizen-dossiers must not be negative")
        if not dataset.catalog_ready():
            raise CommandError(
                "no published procedure is received by any agency: load the demo city first (make demo)"
            )
        if options["top_up"]:
            count = max(count - dataset.counts()["dossiers"], 0)
        started = time.monotonic()
        if count:
            call_command(
                "generate_dossiers",
                count=count,
                years=options["years"],
                seed=options["seed"],
                users=options["users"],
                stdout=self.stdout,
                stderr=self.stderr,
            )
        generated_s = time.monotonic() - started
        citizen = dataset.ensure_citizen()
        owned = dataset.give_dossiers_to_citizen(citizen, options["citizen_dossiers"])
        try:
            dataset.ensure_officer()
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        dataset.ensure_leader()
        self.stdout.write(f"{citizen.username} owns {owned:,} dossiers")
        rollups: str | float = "skipped: no rebuild_rollups command (reports app not installed)"
        if "rebuild_rollups" in get_commands():
            rollups_started = time.monotonic()
            call_command("rebuild_rollups", stdout=self.stdout, stderr=self.stderr)
            rollups = round(time.monotonic() - rollups_started, 1)
        totals = dataset.counts()
        size = dataset.database_bytes()
        line = {
            "name": "generate_demo_load",
            "added": count,
            **totals,
            "citizen_dossiers": owned,
            "generate_s": round(generated_s, 1),
            "rollups_s": rollups,
            "total_s": round(time.monotonic() - started, 1),
            "db_bytes": size,
            "bytes_per_dossier": round(size / totals["dossiers"]) if size and totals["dossiers"] else None,
            "table_bytes": dataset.table_bytes(),
        }
        self.stdout.write(json.dumps(line))
