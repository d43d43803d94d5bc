"""Request bodies for the submission benchmark: PDF files of a given size and multipart encoding."""

from __future__ import annotations

import os
import uuid

PDF_HEAD = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


def make_pdf(size: int) -> bytes:
    """A well-formed one-page PDF padded to ``size`` bytes with an incompressible stream (a scan)."""
    page = (
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    )
    tail = b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    head = PDF_HEAD + page
    # The stream header's length digits depend on the padding: size it with a fixed-width number.
    padding = max(size - len(head) - len(tail) - len(b"4 0 obj << /Length 0000000000 >> stream\n"), 0)
    stream = f"4 0 obj << /Length {padding:010d} >> stream\n".encode()
    return head + stream + os.urandom(padding) + tail


def multipart(fields: dict[str, str], files: dict[str, tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """``multipart/form-data`` body and its Content-Type; ``files``: field → (name, type, content)."""
    boundary = f"bench{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content_type, content) in files.items():
        parts.append(
            (
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
