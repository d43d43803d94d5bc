"""A logging filter that removes secrets before a line is written.

Request lines from ``runserver`` (``"GET /cb?code=…&state=…"``) and messages of libraries may carry
authorisation codes, tokens or client secrets; ``Authorization`` headers may appear in debug output.
The filter rewrites the record's message so no handler ever sees them.
"""

from __future__ import annotations

import logging
import re

_QUERY_SECRET = re.compile(
    r"(?i)\b(code|access_token|refresh_token|id_token|id_token_hint|client_secret|token|code_verifier|"
    r"password|state|nonce)=([^&\s\"']+)"
)
_AUTH_HEADER = re.compile(r"(?i)\b(authorization[\"']?\s*[:=]\s*[\"']?)(bearer|basic)\s+[^\s\"',}]+")
_PERSONAL_TOKEN = re.compile(r"dvcpat_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]+")

REDACTED = "[redacted]"


def redact(text: str) -> str:
    text = _QUERY_SECRET.sub(lambda m: f"{m.group(1)}={REDACTED}", text)
    text = _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)} {REDACTED}", text)
    return _PERSONAL_TOKEN.sub(REDACTED, text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
