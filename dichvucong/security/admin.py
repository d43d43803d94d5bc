"""The Django admin gate: on top of the city-admin rule (``agencies.admin``), the session must be
OTP-verified. The admin's own login form stays (it checks the city-admin rule); a password accepted
there is recorded in the sign-in history, and ``SecondFactorMiddleware`` then asks for the code
before any admin page opens."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from dichvucong.security import services
from dichvucong.security.middleware import client_ip, user_agent_of

_city_admin_rule = admin.site.has_permission
_admin_login = admin.site.login


def verified_admin_has_permission(request: HttpRequest) -> bool:
    user = request.user
    return bool(_city_admin_rule(request) and getattr(user, "is_verified", lambda: False)())


def recorded_admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin login, with its outcome written to the sign-in history like the portal's."""
    response = _admin_login(request, extra_context)
    username = request.POST.get("username", "").strip()
    if request.method == "POST" and username:
        if response.status_code == 302 and request.user.is_authenticated:
            services.record_login_success(
                user=request.user, ip_address=client_ip(request), user_agent=user_agent_of(request)
            )
        elif response.status_code == 200:
            services.record_login_failure(
                username=username,
                reason=services.failure_reason_for(
                    locked_out=bool(getattr(request, "axes_locked_out", False))
                ),
                ip_address=client_ip(request),
                user_agent=user_agent_of(request),
            )
    return response


admin.site.has_permission = verified_admin_has_permission  # type: ignore[method-assign]
admin.site.login = recorded_admin_login  # type: ignore[method-assign]
