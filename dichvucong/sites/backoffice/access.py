"""Who may enter the back office: officers (``kind == "officer"``) holding at least one active role.

``officer_required`` is the one gate every back-office view goes through. Anonymous visitors are sent
to the login page, sessions not verified with a second factor (TOTP, ``dichvucong.security``) to the
verify step; signed-in users without the right get a translated 403 page. On success the
user's data scope is put on ``request.data_scope`` for the view, the navigation and the templates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from dichvucong.accounts.constants import UserKind

View = Callable[..., HttpResponse]


def get_request_scope(request: HttpRequest) -> Any:
    """The signed-in user's data scope (imported lazily: the agencies app owns it)."""
    from dichvucong.agencies.scopes import get_data_scope

    return get_data_scope(request.user)


def may_use_backoffice(user: Any, scope: Any, roles: Iterable[str] = ()) -> bool:
    """An officer with at least one role (and, when ``roles`` is given, one of those)."""
    if getattr(user, "kind", None) != UserKind.OFFICER or not scope.roles:
        return False
    wanted = tuple(roles)
    return not wanted or scope.has_role(*wanted)


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/forbidden.html", status=403)


def officer_required(view: View | None = None, *, roles: Iterable[str] = ()) -> Any:
    """Decorator: ``@officer_required`` or ``@officer_required(roles=[Role.CITY_ADMIN, …])``."""
    wanted = tuple(roles)

    def decorate(func: View) -> View:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scope = get_request_scope(request)
            if not may_use_backoffice(request.user, scope, wanted):
                return forbidden(request)
            if not getattr(request.user, "is_verified", lambda: False)():
                # Officers must pass the second factor (django-otp) before any back-office page.
                verify_url = reverse("portal:two_factor_verify")
                return redirect_to_login(request.get_full_path(), login_url=verify_url)
            request.data_scope = scope  # type: ignore[attr-defined]
            return func(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
