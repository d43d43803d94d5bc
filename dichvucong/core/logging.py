"""Logging filter that stamps every record with the current request id."""

from __future__ import annotations

import logging

from dichvucong.core.request_id import get_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = get_request_id()
        return True
