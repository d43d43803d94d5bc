"""The id of the request (or task) being served, carried in a context variable for logs and audit."""

from __future__ import annotations

import contextvars
import re
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def get_request_id() -> str:
    return _request_id.get()


def set_request_id(value: str | None) -> contextvars.Token[str]:
    """Use the caller's id when it is well formed (from a proxy), else a fresh one."""
    if not value or not _VALID.match(value):
        value = uuid.uuid4().hex
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token[str]) -> None:
    _request_id.reset(token)
