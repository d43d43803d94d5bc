"""Choices and fixed rules of notifications: channels, delivery states, categories, mandatory ones."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

DELIVER_TOPIC = "notifications.deliver"


class Channel(models.TextChoices):
    INBOX = "inbox", _("Hộp thư trên cổng")
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không thành công")
    SKIPPED = "skipped", _("Không gửi")


class Category(models.TextChoices):
    """What a notification is about; users choose channels per category."""

    SECURITY = "security", _("Bảo mật tài khoản")
    ACCOUNT = "account", _("Tài khoản")
    DOSSIER = "dossier", _("Hồ sơ thủ tục hành chính")
    PAYMENT = "payment", _("Thanh toán phí, lệ phí")
    APPOINTMENT = "appointment", _("Lịch hẹn")
    FEEDBACK = "feedback", _("Phản ánh, kiến nghị")
    SYSTEM = "system", _("Thông báo hệ thống")


# Channels a user may switch on or off; the inbox is always on.
OPTIONAL_CHANNELS: tuple[Channel, ...] = (Channel.EMAIL, Channel.SMS)

# Channels that cannot be switched off for a category (still only when the user has an address).
MANDATORY_CHANNELS: dict[str, frozenset[Channel]] = {
    Category.SECURITY: frozenset({Channel.INBOX, Channel.EMAIL}),
}


class SkipReason(models.TextChoices):
    """Why a delivery was recorded as skipped instead of sent."""

    NO_EMAIL = "no_email", _("Tài khoản chưa có địa chỉ thư điện tử")
    NO_PHONE = "no_phone", _("Tài khoản chưa có số điện thoại")
    SMS_DISABLED = "sms_disabled", _("Hệ thống chưa cấu hình cổng SMS (SMS_GATEWAY_URL)")


class NotificationErrorCode(models.TextChoices):
    UNKNOWN_TEMPLATE = "unknown_template", _("Mẫu thông báo không tồn tại")
    MISSING_CONTEXT = "missing_context", _("Thiếu dữ liệu để soạn thông báo")
    IDEMPOTENCY_CONFLICT = "idempotency_conflict", _("Khoá chống trùng đã dùng cho thông báo khác")
    MANDATORY_CHANNEL = "mandatory_channel", _("Không thể tắt kênh bắt buộc")


# Labels of the portal pages (kept here so every user-visible string of notifications is in this app).
INBOX_TITLE = _("Thông báo của tôi")
PREFERENCES_TITLE = _("Cài đặt nhận thông báo")
