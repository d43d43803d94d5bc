"""One error shape for every API endpoint: ``{"error": {"code", "message", "fields"}}``, translated."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    code = getattr(exc, "default_code", "error")
    if isinstance(detail, dict) and "detail" in detail and len(detail) == 1:
        message, fields = str(detail["detail"]), {}
    elif isinstance(detail, dict):
        message, fields = str(getattr(exc, "default_detail", "Invalid input.")), detail
    else:
        message, fields = str(getattr(exc, "default_detail", "Invalid input.")), {"non_field_errors": detail}
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response
