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


class LanguageMiddleware:
    """Vietnamese unless the person chose otherwise: the language cookie (set by the switch), then the
    signed-in user's saved preference, then ``settings.LANGUAGE_CODE``.

    Replaces Django's ``LocaleMiddleware`` on purpose: that one follows the browser's
    ``Accept-Language``, and many Vietnamese citizens use phones set to English — the portal of a
    Vietnamese city must open in Vietnamese and offer English as a choice (REQUIREMENTS N3).
    Must come after ``AuthenticationMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        supported = {code for code, _name in settings.LANGUAGES}
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            user = getattr(request, "user", None)
            signed_in = getattr(user, "is_authenticated", False)
            preferred = getattr(user, "preferred_language", None) if signed_in else None
            language = preferred if preferred in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
