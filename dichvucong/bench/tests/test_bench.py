"""Smoke test of ``manage.py bench``: it runs end to end and prints one JSON line per benchmark.

Times are never asserted: only the shape of the output and that the numbers are numbers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from dichvucong.bench.management.commands.bench import BENCHMARKS, percentile

KEYS = {
    "name",
    "requests",
    "concurrency",
    "p50_ms",
    "p95_ms",
    "throughput_rps",
    "peak_rss_mb",
    "ratio_to_bare",
}


def test_percentile_is_nearest_rank() -> None:
    """Given 1..100 ms, when the 50th and 95th percentiles are taken, then they are 50 and 95 ms."""
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile([7.0], 0.95) == 7.0


@pytest.mark.slow
def test_bench_prints_one_json_line_per_benchmark(tmp_path: Path) -> None:
    """Given a migrated SQLite database, when bench runs tiny numbers, then one JSON line per endpoint."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(
        {"VAR_DIR": str(tmp_path), "DJANGO_ENV": "development", "DJANGO_SETTINGS_MODULE": "config.settings"}
    )
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [*manage, "migrate", "--noinput", "-v", "0"], cwd=settings.BASE_DIR, env=env, check=True, timeout=300
    )
    result = subprocess.run(  # noqa: S603
        [*manage, "bench", "--requests", "12", "--concurrency", "3", "--max-seconds", "30", "--workers", "1"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [line["name"] for line in lines] == [name for name, _ in BENCHMARKS]
    for line in lines:
        assert set(line) == KEYS
        assert line["requests"] == 12
        assert line["concurrency"] == 3
        assert 0 < line["p50_ms"] <= line["p95_ms"]
        assert line["throughput_rps"] > 0
        assert line["peak_rss_mb"] is None or line["peak_rss_mb"] > 0
        assert line["ratio_to_bare"] > 0
    assert lines[0]["ratio_to_bare"] == 1.0
