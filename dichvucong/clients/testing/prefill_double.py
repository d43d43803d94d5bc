"""A local look-up service speaking the protocol of ``dichvucong.clients.prefill_service`` over HTTP.

    with PrefillServiceDouble(api_key="k", people={"079203001234": {"full_name": "Nguyễn Văn A"}}) as double:
        HttpPrefillService(base_url=double.url, api_key="k").lookup(...)

It checks the bearer key, answers only the attributes asked for, 404 for unknown subjects, and can be
told to fail the next requests.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class PrefillServiceDouble:
    def __init__(
        self,
        *,
        api_key: str = "test-prefill-key",
        people: dict[str, dict[str, Any]] | None = None,
        businesses: dict[str, dict[str, Any]] | None = None,
        source: str = "Cơ sở dữ liệu quốc gia về dân cư (thử nghiệm)",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.api_key = api_key
        self.people = people or {}
        self.businesses = businesses or {}
        self.source = source
        self.requests: list[dict[str, Any]] = []
        self.fail_status: int | None = None
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> PrefillServiceDouble:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="prefill-double",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> PrefillServiceDouble:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def answer(self, headers: Any, body: bytes) -> tuple[int, dict[str, Any]]:
        if self.fail_status is not None:
            return self.fail_status, {"error": {"code": "unavailable", "message": "failing on purpose"}}
        if headers.get("Authorization") != f"Bearer {self.api_key}":
            return 401, {"error": {"code": "unauthorized", "message": "wrong key"}}
        try:
            request = json.loads(body)
            subject = request["subject"]
            attributes = list(request["attributes"])
        except (ValueError, KeyError, TypeError):
            return 400, {"error": {"code": "invalid_request", "message": "subject and attributes needed"}}
        self.requests.append(request)
        record = None
        if isinstance(subject, dict) and subject.get("cccd"):
            record = self.people.get(subject["cccd"])
        elif isinstance(subject, dict) and subject.get("tax_code"):
            record = self.businesses.get(subject["tax_code"])
        if record is None:
            return 404, {"error": {"code": "not_found", "message": "unknown subject"}}
        return 200, {
            "values": {name: record[name] for name in attributes if name in record},
            "source": self.source,
        }


def _handler_for(double: PrefillServiceDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, 1_000_000))
            if self.path.rstrip("/") != "/lookup":
                status, payload = 404, {"error": {"code": "not_found", "message": "no such path"}}
            else:
                status, payload = double.answer(self.headers, body)
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Handler
