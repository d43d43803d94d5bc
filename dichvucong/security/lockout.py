"""The lock-out page django-axes shows (``AXES_LOCKOUT_CALLABLE``), which also mails an unlock link.

The page is the same whether or not the typed name belongs to an account, has an e-mail address,
or was sent a link a minute ago (``services.request_unlock_link`` is silent and throttled).
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_username, get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dichvucong.security import services


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    username = get_client_username(request, credentials) or ""
    if username:
        services.request_unlock_link(username=username)
    context = {"cooloff_timedelta": get_cool_off(request), "unlock_link_offered": True}
    return render(request, "core/lockout.html", context, status=429)
