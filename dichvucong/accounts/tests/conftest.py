"""Fixtures of the accounts tests: a clock the test moves, and the codes sent (read from the outbox)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dichvucong.core import clock


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    monkeypatch.setattr(clock, "now", fake)
    return fake


def sent_code(user) -> str:
    """The plain code of the user's newest code, as the outbox would send it."""

    from dichvucong.core.crypto import open_sealed
    from dichvucong.core.models import OutboxMessage

    message = OutboxMessage.objects.filter(topic="accounts.send_code").order_by("-id").first()
    assert message is not None
    return open_sealed(message.payload["sealed"], max_age_seconds=10**9) or ""
