"""Fixtures of the shared-kernel tests: a clock the test moves, an isolated outbox registry, and
Celery running tasks inline (no broker) where a test wants the on-commit publish to do its work."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from dichvucong.core import clock, outbox


class FakeClock:
    """Stands in for ``core.clock.now``; time moves only when the test says so."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current

    def set(self, moment: datetime) -> None:
        self.current = moment


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    monkeypatch.setattr(clock, "now", fake)
    return fake


@pytest.fixture
def outbox_registry() -> Iterator[dict[str, outbox.Handler]]:
    """Handlers registered during the test are forgotten afterwards."""
    saved = dict(outbox._handlers)
    try:
        yield outbox._handlers
    finally:
        outbox._handlers.clear()
        outbox._handlers.update(saved)


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """``apply_async`` runs the task in-process, as a worker would, without a broker."""
    from config.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = saved
