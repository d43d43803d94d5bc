"""Two middlewares of strong authentication, placed after authentication, django-otp and messages.

* ``IdleTimeoutMiddleware`` signs out a session left idle longer than the person's limit
  (``OFFICER_IDLE_TIMEOUT_MINUTES`` for officers, ``CITIZEN_IDLE_TIMEOUT_MINUTES`` otherwise). The
  last activity is a timestamp in the session, written at most once a minute (the same write keeps
  the "last seen" of the sessions page), so reading pages does not write the session every time.
* ``SecondFactorMiddleware`` keeps a session that must pass a second factor (officers always,
  citizens who turned it on) away from everything but the verify/enrol pages and logout until it
  is OTP-verified: pages redirect there, the API answers 403 in the API's error shape.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from dichvucong.core import clock
from dichvucong.security import selectors, services
from dichvucong.security.constants import (
    ACTIVITY_WRITE_INTERVAL_SECONDS,
    LAST_ACTIVITY_SESSION_KEY,
    SECOND_STEP_SESSION_KEY,
)

# Views a signed-in but not yet verified session may reach.
SECOND_STEP_VIEWS = frozenset(
    {
        "portal:two_factor_verify",
        "portal:two_factor_enrol",
        "portal:logout",
        "portal:account_unlock",
        "set_language",
        "healthz",
        "metrics",
    }
)


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address as the session list and history show it (REMOTE_ADDR; the proxy sets it)."""
    return request.META.get("REMOTE_ADDR") or None


def user_agent_of(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]


def idle_limit_seconds(user: object) -> int:
    minutes = (
        settings.OFFICER_IDLE_TIMEOUT_MINUTES
        if selectors.must_use_two_factor(user)
        else settings.CITIZEN_IDLE_TIMEOUT_MINUTES
    )
    return int(minutes) * 60


def mark_activity(request: HttpRequest) -> None:
    """Stamp the session's last activity and refresh its row in the sessions list."""
    request.session[LAST_ACTIVITY_SESSION_KEY] = int(clock.now().timestamp())
    if request.session.session_key is None:
        request.session.save()
    services.touch_session(
        session_key=request.session.session_key or "",
        user=request.user,  # type: ignore[arg-type]
        ip_address=client_ip(request),
        user_agent=user_agent_of(request),
    )


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = int(clock.now().timestamp())
            last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
            if isinstance(last, int) and now - last > idle_limit_seconds(user):
                services.end_session(session_key=request.session.session_key or "")
                logout(request)
                messages.info(
                    request,
                    _("Phiên làm việc đã hết hạn vì quá lâu không thao tác. Vui lòng đăng nhập lại."),
                )
            elif not isinstance(last, int) or now - last >= ACTIVITY_WRITE_INTERVAL_SECONDS:
                mark_activity(request)
        return self.get_response(request)


def _view_name(request: HttpRequest) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


def _needs_second_step(request: HttpRequest) -> bool:
    """Officers always; others when they have an authenticator. The citizen's answer is kept in the
    session (one query per session, not per request); turning 2FA on verifies the session anyway."""
    user = request.user
    if selectors.must_use_two_factor(user):
        return True
    cached = request.session.get(SECOND_STEP_SESSION_KEY)
    if not isinstance(cached, bool):
        cached = selectors.has_two_factor(user)
        request.session[SECOND_STEP_SESSION_KEY] = cached
    return cached


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and _view_name(request) not in SECOND_STEP_VIEWS
            and _needs_second_step(request)
        ):
            if request.path_info.startswith("/api/"):
                return JsonResponse(
                    {
                        "error": {
                            "code": "second_factor_required",
                            "message": _("Cần xác thực hai lớp trước khi dùng chức năng này."),
                            "fields": {},
                        }
                    },
                    status=403,
                )
            step = "portal:two_factor_verify" if selectors.has_two_factor(user) else "portal:two_factor_enrol"
            query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return redirect(reverse(step) + (f"?{query}" if query else ""))
        return self.get_response(request)
