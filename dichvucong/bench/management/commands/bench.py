"""``manage.py bench``: start the app under gunicorn on a free loopback port and measure it.

Each benchmark sends ``--requests`` GET requests from ``--concurrency`` client threads (keep-alive
``http.client`` connections, loopback only, bounded by ``--max-seconds``) and prints ONE JSON line:

    {"name", "requests", "concurrency", "p50_ms", "p95_ms", "throughput_rps", "peak_rss_mb",
     "ratio_to_bare"}

``requests`` is the number of requests that completed; ``peak_rss_mb`` is the highest resident memory
of the gunicorn master plus its workers sampled during the run; ``ratio_to_bare`` is the p95 divided
by the p95 of ``/bench/bare`` (the full middleware stack and nothing else), so figures from different
machines can be compared. The clients run in this process and share the CPU with the server: the
numbers are a floor for the server's capacity, never a ceiling. Nothing here is asserted in tests.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

HOST = "127.0.0.1"  # loopback only: the command never talks to another machine

BENCHMARKS: list[tuple[str, str]] = [
    ("bare", "/bench/bare"),
    ("healthz", "/healthz"),
    ("portal_home", "/"),
    ("api_schema", "/api/v1/schema/"),
    # Catalog search through the API (facets included); in-process figures: `manage.py bench_search`.
    ("api_search", "/api/v1/procedures/?q=dang+ky+tam+tru"),
]


@dataclass
class Run:
    """What one benchmark measured."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    elapsed_s: float = 0.0
    peak_rss_mb: float | None = None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list (``fraction`` in 0..1)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def _children(pid: int) -> list[int]:
    try:
        found = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            found.extend(int(child) for child in text.split())
        return found
    except OSError:
        return []


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(pid: int) -> float | None:
    """Resident memory of a process and its children in MiB (Linux ``/proc``; None elsewhere)."""
    if not Path(f"/proc/{pid}/status").exists():
        return None
    return (_rss_kb(pid) + sum(_rss_kb(child) for child in _children(pid))) / 1024


class RssSampler(threading.Thread):
    """Samples the server's memory every 50 ms and keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak: float | None = None
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            value = tree_rss_mb(self.pid)
            if value is not None:
                self.peak = value if self.peak is None else max(self.peak, value)
            self._stop_event.wait(0.05)

    def stop(self) -> float | None:
        self._stop_event.set()
        self.join()
        return self.peak


def drive(port: int, path: str, *, requests: int, concurrency: int, max_seconds: float) -> Run:
    """Send ``requests`` GETs to ``path`` from ``concurrency`` threads; stop early at ``max_seconds``."""
    run = Run()
    lock = threading.Lock()
    issued = 0
    deadline = time.monotonic() + max_seconds

    def take_ticket() -> bool:
        nonlocal issued
        with lock:
            if issued >= requests or time.monotonic() > deadline:
                return False
            issued += 1
            return True

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine: list[float] = []
        errors: dict[str, int] = {}
        try:
            while take_ticket():
                started = time.perf_counter()
                try:
                    conn.request("GET", path, headers={"Accept": "*/*", "Accept-Language": "vi"})
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                    if response.getheader("Connection", "").lower() == "close":
                        conn.close()
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                    continue
                mine.append((time.perf_counter() - started) * 1000)
                if status != 200:
                    errors[f"HTTP {status}"] = errors.get(f"HTTP {status}", 0) + 1
        finally:
            conn.close()
            with lock:
                run.latencies_ms.extend(mine)
                for key, count in errors.items():
                    run.errors[key] = run.errors.get(key, 0) + count

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.elapsed_s = time.perf_counter() - started
    return run


def summarise(name: str, run: Run, *, concurrency: int, bare_p95: float | None) -> dict[str, Any]:
    ordered = sorted(run.latencies_ms)
    p95 = percentile(ordered, 0.95)
    return {
        "name": name,
        "requests": len(ordered),
        "concurrency": concurrency,
        "p50_ms": round(percentile(ordered, 0.50), 2) if ordered else None,
        "p95_ms": round(p95, 2) if ordered else None,
        "throughput_rps": round(len(ordered) / run.elapsed_s, 1) if run.elapsed_s > 0 else None,
        "peak_rss_mb": round(run.peak_rss_mb, 1) if run.peak_rss_mb is not None else None,
        "ratio_to_bare": round(p95 / bare_p95, 2) if ordered and bare_p95 else None,
    }


class Command(BaseCommand):
    help = "Start gunicorn on a free loopback port and print one JSON line of latency figures per endpoint."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--requests", type=int, default=2000, help="requests per benchmark (default 2000)"
        )
        parser.add_argument("--concurrency", type=int, default=20, help="concurrent clients (default 20)")
        parser.add_argument(
            "--max-seconds", type=float, default=60.0, help="stop a benchmark after this long (default 60)"
        )
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
        parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
        parser.add_argument(
            "--only",
            action="append",
            choices=[name for name, _ in BENCHMARKS],
            help="run only this benchmark (repeatable; bare always runs first)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        requests, concurrency = options["requests"], options["concurrency"]
        if not 1 <= requests <= 1_000_000:
            raise CommandError("--requests must be between 1 and 1000000")
        if not 1 <= concurrency <= 512:
            raise CommandError("--concurrency must be between 1 and 512")
        if options["max_seconds"] <= 0:
            raise CommandError("--max-seconds must be positive")
        selected = set(options["only"] or [name for name, _ in BENCHMARKS]) | {"bare"}

        port = free_port()
        with tempfile.TemporaryFile(mode="w+b") as server_log:
            server = self._start_server(port, options["workers"], options["threads"], server_log)
            try:
                self._wait_until_ready(server, port, server_log)
                failures = self._run_all(
                    port, server.pid, selected, requests, concurrency, options["max_seconds"]
                )
            finally:
                server.terminate()
                try:
                    server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
            if failures:
                server_log.seek(0)
                tail = server_log.read().decode("utf-8", "replace")[-3000:]
                raise CommandError(
                    "some requests failed: " + "; ".join(failures) + "\nserver log tail:\n" + tail
                )

    def _start_server(self, port: int, workers: int, threads: int, log: Any) -> subprocess.Popen[bytes]:
        env = {**os.environ, "BENCH_ENDPOINTS": "true", "DJANGO_SETTINGS_MODULE": "config.settings"}
        env.setdefault("LOG_LEVEL", "WARNING")
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--keep-alive",
            "5",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ]
        return subprocess.Popen(  # noqa: S603 - fixed argv, no shell, our own interpreter
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )

    def _wait_until_ready(self, server: subprocess.Popen[bytes], port: int, log: Any) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                log.seek(0)
                raise CommandError(
                    "gunicorn exited at start:\n" + log.read().decode("utf-8", "replace")[-3000:]
                )
            try:
                conn = http.client.HTTPConnection(HOST, port, timeout=5)
                conn.request("GET", "/bench/bare")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise CommandError("gunicorn did not answer on /bench/bare within 60 s")

    def _run_all(
        self, port: int, pid: int, selected: set[str], requests: int, concurrency: int, max_seconds: float
    ) -> list[str]:
        failures: list[str] = []
        bare_p95: float | None = None
        for name, path in BENCHMARKS:
            if name not in selected:
                continue
            # Warm up: load code paths, templates and connections in every worker before measuring.
            drive(
                port, path, requests=min(requests, 4 * concurrency), concurrency=concurrency, max_seconds=10
            )
            sampler = RssSampler(pid)
            sampler.start()
            run = drive(port, path, requests=requests, concurrency=concurrency, max_seconds=max_seconds)
            run.peak_rss_mb = sampler.stop()
            line = summarise(name, run, concurrency=concurrency, bare_p95=bare_p95)
            if name == "bare":
                bare_p95 = line["p95_ms"]
                line["ratio_to_bare"] = 1.0 if bare_p95 else None
            self.stdout.write(json.dumps(line))
            self.stdout.flush()
            if run.errors:
                failures.append(f"{name} {path}: {run.errors}")
        return failures
