"""The one clock of the platform.

Time-dependent code (outbox leases and backoff, audit timestamps, deadlines) calls
``clock.now()`` through the module (``from dichvucong.core import clock``) instead of
``timezone.now()`` so a test can move time by patching ``dichvucong.core.clock.now`` — no sleeping,
no wall-clock assertions.

``backdated(at)`` makes ``now()`` answer ``at`` inside a block, for this thread or task only. It
exists for loading historical records (the demo city's dossiers dated over past weeks) through the
normal services, so their events, codes, due dates and audit entries agree with each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_backdated_to: ContextVar[datetime | None] = ContextVar("clock_backdated_to", default=None)


def now() -> datetime:
    """The current time, timezone-aware (UTC), or the moment set by :func:`backdated`."""
    at = _backdated_to.get()
    return at if at is not None else timezone.now()


@contextmanager
def backdated(at: datetime) -> Iterator[None]:
    """Inside the block, ``now()`` returns ``at`` (timezone-aware). Nests; restores on exit."""
    if timezone.is_naive(at):
        raise ValueError("backdated() needs a timezone-aware datetime")
    token = _backdated_to.set(at)
    try:
        yield
    finally:
        _backdated_to.reset(token)
