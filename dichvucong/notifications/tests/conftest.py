"""Fixtures of the notifications tests: people, the SMS gateway double, and running the outbox now."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from dichvucong.accounts.models import User
from dichvucong.clients.testing.sms_gateway import SmsGatewayDouble
from dichvucong.core import clock
from dichvucong.core.constants import OutboxStatus
from dichvucong.core.models import OutboxMessage
from dichvucong.core.outbox import dispatch_due_messages

SMS_KEY = "test-sms-key-123"


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(**fields: Any) -> User:
        number = next(counter)
        fields.setdefault("username", f"citizen{number}")
        fields.setdefault("email", f"citizen{number}@example.vn")
        fields.setdefault("full_name", f"Nguyễn Văn {number}")
        return User.objects.create_user(password=None, **fields)  # unusable: tests use force_login

    return make


@pytest.fixture
def sms_gateway(settings: Any) -> Iterator[SmsGatewayDouble]:
    """The gateway double on a random local port, with the platform configured to use it."""
    with SmsGatewayDouble(api_key=SMS_KEY) as gateway:
        settings.SMS_GATEWAY_URL = gateway.url
        settings.SMS_GATEWAY_API_KEY = SMS_KEY
        settings.SMS_TIMEOUT = 5
        yield gateway


@pytest.fixture
def no_sms(settings: Any) -> None:
    settings.SMS_GATEWAY_URL = ""


class OutboxRunner:
    """Runs due outbox messages as the worker would, at a controllable time (no sleeping)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.offset = timedelta()
        real_now = clock.now
        monkeypatch.setattr(clock, "now", lambda: real_now() + self.offset)

    def run(self) -> int:
        return dispatch_due_messages()

    def later(self, delta: timedelta) -> None:
        self.offset += delta

    def now(self) -> datetime:
        return clock.now()

    @staticmethod
    def pending() -> int:
        return OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count()


@pytest.fixture
def outbox(monkeypatch: pytest.MonkeyPatch) -> OutboxRunner:
    return OutboxRunner(monkeypatch)
