"""The bare benchmark endpoint exists only when BENCH_ENDPOINTS is on."""

from __future__ import annotations

from django.test import Client, RequestFactory

from dichvucong.bench.views import bare


def test_bare_endpoint_is_not_routed_by_default(client: Client) -> None:
    """Given BENCH_ENDPOINTS unset (the default), when /bench/bare is fetched, then it does not exist."""
    assert client.get("/bench/bare").status_code == 404


def test_bare_view_answers_ok_as_plain_text() -> None:
    """Given the bare view, when called with GET, then it answers "ok" as UTF-8 plain text."""
    response = bare(RequestFactory().get("/bench/bare"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_bare_view_refuses_writes() -> None:
    """Given the bare view, when called with POST, then 405 (benchmarks only read)."""
    assert bare(RequestFactory().post("/bench/bare")).status_code == 405
