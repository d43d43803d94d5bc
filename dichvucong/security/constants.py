"""Vocabularies and fixed rules of strong authentication."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginMethod(models.TextChoices):
    """How a sign-in step was made."""

    PASSWORD = "password", _("Mật khẩu")
    OTP = "otp", _("Mã xác thực hai lớp")
    SSO = "sso", _("Đăng nhập một lần (SSO)")


class LoginFailureReason(models.TextChoices):
    """Why a sign-in step was refused (empty for a success)."""

    BAD_CREDENTIALS = "bad_credentials", _("Sai tên đăng nhập hoặc mật khẩu")
    LOCKED_OUT = "locked_out", _("Đang bị tạm khóa do nhập sai nhiều lần")
    BAD_CODE = "bad_code", _("Mã xác thực không đúng hoặc đã dùng")


# Session keys (strings, never user-visible).
LAST_ACTIVITY_SESSION_KEY = "security_last_activity"
SECOND_STEP_SESSION_KEY = "security_second_step"  # does this (non-officer) account ask for a code?
# The last-activity timestamp (and the session's "last seen") is written at most this often.
ACTIVITY_WRITE_INTERVAL_SECONDS = 60
# Backup codes made at enrolment or on request; each works once.
BACKUP_CODE_COUNT = 10
# Name of the devices this app creates (django-otp keeps several devices per user).
TOTP_DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"
# An account gets at most one unlock e-mail per this many minutes, however often the lock-out page shows.
UNLOCK_MAIL_INTERVAL_MINUTES = 15
# How many login events the pages show.
LOGIN_HISTORY_LIMIT = 50
