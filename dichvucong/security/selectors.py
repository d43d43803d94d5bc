"""Reads of the security context: who must use a second factor, devices, history and open sessions."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dichvucong.accounts.constants import UserKind
from dichvucong.security.constants import LOGIN_HISTORY_LIMIT
from dichvucong.security.models import LoginEvent, UserSession


def must_use_two_factor(user: Any) -> bool:
    """Officers and superusers always need a second factor, whatever they chose."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (getattr(user, "kind", None) == UserKind.OFFICER or getattr(user, "is_superuser", False))
    )


def get_totp_device(user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def requires_second_step(user: Any) -> bool:
    """After the password, is a code asked for? Officers always; citizens once they turned it on."""
    return must_use_two_factor(user) or (getattr(user, "is_authenticated", False) and has_two_factor(user))


def count_backup_codes(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def list_second_factor_devices(user: Any) -> list[Any]:
    """Confirmed devices a code may come from: the authenticator first, then the backup codes."""
    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"),
        *StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk"),
    ]


def list_login_events(*, user: Any, limit: int = LOGIN_HISTORY_LIMIT) -> QuerySet[LoginEvent]:
    """The newest sign-in steps of one account (successes and failures)."""
    return LoginEvent.objects.filter(user=user).order_by("-created_at", "-pk")[:limit]


def _session_store() -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_is_alive(session_key: str) -> bool:
    return bool(session_key) and _session_store()().exists(session_key)


def list_sessions(*, user: Any) -> list[UserSession]:
    """The user's sessions still present in the session store (ended and expired ones left out)."""
    store = _session_store()
    alive = []
    for row in UserSession.objects.filter(user=user).order_by("-last_seen_at"):
        data = store(session_key=row.session_key)
        if not data.exists(row.session_key):
            continue
        # A password change invalidates the other sessions (their auth hash no longer matches).
        stored_hash = data.get("_auth_user_hash")
        if stored_hash and stored_hash != user.get_session_auth_hash():
            continue
        alive.append(row)
    return alive


def get_session(*, user: Any, pk: int) -> UserSession:
    """One of the user's own sessions; another person's raises ``UserSession.DoesNotExist``."""
    return UserSession.objects.get(user=user, pk=pk)
