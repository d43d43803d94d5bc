"""A local clamd that speaks ``INSTREAM`` over TCP, for tests and development.

It answers ``stream: Eicar-Test-Signature FOUND`` when the streamed data contains the EICAR test
string and ``stream: OK`` otherwise; ``error_next()`` makes the next scan answer an ERROR::

    with ClamdDouble() as clamd:
        settings.CLAMAV_HOST, settings.CLAMAV_PORT = clamd.host, clamd.port
"""

from __future__ import annotations

import socketserver
import struct
import threading

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def _read_exact(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            part = self.request.recv(n - len(data))
            if not part:
                raise ConnectionError("client closed")
            data += part
        return data

    def handle(self) -> None:
        double = self.server.double
        command = b""
        while not command.endswith(b"\0"):
            part = self.request.recv(1)
            if not part:
                return
            command += part
        if command != b"zINSTREAM\0":
            self.request.sendall(b"UNKNOWN COMMAND\0")
            return
        data = b""
        try:
            while True:
                (length,) = struct.unpack("!I", self._read_exact(4))
                if length == 0:
                    break
                data += self._read_exact(length)
        except ConnectionError:
            return
        with double.lock:
            double.scanned.append(data)
            fail = double.errors_left > 0
            if fail:
                double.errors_left -= 1
        if fail:
            self.request.sendall(b"INSTREAM size limit exceeded. ERROR\0")
        elif EICAR in data:
            self.request.sendall(b"stream: Eicar-Test-Signature FOUND\0")
        else:
            self.request.sendall(b"stream: OK\0")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    double: ClamdDouble


class ClamdDouble:
    """The double; ``scanned`` keeps each stream it received."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.scanned: list[bytes] = []
        self.errors_left = 0
        self.lock = threading.Lock()
        self._server = _Server((host, port), _Handler)
        self._server.double = self
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def error_next(self, count: int = 1) -> None:
        with self.lock:
            self.errors_left = count

    def start(self) -> ClamdDouble:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="clamd-double",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ClamdDouble:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
