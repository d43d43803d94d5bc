"""Tables of notifications: the inbox row, one delivery per channel, and channel preferences.

Write to them only through ``notifications.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.notifications.constants import Category, Channel, DeliveryStatus


class Notification(models.Model):
    """One message to one person, rendered in their language when it was created; also the inbox row.

    The text is stored as rendered so that what the person was told stays readable even after the
    template changes, and so that sending never renders (errors surface when the caller enqueues).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    template = models.CharField(_("mẫu"), max_length=100)
    category = models.CharField(_("nhóm"), max_length=32, choices=Category.choices)
    language = models.CharField(_("ngôn ngữ"), max_length=5)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"))
    body_html = models.TextField(_("nội dung HTML"), blank=True)
    link = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    idempotency_key = models.CharField(_("khoá chống trùng"), max_length=200)
    created_at = models.DateTimeField(_("tạo lúc"))
    read_at = models.DateTimeField(_("đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "idempotency_key"], name="notif_recipient_key_uniq"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "created_at"], name="notif_inbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """One channel's attempt to bring a notification to its recipient (the inbox counts as one)."""

    notification = models.ForeignKey(
        Notification, verbose_name=_("thông báo"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("kênh"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    address = models.CharField(_("địa chỉ nhận"), max_length=254, blank=True)
    provider_message_id = models.CharField(_("mã của nhà cung cấp"), max_length=200, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"))
    updated_at = models.DateTimeField(_("cập nhật lúc"))
    last_attempt_at = models.DateTimeField(_("lần thử gần nhất"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt gửi")
        verbose_name_plural = _("lượt gửi")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="notif_delivery_channel_uniq"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="notif_delivery_status_idx")]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} ({self.status})"

    @property
    def outbox_key(self) -> str:
        """The outbox idempotency key and the provider's client reference for this delivery."""
        return f"dvc-delivery-{self.pk}"


class ChannelPreference(models.Model):
    """A user's explicit choice for one category on one optional channel; no row means the default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    category = models.CharField(_("nhóm"), max_length=32, choices=Category.choices)
    channel = models.CharField(_("kênh"), max_length=16, choices=Channel.choices)
    enabled = models.BooleanField(_("nhận"))
    updated_at = models.DateTimeField(_("cập nhật lúc"))

    class Meta:
        verbose_name = _("cài đặt nhận thông báo")
        verbose_name_plural = _("cài đặt nhận thông báo")
        constraints = [
            models.UniqueConstraint(fields=["user", "category", "channel"], name="notif_pref_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.category}/{self.channel}={'on' if self.enabled else 'off'}"
