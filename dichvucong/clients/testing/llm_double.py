"""A local chat-completions server (the protocol of ``dichvucong.clients.llm``) over real HTTP.

For tests: start it on a random port in a thread and tell it what to answer::

    with LlmDouble(api_key="k") as llm:
        llm.reply = "Bạn cần làm thủ tục 1.001193 …"      # or llm.responder = lambda messages: "…"
        llm.fail_next(1, status=503)
        ...
        assert "1.001193" in llm.requests[0]["messages"][-1]["content"]

No model runs; nothing leaves the machine.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class LlmDouble:
    """The server. ``requests`` holds every request body received (parsed JSON)."""

    def __init__(self, *, api_key: str = "test-llm-key", host: str = "127.0.0.1", port: int = 0) -> None:
        self.api_key = api_key
        self.reply = "OK"
        self.responder: Callable[[list[dict[str, Any]]], str] | None = None
        self.requests: list[dict[str, Any]] = []
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> LlmDouble:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="llm-double", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LlmDouble:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def fail_next(self, count: int, *, status: int = 503) -> None:
        with self._lock:
            self._failures.extend([status] * count)

    def _handle(self, authorization: str, raw_body: bytes) -> tuple[int, dict[str, Any]]:
        with self._lock:
            if self.api_key and authorization != f"Bearer {self.api_key}":
                return 401, {"error": {"message": "invalid api key", "type": "invalid_request_error"}}
            if self._failures:
                return self._failures.pop(0), {
                    "error": {"message": "injected failure", "type": "server_error"}
                }
            try:
                body = json.loads(raw_body.decode("utf-8"))
                messages = body["messages"]
                if not isinstance(messages, list) or not body.get("model"):
                    raise ValueError
            except (UnicodeDecodeError, ValueError, KeyError, TypeError):
                return 400, {
                    "error": {"message": "model and messages are required", "type": "invalid_request_error"}
                }
            self.requests.append(body)
        content = self.responder(messages) if self.responder is not None else self.reply
        return 200, {
            "id": f"chatcmpl-double-{len(self.requests)}",
            "object": "chat.completion",
            "model": body["model"],
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
            ],
        }


def _handler_for(double: LlmDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "LlmDouble/1"

        def do_POST(self) -> None:
            if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
                self._reply(404, {"error": {"message": "not found"}})
                return
            length = int(self.headers.get("Content-Length") or 0)
            status, payload = double._handle(self.headers.get("Authorization", ""), self.rfile.read(length))
            self._reply(status, payload)

        def _reply(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler
