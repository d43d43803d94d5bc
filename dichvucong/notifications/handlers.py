"""Outbox handlers of notifications (registered when ``NotificationsConfig.ready()`` imports this)."""

from __future__ import annotations

from typing import Any

from dichvucong.core.outbox import outbox_handler
from dichvucong.notifications.constants import DELIVER_TOPIC
from dichvucong.notifications.sending import send_delivery


@outbox_handler(DELIVER_TOPIC)
def deliver_notification(payload: dict[str, Any]) -> None:
    """Send one e-mail or SMS delivery; idempotent, raises on temporary failure so the outbox retries."""
    send_delivery(delivery_id=int(payload["delivery_id"]))
