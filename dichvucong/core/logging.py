"""Logging filter that stamps every record with the current request id."""

from __future__ import annotations

import logging

from dichvucong.core.request_id import get_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request_id = get_request_id()
            if request_id == "-":
                # django.request logs 4xx/5xx after the middleware stack has returned (and reset the
                # context variable); the request object it passes still carries the id.
                request = getattr(record, "request", None)
                request_id = getattr(request, "request_id", request_id)
            record.request_id = request_id
        return True
