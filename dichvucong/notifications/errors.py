"""Errors raised by notifications services, each with a ``NotificationErrorCode``."""

from __future__ import annotations

from dichvucong.notifications.constants import NotificationErrorCode


class NotificationError(Exception):
    """A caller's mistake (unknown template, missing context, reused key); raised at enqueue time."""

    def __init__(self, code: NotificationErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
