"""The load generator of ``manage.py bench``: a gunicorn server, client threads, percentiles, memory.

Clients are threads of the bench process with keep-alive ``http.client`` connections to a loopback
port. Each connection may take its own source address in 127.0.0.0/8 (``rotate_source``), so the
server sees many citizens rather than one address: the public look-up is throttled per address.
"""

from __future__ import annotations

import http.client
import itertools
import math
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

HOST = "127.0.0.1"  # loopback only: the command never talks to another machine


@dataclass(frozen=True)
class Request:
    """One HTTP request a client sends."""

    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    kind: str = ""  # a mix's kind of request (``public_load``): its latencies are also summed apart


# Builds request number ``i`` (0-based, over the whole run) for a benchmark.
RequestMaker = Callable[[int], Request]


@dataclass
class Run:
    """What one benchmark measured."""

    latencies_ms: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
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


_source_counter = itertools.count(1)
_source_lock = threading.Lock()


def next_source_address() -> str:
    """A fresh loopback address (127.1.0.1, 127.1.0.2, …): one simulated citizen per connection."""
    with _source_lock:
        n = next(_source_counter) % (250 * 250 * 250)
    return f"127.{1 + n // 62_500}.{n // 250 % 250}.{1 + n % 250}"


def _send(conn: http.client.HTTPConnection, request: Request, headers: dict[str, str]) -> int:
    """Send one request and read the whole answer; closes the connection when the server says so."""
    conn.request(request.method, request.path, body=request.body, headers=headers)
    response = conn.getresponse()
    response.read()
    if response.getheader("Connection", "").lower() == "close":
        conn.close()
    return response.status


def drive(
    port: int,
    make: RequestMaker,
    *,
    requests: int,
    concurrency: int,
    max_seconds: float,
    expect: frozenset[int] = frozenset({200}),
    rotate_source: int = 0,
    timeout: float = 30.0,
    think_ms: float = 0.0,
) -> Run:
    """Send ``requests`` requests built by ``make`` from ``concurrency`` threads; stop at ``max_seconds``.

    With ``rotate_source`` > 0 each connection binds a new loopback source address and is replaced
    after that many requests. A status outside ``expect`` counts as an error (its time is kept).

    ``think_ms`` > 0 makes each client a user who reads the page before the next click: the users
    arrive spread uniformly over one think time, and after every answer each pauses for an
    exponentially distributed time of that mean (pauses are not counted in the latencies). 0 is the
    harsher closed loop: every client at once, the next request as soon as the answer arrives."""
    run = Run()
    lock = threading.Lock()
    issued = 0
    deadline = time.monotonic() + max_seconds

    def take_ticket() -> int | None:
        nonlocal issued
        with lock:
            if issued >= requests or time.monotonic() > deadline:
                return None
            issued += 1
            return issued - 1

    def connect() -> http.client.HTTPConnection:
        source = (next_source_address(), 0) if rotate_source else None
        return http.client.HTTPConnection(HOST, port, timeout=timeout, source_address=source)

    def client(seed: int) -> None:
        conn = connect()
        used = 0
        mine: list[float] = []
        kinds: dict[str, list[float]] = {}
        errors: dict[str, int] = {}
        pauses = random.Random(seed)  # noqa: S311 - think times, not security
        first = True
        try:
            while (ticket := take_ticket()) is not None:
                if think_ms > 0:
                    # Users arrive spread over one think time (not 100 clicks in the same instant),
                    # then read each page before the next click (capped at 10× the mean).
                    pause = (
                        pauses.uniform(0, think_ms / 1000)
                        if first
                        else min(pauses.expovariate(1000 / think_ms), 10 * think_ms / 1000)
                    )
                    time.sleep(pause)
                first = False
                if rotate_source and used >= rotate_source:
                    conn.close()
                    conn = connect()
                    used = 0
                request = make(ticket)
                headers = {"Accept": "*/*", "Accept-Language": "vi", **request.headers}
                started = time.perf_counter()
                try:
                    try:
                        status = _send(conn, request, headers)
                    except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                        if not (think_ms > 0 and used):
                            raise
                        # The server closed a connection idle longer than its keep-alive while the
                        # user was reading: a browser opens a new one and sends again; so do we.
                        conn.close()
                        conn = connect()
                        used = 0
                        started = time.perf_counter()
                        status = _send(conn, request, headers)
                    used += 1
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                    continue
                elapsed_ms = (time.perf_counter() - started) * 1000
                mine.append(elapsed_ms)
                if request.kind:
                    kinds.setdefault(request.kind, []).append(elapsed_ms)
                if status not in expect:
                    errors[f"HTTP {status}"] = errors.get(f"HTTP {status}", 0) + 1
        finally:
            conn.close()
            with lock:
                run.latencies_ms.extend(mine)
                for kind, values in kinds.items():
                    run.by_kind.setdefault(kind, []).extend(values)
                for key, count in errors.items():
                    run.errors[key] = run.errors.get(key, 0) + count

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.elapsed_s = time.perf_counter() - started
    return run


def summarise(
    name: str, run: Run, *, concurrency: int, bare_p95: float | None, rows: int | None
) -> dict[str, Any]:
    """The JSON line of one benchmark (``n`` = completed requests; errors included, none = {})."""
    ordered = sorted(run.latencies_ms)
    p95 = percentile(ordered, 0.95)
    return {
        "name": name,
        "n": len(ordered),
        "concurrency": concurrency,
        "p50_ms": round(percentile(ordered, 0.50), 2) if ordered else None,
        "p95_ms": round(p95, 2) if ordered else None,
        "throughput_rps": round(len(ordered) / run.elapsed_s, 1) if run.elapsed_s > 0 and ordered else None,
        "peak_rss_mb": round(run.peak_rss_mb, 1) if run.peak_rss_mb is not None else None,
        "rows": rows,
        "ratio_to_bare": round(p95 / bare_p95, 2) if ordered and bare_p95 else None,
        "errors": dict(sorted(run.errors.items())),
        **({"by_kind": _by_kind(run)} if run.by_kind else {}),
    }


def _by_kind(run: Run) -> dict[str, dict[str, Any]]:
    """Count, p50 and p95 of each kind of request of a mix (which page makes the tail)."""
    summary = {}
    for kind, values in sorted(run.by_kind.items()):
        ordered = sorted(values)
        summary[kind] = {
            "n": len(ordered),
            "p50_ms": round(percentile(ordered, 0.50), 2),
            "p95_ms": round(percentile(ordered, 0.95), 2),
        }
    return summary


class Server:
    """gunicorn (gthread) serving ``config.wsgi`` on a loopback port, with ``BENCH_ENDPOINTS`` on."""

    def __init__(self, *, base_dir: Path, workers: int, threads: int, log: IO[bytes]) -> None:
        self.port = free_port()
        self.log = log
        env = {**os.environ, "BENCH_ENDPOINTS": "true", "DJANGO_SETTINGS_MODULE": "config.settings"}
        env.setdefault("LOG_LEVEL", "WARNING")
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
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
            # 100 concurrent clients must queue, not be refused: a backlog well above them.
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell, our own interpreter
            command, cwd=base_dir, env=env, stdout=log, stderr=subprocess.STDOUT
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, chars: int = 3000) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")[-chars:]

    def wait_until_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited at start:\n" + self.log_tail())
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/bench/bare")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer on /bench/bare within {seconds:.0f} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
