"""Django admin for notifications: read-only views for operators tracing a delivery.

Deliveries are changed only by the outbox handler; to resend one whose outbox message was
dead-lettered, retry that message from the outbox admin (the delivery is still ``queued``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dichvucong.notifications.models import ChannelPreference, Delivery, Notification


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ["channel", "status", "address", "attempts", "provider_message_id", "error", "sent_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(_ReadOnlyAdmin):
    list_display = ["id", "created_at", "recipient", "template", "category", "language", "read_at"]
    list_filter = ["category", "template", "language"]
    search_fields = ["recipient__username", "recipient__email", "idempotency_key"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(_ReadOnlyAdmin):
    list_display = ["id", "created_at", "notification", "channel", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status"]
    search_fields = ["address", "provider_message_id", "notification__recipient__username"]
    list_select_related = ["notification"]
    raw_id_fields = ["notification"]


@admin.register(ChannelPreference)
class ChannelPreferenceAdmin(_ReadOnlyAdmin):
    list_display = ["user", "category", "channel", "enabled", "updated_at"]
    list_filter = ["category", "channel", "enabled"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]
