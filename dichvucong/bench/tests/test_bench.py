"""``manage.py bench``: its pieces in process, and one end-to-end run after ``make demo``'s steps.

Times are never asserted: only the shape of the output, that the numbers are numbers, and that the
requests the benchmarks send are the ones the application accepts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency
from dichvucong.bench import scenarios
from dichvucong.bench.harness import Run, next_source_address, percentile, summarise
from dichvucong.bench.management.commands.bench import BENCHMARKS
from dichvucong.bench.payloads import make_pdf
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.uploads import check_upload
from dichvucong.procedures.constants import Channel, DurationUnit, OnlineLevel
from dichvucong.procedures.tests.factories import make_procedure

REQUIRED_KEYS = {"name", "n", "p50_ms", "p95_ms", "throughput_rps", "peak_rss_mb", "rows", "ratio_to_bare"}


def test_percentile_is_nearest_rank() -> None:
    """Given 1..100 ms, when the 50th and 95th percentiles are taken, then they are 50 and 95 ms."""
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile([7.0], 0.95) == 7.0


def test_summary_line_carries_every_key_and_the_ratio_to_bare() -> None:
    """Given 20 latencies of 1..20 ms over 2 s and a bare p95 of 4 ms, then the line has the keys, n=20,
    throughput 10/s, p95 19 ms and ratio 4.75."""
    run = Run(latencies_ms=[float(v) for v in range(1, 21)], elapsed_s=2.0, errors={"HTTP 500": 1})
    line = summarise("x", run, concurrency=3, bare_p95=4.0, rows=123)
    assert set(line) >= REQUIRED_KEYS
    assert (line["n"], line["p95_ms"], line["throughput_rps"], line["rows"]) == (20, 19.0, 10.0, 123)
    assert line["ratio_to_bare"] == 4.75
    assert line["errors"] == {"HTTP 500": 1}


def test_source_addresses_are_distinct_loopback_addresses() -> None:
    """Given 1,000 connections, then each gets its own address inside 127.0.0.0/8 (throttling is per
    address, so the look-up benchmark is many citizens, not one)."""
    addresses = [next_source_address() for _ in range(1000)]
    assert len(set(addresses)) == 1000
    for address in addresses:
        parts = [int(p) for p in address.split(".")]
        assert parts[0] == 127 and all(0 <= p <= 255 for p in parts) and parts[3] != 0


def test_generated_pdf_passes_the_upload_checks() -> None:
    """Given the benchmark's 200 KB PDF, when the dossier upload checks read it, then it is accepted as a
    PDF of exactly that size (so submissions measure the real path, not a refusal)."""
    data = make_pdf(200 * 1024)
    checked = check_upload(SimpleUploadedFile("a.pdf", data, content_type="application/pdf"))
    assert checked.content_type == "application/pdf"
    assert checked.size == len(data) == 200 * 1024


@pytest.fixture
def catalog(db: None) -> None:
    city = make_agency(kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố", code="000.00.00.H29")
    ward = make_agency(parent=city, kind=AgencyKind.WARD, name="Phường Bến Thành", code="000.50.60.H29")
    make_procedure(
        code="1.001193",
        online_level=OnlineLevel.FULL,
        options=((Channel.ONLINE, Decimal("3"), DurationUnit.WORKING_DAYS),),
        documents=({"name": "Tờ khai"}, {"name": "Giấy tờ tùy thân", "is_required": False}),
        agencies=[ward],
    )


@pytest.mark.django_db
def test_submission_request_is_accepted_by_the_api(catalog: None) -> None:
    """Given the bench context, when the submit_online request is sent through the API, then a dossier is
    created (201) with two PDF attachments, and the same request again answers 200 (idempotency)."""
    ctx = scenarios.prepare({"submit_online"})
    make = scenarios._submission(ctx)
    assert not isinstance(make, str)
    request = make(0)
    client = Client()

    def send() -> int:
        return client.generic(
            "POST",
            request.path,
            data=request.body,
            content_type=request.headers["Content-Type"],
            headers={k: v for k, v in request.headers.items() if k != "Content-Type"},
        ).status_code

    assert send() == 201
    dossier = Dossier.objects.get(owner__username="bench-citizen")
    assert dossier.documents.count() == 2
    assert send() == 200
    scenarios.finish(ctx)


@pytest.mark.django_db
def test_benchmarks_without_their_data_say_why_they_are_skipped(catalog: None) -> None:
    """Given a catalog but no dossier, then the look-up benchmark is skipped with a reason naming the
    command that makes the data, and every name can be chosen with --only."""
    ctx = scenarios.prepare({"lookup"})
    assert ctx.codes == []
    reason = scenarios._lookup(ctx)
    assert isinstance(reason, str) and "generate_demo_load" in reason
    assert [b.name for b in scenarios.BENCHMARKS] == BENCHMARKS
    assert set(BENCHMARKS) >= {"bare", "lookup", "my_dossiers_api", "my_dossiers_page", "officer_search"}
    assert set(BENCHMARKS) >= {"submit_online", "worklist", "statistics", "public_load"}


@pytest.mark.slow
def test_bench_prints_one_json_line_per_benchmark(tmp_path: Path) -> None:
    """Given `make demo`'s steps and generate_demo_load on a fresh SQLite database, when bench runs tiny
    numbers, then one JSON line per benchmark, each with figures or a reason for skipping it."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(
        {"VAR_DIR": str(tmp_path), "DJANGO_ENV": "development", "DJANGO_SETTINGS_MODULE": "config.settings"}
    )
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [*manage, *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    for step in (
        ("migrate", "--noinput", "-v", "0"),
        ("load_demo",),
        ("generate_demo_load", "--dossiers", "300"),
    ):
        done = run(*step)
        assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["name"] == "generate_demo_load"
    assert summary["dossiers"] >= 300 and summary["events"] >= 600 and summary["citizen_dossiers"] > 0

    result = run(
        "bench",
        *("--requests", "6", "--concurrency", "2", "--max-seconds", "60", "--workers", "1"),
        *("--submissions", "2", "--submit-concurrency", "1"),
        *("--load-requests", "10", "--load-concurrency", "5"),
    )
    assert result.returncode == 0, result.stderr + result.stdout
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [line["name"] for line in lines] == BENCHMARKS
    measured = [line for line in lines if "skipped" not in line]
    skipped = {line["name"] for line in lines} - {line["name"] for line in measured}
    assert skipped <= {"worklist", "statistics"}
    for line in measured:
        assert set(line) >= REQUIRED_KEYS, line
        assert line["n"] == {"submit_online": 2, "public_load": 10}.get(line["name"], 6)
        assert 0 < line["p50_ms"] <= line["p95_ms"]
        assert line["throughput_rps"] > 0
        assert line["peak_rss_mb"] is None or line["peak_rss_mb"] > 0
        assert line["rows"] >= 300
        assert line["ratio_to_bare"] > 0
    assert measured[0]["name"] == "bare" and measured[0]["ratio_to_bare"] == 1.0
