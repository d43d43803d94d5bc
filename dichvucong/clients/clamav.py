"""ClamAV adapter: the clamd ``INSTREAM`` command over TCP.

``scan_bytes`` sends ``zINSTREAM\\0``, the data in chunks (4-byte big-endian length + bytes), a
zero-length chunk, and reads one reply terminated by ``\\0``: ``stream: OK`` or
``stream: <signature> FOUND``; anything else (``… ERROR``, a closed or silent socket) is
``ClamAVUnavailable``, which callers must treat as "refuse, try later", never as clean.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass

CHUNK_SIZE = 64 * 1024
_MAX_REPLY = 4096


class ClamAVUnavailable(Exception):
    """clamd could not be reached or gave no usable answer."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""


def _chunks(data: bytes) -> Iterable[bytes]:
    for start in range(0, len(data), CHUNK_SIZE):
        yield data[start : start + CHUNK_SIZE]


def parse_reply(reply: bytes) -> ScanResult:
    text = reply.rstrip(b"\0\n").decode("utf-8", "replace").strip()
    if text.endswith("ERROR") or ": " not in text:
        raise ClamAVUnavailable(f"clamd error: {text[:200]!r}")
    status = text.split(": ", 1)[1]
    if status == "OK":
        return ScanResult(clean=True)
    if status.endswith(" FOUND"):
        return ScanResult(clean=False, signature=status[: -len(" FOUND")])
    raise ClamAVUnavailable(f"unexpected clamd reply: {text[:200]!r}")


def scan_bytes(data: bytes, *, host: str, port: int, timeout: float = 10.0) -> ScanResult:
    """Scan ``data`` with the clamd at ``host:port``; ``ClamAVUnavailable`` on any failure."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            for chunk in _chunks(data):
                sock.sendall(struct.pack("!I", len(chunk)) + chunk)
            sock.sendall(struct.pack("!I", 0))
            reply = b""
            while b"\0" not in reply and len(reply) < _MAX_REPLY:
                part = sock.recv(1024)
                if not part:
                    break
                reply += part
    except OSError as exc:
        raise ClamAVUnavailable(f"clamd at {host}:{port} unreachable: {exc}") from exc
    if not reply:
        raise ClamAVUnavailable(f"clamd at {host}:{port} closed the connection without a reply")
    return parse_reply(reply)
