"""A local SMS gateway that speaks the protocol of ``dichvucong.clients.sms`` over real HTTP.

For tests (start it on a random port in a thread) and for developers (``manage.py
run_sms_gateway_double --port 8025``, then ``SMS_GATEWAY_URL=http://127.0.0.1:8025``). It checks the
bearer key, validates the body like a real gateway, keeps the accepted messages in memory, replays
``client_ref`` duplicates, and can be told to fail the next N requests::

    with SmsGatewayDouble(api_key="k") as gateway:
        gateway.fail_next(2, status=503)
        ...
        assert gateway.messages[0]["text"] == "…"

Nothing is ever sent to a telephone network.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_VN_MOBILE = re.compile(r"^\+84[35789]\d{8}$")


class SmsGatewayDouble:
    """The gateway. ``messages`` holds accepted messages (dicts with ``message_id`` and the body)."""

    def __init__(self, *, api_key: str = "test-sms-key", host: str = "127.0.0.1", port: int = 0) -> None:
        self.api_key = api_key
        self.messages: list[dict[str, Any]] = []
        self.requests_received = 0
        self.on_message: Callable[[dict[str, Any]], None] | None = None
        self._failures: list[tuple[int, str]] = []
        self._by_ref: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SmsGatewayDouble:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # fast shutdown between tests
            name="sms-gateway-double",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (the management command)."""
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()  # only a running serve_forever() can be shut down (else it blocks)
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SmsGatewayDouble:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def fail_next(self, count: int, *, status: int = 503, code: str = "") -> None:
        """Answer the next ``count`` requests with ``status`` (503 unavailable, 400 invalid_request…)."""
        code = code or {400: "invalid_request", 429: "rate_limited"}.get(status, "unavailable")
        with self._lock:
            self._failures.extend([(status, code)] * count)

    # --- called from the request handler threads ------------------------------------------------
    def _handle(self, authorization: str, raw_body: bytes) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests_received += 1
            if authorization != f"Bearer {self.api_key}":
                return 401, _error("unauthorized", "missing or wrong API key")
            if self._failures:
                status, code = self._failures.pop(0)
                return status, _error(code, f"failure injected by the test double ({status})")
            try:
                body = json.loads(raw_body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                return 400, _error("invalid_request", "body is not JSON in UTF-8")
            problem = _validate(body)
            if problem:
                return 400, _error(*problem)
            previous = self._by_ref.get(body["client_ref"])
            if previous is not None:
                if (previous["to"], previous["text"]) != (body["to"], body["text"]):
                    return 409, _error("client_ref_conflict", "client_ref reused for another message")
                return 200, {"message_id": previous["message_id"], "status": "accepted"}
            message = {**body, "message_id": f"dbl-{len(self.messages) + 1:06d}"}
            self.messages.append(message)
            self._by_ref[body["client_ref"]] = message
        if self.on_message is not None:
            self.on_message(message)
        return 201, {"message_id": message["message_id"], "status": "accepted"}


def _validate(body: object) -> tuple[str, str] | None:
    if not isinstance(body, dict):
        return "invalid_request", "body must be a JSON object"
    for field in ("to", "from", "text", "client_ref"):
        if not isinstance(body.get(field), str) or not body[field]:
            return "invalid_request", f"{field} is required"
    if not _E164.match(body["to"]) or (body["to"].startswith("+84") and not _VN_MOBILE.match(body["to"])):
        return "invalid_number", "to must be a mobile number in E.164"
    if len(body["from"]) > 11:
        return "invalid_request", "from has at most 11 characters"
    if len(body["text"]) > 1000:
        return "invalid_request", "text has at most 1000 characters"
    if len(body["client_ref"]) > 100:
        return "invalid_request", "client_ref has at most 100 characters"
    return None


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _handler_for(gateway: SmsGatewayDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "SmsGatewayDouble/1"

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/messages":
                self._reply(404, _error("not_found", "only POST /messages exists"))
                return
            length = int(self.headers.get("Content-Length") or 0)
            raw_body = self.rfile.read(length)
            status, payload = gateway._handle(self.headers.get("Authorization", ""), raw_body)
            self._reply(status, payload)

        def do_GET(self) -> None:
            self._reply(405, _error("method_not_allowed", "use POST /messages"))

        def _reply(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet in tests; the management command prints messages itself

    return Handler
