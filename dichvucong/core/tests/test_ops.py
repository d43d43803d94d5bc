"""Operations endpoints and cross-cutting request plumbing: /healthz, /metrics, X-Request-ID, JSON logs."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from unittest.mock import patch

import pytest
from django.db import OperationalError, connections
from django.test import Client

HEX_ID = re.compile(r"^[0-9a-f]{32}$")


@pytest.mark.django_db
def test_healthz_reports_database_and_broker_when_up(client: Client) -> None:
    """Given a reachable database and broker, when /healthz is fetched, then 200 with both checks ok."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_naming_the_database_when_it_is_down(client: Client) -> None:
    """Given a database refusing connections, when /healthz is fetched, then 503 names the failed check."""
    with patch.object(connections["default"], "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["broker"]["ok"] is True


@pytest.mark.django_db
def test_healthz_is_503_naming_the_broker_when_it_is_down(client: Client) -> None:
    """Given a broker that cannot be reached, when /healthz is fetched, then 503 names the broker check."""
    from config.celery import app

    with patch.object(app, "connection_for_write", side_effect=ConnectionRefusedError("broker down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["broker"] == {"ok": False, "error": "ConnectionRefusedError"}
    assert body["checks"]["database"]["ok"] is True


def test_metrics_serves_prometheus_text_to_loopback(client: Client) -> None:
    """Given a scraper on 127.0.0.1, when /metrics is fetched, then Prometheus text with Django counters."""
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "# TYPE django_http_requests_before_middlewares_total counter" in text
    assert re.search(r"^django_http_requests_before_middlewares_total \d", text, re.MULTILINE)


@pytest.mark.parametrize("address", ["203.0.113.7", "10.0.0.5", "192.168.1.20"])
def test_metrics_is_forbidden_to_other_addresses(client: Client, address: str) -> None:
    """Given a client outside METRICS_ALLOWED_IPS, when /metrics is fetched, then 403 and no metric text."""
    response = client.get("/metrics", REMOTE_ADDR=address)
    assert response.status_code == 403
    assert b"django_http" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/metrics", "/healthz/no-such-page"])
def test_every_response_carries_a_generated_request_id(client: Client, path: str) -> None:
    """Given no X-Request-ID (on a 200, 403 or 404), when answered, then a fresh id is in the reply."""
    response = client.get(path, REMOTE_ADDR="198.51.100.1")
    assert HEX_ID.match(response["X-Request-ID"])


@pytest.mark.django_db
def test_request_ids_differ_between_requests(client: Client) -> None:
    """Given two requests without an id, when answered, then each gets its own id."""
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


@pytest.mark.django_db
def test_well_formed_incoming_request_id_is_echoed(client: Client) -> None:
    """Given a proxy's well-formed X-Request-ID, when answered, then the same id comes back."""
    response = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-7f3a9c2e.01")
    assert response["X-Request-ID"] == "nginx-7f3a9c2e.01"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming",
    ["abc\r\nSet-Cookie: session=stolen", "a" * 500, "short", "<script>alert(1)</script>", "id with spaces"],
    ids=["header-injection", "500-chars", "too-short", "markup", "spaces"],
)
def test_malicious_incoming_request_id_is_replaced(client: Client, incoming: str) -> None:
    """Given a malformed or hostile X-Request-ID, when answered, then a fresh id replaces it."""
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert HEX_ID.match(response["X-Request-ID"])


@pytest.fixture
def console_output() -> Iterator[io.StringIO]:
    """The text the configured root console handler writes, captured for the duration of a test."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    configured = [h for h in handlers if any(type(f).__name__ == "RequestIdFilter" for f in h.filters)]
    assert configured, "settings.LOGGING should install a console handler with the request-id filter"
    buffer = io.StringIO()
    previous = [handler.setStream(buffer) for handler in configured]
    try:
        yield buffer
    finally:
        for handler, stream in zip(configured, previous, strict=True):
            handler.setStream(stream)


def _json_lines(buffer: io.StringIO) -> list[dict[str, object]]:
    lines = [line for line in buffer.getvalue().splitlines() if line.strip()]
    return [json.loads(line) for line in lines]  # every line must be JSON: a parse error fails the test


@pytest.mark.django_db
def test_log_lines_are_json_with_the_request_id(client: Client, console_output: io.StringIO) -> None:
    """Given a request with an id that logs a warning (404), when logged, then its JSON line has the id."""
    client.get("/healthz/no-such-page", HTTP_X_REQUEST_ID="trace-0123456789")
    records = _json_lines(console_output)
    not_found = [r for r in records if r.get("logger") == "django.request"]
    assert not_found, console_output.getvalue()
    assert not_found[0]["request_id"] == "trace-0123456789"
    assert not_found[0]["level"] == "WARNING"
    assert "/healthz/no-such-page" in str(not_found[0]["message"])
    assert "time" in not_found[0]


def test_log_lines_outside_a_request_carry_a_placeholder_id(console_output: io.StringIO) -> None:
    """Given code logging outside any request, when logged, then the JSON line has request_id "-"."""
    logging.getLogger("dichvucong.core.tests").warning("kiểm tra nhật ký")
    (record,) = _json_lines(console_output)
    assert record["request_id"] == "-"
    assert record["message"] == "kiểm tra nhật ký"
