"""``manage.py bench``: start the app under gunicorn on a free loopback port and measure it.

Prints ONE JSON line per benchmark (``dichvucong.bench.scenarios.BENCHMARKS``):

    {"name", "n", "concurrency", "p50_ms", "p95_ms", "throughput_rps", "peak_rss_mb", "rows",
     "ratio_to_bare", "errors", …}

``n`` is the number of requests that completed; ``rows`` the dossiers in the database when the
benchmark ran; ``peak_rss_mb`` the highest resident memory of the gunicorn master plus its workers
sampled during the run; ``ratio_to_bare`` the p95 divided by the p95 of ``/bench/bare`` (the full
middleware stack and nothing else) measured in the same run, so figures from different machines
compare. A benchmark whose app, URL or data is missing prints ``{"name", "skipped"}`` instead.

Read benchmarks send ``--requests`` requests from ``--concurrency`` client threads (keep-alive
``http.client`` connections, loopback only, bounded by ``--max-seconds``). ``submit_online`` files
``--submissions`` dossiers with two 200 KB PDFs each from ``--submit-concurrency`` clients (it WRITES
to the database and to MEDIA_ROOT). ``public_load`` mixes public pages and look-ups from
``--load-concurrency`` clients (100 by default) and reports its errors without failing the command;
with ``--load-think-ms`` > 0 each of its clients pauses between requests like a person reading the
page (exponential, that mean; default 0 = the harsher closed loop), and its line says ``think_ms``.
The clients run in this process and share the CPU with the server: the numbers are a floor for the
server's capacity, never a ceiling. Nothing here is asserted in tests.
"""

from __future__ import annotations

import json
import tempfile
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from dichvucong.bench import scenarios
from dichvucong.bench.harness import RssSampler, Server, drive, percentile, summarise
from dichvucong.dossiers.models import Dossier

__all__ = ["BENCHMARKS", "Command", "percentile"]

# The benchmark names, in the order they run (``--only`` / ``--skip`` choices).
BENCHMARKS: list[str] = scenarios.NAMES


class Command(BaseCommand):
    help = "Start gunicorn on a free loopback port and print one JSON line of latency figures per benchmark."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--requests", type=int, default=1000, help="requests per read benchmark (default 1000)"
        )
        parser.add_argument("--concurrency", type=int, default=20, help="concurrent clients (default 20)")
        parser.add_argument(
            "--submissions", type=int, default=100, help="dossiers submit_online files (default 100)"
        )
        parser.add_argument(
            "--submit-concurrency", type=int, default=4, help="clients submitting at once (default 4)"
        )
        parser.add_argument(
            "--load-requests", type=int, default=3000, help="requests of public_load (default 3000)"
        )
        parser.add_argument(
            "--load-concurrency", type=int, default=100, help="clients of public_load (default 100)"
        )
        parser.add_argument(
            "--load-think-ms",
            type=float,
            default=0.0,
            help="mean pause of each public_load client between requests, in ms (default 0: no pause)",
        )
        parser.add_argument(
            "--max-seconds", type=float, default=30.0, help="stop a benchmark after this long (default 30)"
        )
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
        parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
        parser.add_argument(
            "--only",
            action="append",
            choices=BENCHMARKS,
            help="run only this benchmark (repeatable; bare always runs first)",
        )
        parser.add_argument(
            "--skip", action="append", choices=BENCHMARKS, default=[], help="leave this benchmark out"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for name, low, high in (
            ("requests", 1, 1_000_000),
            ("concurrency", 1, 512),
            ("submissions", 1, 100_000),
            ("submit_concurrency", 1, 64),
            ("load_requests", 1, 1_000_000),
            ("load_concurrency", 1, 1000),
        ):
            if not low <= options[name] <= high:
                raise CommandError(f"--{name.replace('_', '-')} must be between {low} and {high}")
        if options["max_seconds"] <= 0:
            raise CommandError("--max-seconds must be positive")
        if not 0 <= options["load_think_ms"] <= 60_000:
            raise CommandError("--load-think-ms must be between 0 and 60000")
        selected = (set(options["only"] or BENCHMARKS) - set(options["skip"])) | {"bare"}
        ctx = scenarios.prepare(selected)
        # The server's connections must not meet a transaction or a lock held by this process.
        connection.close()
        failures: list[str] = []
        try:
            with tempfile.TemporaryFile(mode="w+b") as server_log:
                server = Server(
                    base_dir=settings.BASE_DIR,
                    workers=options["workers"],
                    threads=options["threads"],
                    log=server_log,
                )
                try:
                    try:
                        server.wait_until_ready()
                    except RuntimeError as exc:
                        raise CommandError(str(exc)) from None
                    failures = self._run_all(server, ctx, selected, options)
                finally:
                    server.stop()
                if failures:
                    raise CommandError(
                        "some requests failed: "
                        + "; ".join(failures)
                        + "\nserver log tail:\n"
                        + server.log_tail()
                    )
        finally:
            scenarios.finish(ctx)

    def _run_all(
        self, server: Server, ctx: scenarios.Context, selected: set[str], options: dict[str, Any]
    ) -> list[str]:
        failures: list[str] = []
        bare_p95: float | None = None
        for benchmark in scenarios.BENCHMARKS:
            if benchmark.name not in selected:
                continue
            made = benchmark.make(ctx)
            if isinstance(made, str):
                self._emit({"name": benchmark.name, "skipped": made})
                continue
            if benchmark.kind == "write":
                requests, concurrency = options["submissions"], options["submit_concurrency"]
                warm_up = concurrency
            elif benchmark.kind == "load":
                requests, concurrency = options["load_requests"], options["load_concurrency"]
                # At least 100: every kind of page of the mix reaches both workers before measuring
                # (the first catalog search of a process builds its index).
                warm_up = min(requests, max(concurrency, 100))
            else:
                requests, concurrency = options["requests"], options["concurrency"]
                warm_up = min(requests, 4 * concurrency)
            common = {"expect": benchmark.expect, "rotate_source": benchmark.rotate_source}
            # Warm up: load code paths, templates and connections in every worker before measuring.
            # Its requests come after the measured ones in the request order (fresh idempotency keys).
            drive(
                server.port,
                lambda i, made=made, offset=requests: made(offset + i),
                requests=warm_up,
                concurrency=concurrency,
                max_seconds=30,
                **common,
            )
            rows = Dossier.objects.count()
            connection.close()
            sampler = RssSampler(server.pid)
            sampler.start()
            think_ms = options["load_think_ms"] if benchmark.kind == "load" else 0.0
            run = drive(
                server.port,
                made,
                requests=requests,
                concurrency=concurrency,
                max_seconds=options["max_seconds"],
                think_ms=think_ms,
                **common,
            )
            run.peak_rss_mb = sampler.stop()
            line = summarise(benchmark.name, run, concurrency=concurrency, bare_p95=bare_p95, rows=rows)
            if benchmark.name == "bare":
                bare_p95 = line["p95_ms"]
                line["ratio_to_bare"] = 1.0 if bare_p95 else None
            if benchmark.kind == "load":
                line["think_ms"] = think_ms
            if benchmark.details is not None:
                line.update(benchmark.details(ctx))
            self._emit(line)
            if run.errors and benchmark.kind != "load":
                failures.append(f"{benchmark.name}: {run.errors}")
        return failures

    def _emit(self, line: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(line, ensure_ascii=False))
        self.stdout.flush()
