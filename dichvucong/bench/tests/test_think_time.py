"""``drive``'s think time (``--load-think-ms``) and the per-kind figures of a mix, against a tiny local
HTTP server. Pauses are recorded, never slept, and no duration is asserted."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dichvucong.bench import harness, scenarios
from dichvucong.bench.harness import HOST, Request, drive, summarise


class _Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def port() -> Iterator[int]:
    server = ThreadingHTTPServer((HOST, 0), _Ok)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The pauses the clients take, recorded instead of slept."""
    taken: list[float] = []
    monkeypatch.setattr(harness.time, "sleep", taken.append)
    return taken


def test_without_think_time_clients_never_pause(port: int, pauses: list[float]) -> None:
    """Given the default (closed loop), when 3 clients send 12 requests, then all 12 are measured and no
    client ever pauses."""
    run = drive(port, lambda i: Request("/"), requests=12, concurrency=3, max_seconds=30)
    assert len(run.latencies_ms) == 12 and run.errors == {}
    assert pauses == []


def test_with_think_time_every_click_after_arriving_follows_a_pause(port: int, pauses: list[float]) -> None:
    """Given a 200 ms think time, when 3 users send 12 requests, then every request is preceded by one
    pause (the arrival, then reading the previous page), none above ten think times, and they are not
    all equal (exponential, not a fixed sleep)."""
    run = drive(port, lambda i: Request("/"), requests=12, concurrency=3, max_seconds=30, think_ms=200)
    assert len(run.latencies_ms) == 12 and run.errors == {}
    assert len(pauses) == 12
    assert all(0 <= pause <= 2.0 for pause in pauses)
    assert len(set(pauses)) > 1


def test_a_mix_reports_each_kind_of_request_apart(port: int, pauses: list[float]) -> None:
    """Given requests of two kinds, when they are driven and summarised, then the line has figures for
    each kind whose counts add up to the whole."""
    kinds = ["home", "lookup", "home"]
    run = drive(port, lambda i: Request("/", kind=kinds[i % 3]), requests=9, concurrency=2, max_seconds=30)
    line = summarise("public_load", run, concurrency=2, bare_p95=1.0, rows=0)
    assert set(line["by_kind"]) == {"home", "lookup"}
    assert line["by_kind"]["home"]["n"] == 6 and line["by_kind"]["lookup"]["n"] == 3
    assert line["n"] == 9


def test_the_public_mix_follows_its_weights() -> None:
    """Given paths of every kind, when the public mix is drawn, then every kind appears, each within a
    few points of its weight, and every request names its kind."""
    ctx = scenarios.Context(
        codes=[f"000.00.00.H29-260101-{n:04d}" for n in range(60)], top_procedures=["1.001193"]
    )
    make = scenarios._public_mix(ctx)
    assert not isinstance(make, str)
    requests = [make(i) for i in range(4096)]
    total = sum(scenarios.PUBLIC_MIX_WEIGHTS.values())
    for kind, weight in scenarios.PUBLIC_MIX_WEIGHTS.items():
        share = 100 * sum(r.kind == kind for r in requests) / len(requests)
        assert abs(share - 100 * weight / total) < 3, kind
    assert all(r.kind for r in requests)
