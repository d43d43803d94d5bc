"""Sign-in history, the sessions a person has open, and one-time unlock links.

TOTP authenticators and backup codes are django-otp's own models (``otp_totp.TOTPDevice``,
``otp_static.StaticDevice``); this app only decides when they are required.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.security.constants import LoginFailureReason, LoginMethod


class LoginEvent(models.Model):
    """One sign-in step, successful or not. History outlives the account: ``user`` is set to NULL
    (never cascaded) if an account were ever removed, and the typed ``username`` is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="login_events",
        verbose_name=_("tài khoản"),
    )
    username = models.CharField(_("tên đăng nhập đã nhập"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), db_index=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(_("trình duyệt"), max_length=300, blank=True)
    device = models.CharField(_("thiết bị"), max_length=100, blank=True)
    success = models.BooleanField(_("thành công"))
    method = models.CharField(_("cách đăng nhập"), max_length=16, choices=LoginMethod.choices)
    reason = models.CharField(
        _("lý do không thành công"), max_length=32, choices=LoginFailureReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("lượt đăng nhập")
        verbose_name_plural = _("lịch sử đăng nhập")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="security_login_user_time"),
            models.Index(fields=["username", "-created_at"], name="security_login_name_time"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.method} {'ok' if self.success else self.reason}"


class UserSession(models.Model):
    """A signed-in session (one browser), so its owner can see and end it. The session data itself
    stays in Django's session store; ending one deletes it there."""

    session_key = models.CharField(_("khóa phiên"), max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security_sessions"
    )
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(_("trình duyệt"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("bắt đầu"))
    last_seen_at = models.DateTimeField(_("hoạt động gần nhất"))

    class Meta:
        verbose_name = _("phiên đăng nhập")
        verbose_name_plural = _("phiên đăng nhập")
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.session_key[:6]}…"


class UnlockToken(models.Model):
    """A one-time link e-mailed to a locked-out account; only the SHA-256 of the token is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    username = models.CharField(max_length=150)  # as typed at the lock-out: the name axes counted
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("liên kết mở khóa")
        verbose_name_plural = _("liên kết mở khóa")
        indexes = [models.Index(fields=["user", "-created_at"], name="security_unlock_user_time")]

    def __str__(self) -> str:
        return f"unlock {self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
