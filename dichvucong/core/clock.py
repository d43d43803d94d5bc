"""The one clock of the platform.

Time-dependent code (outbox leases and backoff, audit timestamps, deadlines) calls
``clock.now()`` through the module (``from dichvucong.core import clock``) instead of
``timezone.now()`` so a test can move time by patching ``dichvucong.core.clock.now`` — no sleeping,
no wall-clock assertions.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return timezone.now()
