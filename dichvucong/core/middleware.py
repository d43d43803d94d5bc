"""Request id: taken from ``X-Request-ID`` when well formed, generated otherwise, echoed back."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from dichvucong.core.request_id import reset_request_id, set_request_id


class RequestIdMiddleware:
    header = "X-Request-ID"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_request_id(request.headers.get(self.header))
        try:
            from dichvucong.core.request_id import get_request_id

            request.request_id = get_request_id()  # type: ignore[attr-defined]
            response = self.get_response(request)
            response[self.header] = request.request_id  # type: ignore[attr-defined]
            return response
        finally:
            reset_request_id(token)
