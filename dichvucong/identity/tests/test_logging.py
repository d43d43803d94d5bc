"""Secrets never reach the logs."""

from __future__ import annotations

import logging

from dichvucong.identity.logging import RedactSecretsFilter


def test_codes_tokens_and_authorization_headers_are_redacted() -> None:
    """Given a request line with ?code= and a message with an Authorization header and a personal token,
    when the filter runs, then none of the secrets remain and the rest of the line does."""
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /dang-nhap/quoc-gia/callback/?code=SECRETCODE&state=S1 HTTP/1.1", "302", "0"),
        None,
    )
    RedactSecretsFilter().filter(record)
    line = record.getMessage()
    assert "SECRETCODE" not in line and "S1 " not in line and "/dang-nhap/quoc-gia/callback/" in line
    other = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "headers {'Authorization': 'Bearer abc.def'} token dvcpat_AbCd1234_s3cr3t",
        (),
        None,
    )
    RedactSecretsFilter().filter(other)
    assert "abc.def" not in other.getMessage() and "s3cr3t" not in other.getMessage()
