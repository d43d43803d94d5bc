"""Writes of the security context: sign-in history, second factor, sessions and unlock links.

Views call these with plain values taken from the request (``ip_address``, ``user_agent``), so the
services stay testable without requests. Everything an administrator does to someone else's
account (resetting their second factor) is audited; a person's own sign-ins are history rows, not
audit entries (one per sign-in would swamp the chain).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from importlib import import_module
from typing import Any

from axes.utils import reset as reset_axes
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dichvucong.accounts.models import User
from dichvucong.agencies.permissions import can_manage_officer
from dichvucong.core import clock
from dichvucong.core.audit import record_audit
from dichvucong.notifications.services import notify
from dichvucong.security import selectors
from dichvucong.security.constants import (
    BACKUP_CODE_COUNT,
    BACKUP_DEVICE_NAME,
    TOTP_DEVICE_NAME,
    UNLOCK_MAIL_INTERVAL_MINUTES,
    LoginFailureReason,
    LoginMethod,
)
from dichvucong.security.errors import SecurityError
from dichvucong.security.models import LoginEvent, UnlockToken, UserSession
from dichvucong.security.useragents import describe_user_agent

USER_AGENT_MAX = 300


# --- Sign-in history ------------------------------------------------------------------------------


def record_login_success(
    *,
    user: User,
    method: str = LoginMethod.PASSWORD,
    ip_address: str | None,
    user_agent: str,
) -> LoginEvent:
    """Append a successful sign-in step. The first success from a browser/system pair the account
    never used before sends a security notification (not for the account's very first sign-in)."""
    device = describe_user_agent(user_agent)
    previous = LoginEvent.objects.filter(user=user, success=True)
    new_device = previous.exists() and not previous.filter(device=device).exists()
    event = LoginEvent.objects.create(
        user=user,
        username=user.get_username(),
        created_at=clock.now(),
        ip_address=ip_address or None,
        user_agent=user_agent[:USER_AGENT_MAX],
        device=device,
        success=True,
        method=method,
    )
    if new_device:
        notify(
            recipient=user,
            template="security.new_device",
            context={
                "device": device or _("thiết bị không xác định"),
                "ip_address": ip_address or "",
                "signed_in_at": formats.date_format(timezone.localtime(event.created_at), "DATETIME_FORMAT"),
            },
            link=reverse("portal:account_security"),
            idempotency_key=f"security.new_device:{event.pk}",
        )
    return event


def record_login_failure(
    *,
    username: str,
    reason: str,
    method: str = LoginMethod.PASSWORD,
    ip_address: str | None,
    user_agent: str,
    user: User | None = None,
) -> LoginEvent:
    """Append a refused step; ``user`` is looked up from the typed name when not given (the page
    never says whether it exists)."""
    username = (username or "").strip()[:150]
    if user is None and username:
        user = User.objects.filter(username__iexact=username).first()
    return LoginEvent.objects.create(
        user=user,
        username=username,
        created_at=clock.now(),
        ip_address=ip_address or None,
        user_agent=user_agent[:USER_AGENT_MAX],
        device=describe_user_agent(user_agent),
        success=False,
        method=method,
        reason=reason,
    )


# --- Second factor --------------------------------------------------------------------------------


def start_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator whose secret the enrolment page shows (kept until confirmed,
    so reloading the page keeps the same QR code). Refused when one is already confirmed."""
    if selectors.has_two_factor(user):
        raise SecurityError(_("Tài khoản đã bật xác thực hai lớp."), code="already_enrolled")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def _new_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def install_known_totp_device(*, user: User, key: bytes) -> TOTPDevice:
    """Give ``user`` a confirmed authenticator with a known key. Only for the demo city (its
    published secret lets `make run` users sign in as demo officers); never for real accounts."""
    if not settings.DEMO_MODE:
        raise SecurityError("install_known_totp_device is for DEMO_MODE only", code="demo_only")
    _remove_devices(user)
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key.hex(), confirmed=True)


@transaction.atomic
def confirm_enrolment(*, user: User, token: str) -> tuple[TOTPDevice, list[str]]:
    """Checks the first code from the authenticator; on success the device is confirmed and a fresh
    set of backup codes is returned (to be shown once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        raise SecurityError(_("Phiên đăng ký đã hết hạn. Vui lòng bắt đầu lại."), code="no_enrolment")
    if not device.verify_token(_clean_token(token)):
        raise SecurityError(_("Mã xác thực không đúng. Vui lòng nhập mã đang hiển thị trong ứng dụng."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _new_backup_codes(user)
    record_audit(actor=user, action="security.enable_two_factor", target=user)
    return device, codes


def _clean_token(token: str) -> str:
    return "".join((token or "").split()).replace("-", "")[:16]


def verify_second_factor(*, user: User, token: str) -> Any:
    """The device that accepts ``token`` (an authenticator code or an unused backup code).
    Wrong, replayed or throttled codes raise ``SecurityError``."""
    token = _clean_token(token)
    if token:
        for device in selectors.list_second_factor_devices(user):
            allowed, _data = device.verify_is_allowed()
            if not allowed:
                raise SecurityError(
                    _("Bạn đã nhập sai nhiều lần. Vui lòng đợi ít giây rồi thử lại."), code="throttled"
                )
            if device.verify_token(token):
                return device
    raise SecurityError(_("Mã xác thực không đúng hoặc đã được dùng."), code="bad_code")


@transaction.atomic
def regenerate_backup_codes(*, user: User) -> list[str]:
    """New backup codes replace the old ones (which stop working)."""
    if not selectors.has_two_factor(user):
        raise SecurityError(_("Hãy bật xác thực hai lớp trước."), code="not_enrolled")
    codes = _new_backup_codes(user)
    record_audit(actor=user, action="security.regenerate_backup_codes", target=user)
    return codes


def _remove_devices(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def disable_two_factor(*, user: User, token: str) -> None:
    """A citizen turns the second factor off, proving it with a current code. Officers cannot."""
    if selectors.must_use_two_factor(user):
        raise SecurityError(_("Tài khoản cán bộ bắt buộc dùng xác thực hai lớp."), code="mandatory")
    if not selectors.has_two_factor(user):
        raise SecurityError(_("Tài khoản chưa bật xác thực hai lớp."), code="not_enrolled")
    verify_second_factor(user=user, token=token)
    _remove_devices(user)
    record_audit(actor=user, action="security.disable_two_factor", target=user)


@transaction.atomic
def reset_two_factor(*, actor: User, user: User) -> None:
    """An admin whose scope covers every assignment of ``user`` removes their authenticator and backup
    codes (lost phone); the officer enrols again at the next sign-in. Audited."""
    if not can_manage_officer(actor, user):
        raise SecurityError(
            _("Bạn không có quyền đặt lại xác thực hai lớp của tài khoản này."), code="forbidden"
        )
    had_device = selectors.has_two_factor(user)
    _remove_devices(user)
    end_all_sessions(user=user)
    record_audit(
        actor=actor,
        action="security.reset_two_factor",
        target=user,
        before={"two_factor": had_device},
        after={"two_factor": False},
    )


# --- Sessions -------------------------------------------------------------------------------------


def _session_store() -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore


def touch_session(*, session_key: str, user: User, ip_address: str | None, user_agent: str) -> None:
    """Create or refresh the row of a signed-in session (callers throttle this to once a minute)."""
    now = clock.now()
    updated = UserSession.objects.filter(session_key=session_key).update(
        last_seen_at=now, ip_address=ip_address or None
    )
    if not updated:
        UserSession.objects.create(
            session_key=session_key,
            user=user,
            ip_address=ip_address or None,
            user_agent=user_agent[:USER_AGENT_MAX],
            created_at=now,
            last_seen_at=now,
        )


def end_session(*, session_key: str) -> None:
    """Forget a session that ended normally (logout, idle timeout)."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def revoke_session(*, user: User, pk: int) -> None:
    """Sign out one of the user's own sessions: deleted from the session store, so that browser is
    anonymous at its next request. Another user's session id raises ``UserSession.DoesNotExist``."""
    row = selectors.get_session(user=user, pk=pk)
    _session_store()().delete(row.session_key)
    row.delete()


def revoke_other_sessions(*, user: User, keep_session_key: str) -> int:
    """ "Sign out everywhere else": every session of the user except the current one."""
    store = _session_store()()
    rows = list(UserSession.objects.filter(user=user).exclude(session_key=keep_session_key))
    for row in rows:
        store.delete(row.session_key)
    UserSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


def end_all_sessions(*, user: User) -> int:
    return revoke_other_sessions(user=user, keep_session_key="")


# --- Unlocking a locked-out account ---------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def request_unlock_link(*, username: str) -> bool:
    """E-mail (and put in the inbox) a one-time unlock link for the account named ``username``.

    Silent on purpose: an unknown name, an account without e-mail or a link already sent within
    ``UNLOCK_MAIL_INTERVAL_MINUTES`` send nothing, and the caller shows the same page either way.
    Returns whether a link was made."""
    user = User.objects.filter(username__iexact=(username or "").strip(), is_active=True).first()
    if user is None or not user.email:
        return False
    now = clock.now()
    recent = now - timedelta(minutes=UNLOCK_MAIL_INTERVAL_MINUTES)
    if UnlockToken.objects.filter(user=user, created_at__gt=recent).exists():
        return False
    token = secrets.token_urlsafe(32)
    row = UnlockToken.objects.create(
        user=user,
        username=(username or "").strip()[:150],
        token_hash=_hash(token),
        created_at=now,
        expires_at=now + timedelta(minutes=settings.UNLOCK_LINK_MINUTES),
    )
    notify(
        recipient=user,
        template="security.unlock",
        context={"valid_minutes": settings.UNLOCK_LINK_MINUTES},
        link=reverse("portal:account_unlock", kwargs={"token": token}),
        idempotency_key=f"security.unlock:{row.pk}",
    )
    return True


@transaction.atomic
def unlock_account(*, token: str) -> User:
    """Consume an unlock link: clears the lock-out of that account's user name. Unknown, used or
    expired links raise ``SecurityError``."""
    row = (
        UnlockToken.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=_hash(token or ""))
        .first()
    )
    if row is None or row.used_at is not None:
        raise SecurityError(_("Liên kết mở khóa không hợp lệ hoặc đã được dùng."), code="invalid_link")
    now = clock.now()
    if row.expires_at <= now:
        raise SecurityError(_("Liên kết mở khóa đã hết hạn."), code="expired_link")
    row.used_at = now
    row.save(update_fields=["used_at"])
    for name in {row.username, row.user.get_username()}:
        reset_axes(username=name)
    record_audit(actor=row.user, action="security.unlock_account", target=row.user)
    return row.user


def failure_reason_for(*, locked_out: bool) -> str:
    return LoginFailureReason.LOCKED_OUT if locked_out else LoginFailureReason.BAD_CREDENTIALS
