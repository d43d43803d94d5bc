"""Django admin for the shared kernel: audit entries are read-only; dead-lettered outbox messages
can be retried. Every retry is itself audited (who put which message back)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dichvucong.core.audit import record_audit
from dichvucong.core.constants import OutboxStatus
from dichvucong.core.models import AuditEntry, OutboxMessage
from dichvucong.core.outbox import retry_failed_message


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(_ReadOnlyAdmin):
    list_display = [
        "sequence",
        "created_at",
        "actor_display",
        "action",
        "target_type",
        "target_id",
        "request_id",
    ]
    list_filter = ["action"]
    # Exact or prefix lookups only: they use the indexes of a table that grows for ever.
    search_fields = ["^action", "=target_id", "=request_id"]
    date_hierarchy = "created_at"
    ordering = ["-sequence"]
    show_full_result_count = False
    list_select_related = ["actor"]
    readonly_fields = [
        "sequence",
        "created_at",
        "actor",
        "actor_display",
        "action",
        "target_type",
        "target_id",
        "before",
        "after",
        "before_sha256",
        "after_sha256",
        "note",
        "request_id",
        "prev_hash",
        "hash",
    ]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(_ReadOnlyAdmin):
    list_display = [
        "id",
        "topic",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "sent_at",
        "failed_at",
    ]
    list_filter = ["status", "topic"]
    search_fields = ["=idempotency_key", "^topic", "=request_id"]
    ordering = ["-id"]
    show_full_result_count = False
    readonly_fields = [
        "topic",
        "payload",
        "idempotency_key",
        "status",
        "attempts",
        "next_attempt_at",
        "locked_until",
        "lease_token",
        "last_error",
        "last_attempt_at",
        "request_id",
        "created_at",
        "sent_at",
        "failed_at",
    ]
    actions = ["retry_failed"]

    @admin.action(description=_("Gửi lại các thông điệp thất bại đã chọn"), permissions=["view"])
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        if not request.user.has_perm("core.change_outboxmessage"):
            self.message_user(request, _("Bạn không có quyền gửi lại thông điệp."), messages.ERROR)
            return
        retried = 0
        for message in queryset.filter(status=OutboxStatus.FAILED):
            retry_failed_message(message_id=message.pk)
            record_audit(actor=request.user, action="outbox.retry", target=message)  # type: ignore[arg-type]
            retried += 1
        skipped = queryset.count() - retried
        self.message_user(
            request,
            ngettext(
                "Đã đưa %(count)d thông điệp trở lại hàng đợi.",
                "Đã đưa %(count)d thông điệp trở lại hàng đợi.",
                retried,
            )
            % {"count": retried},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                _("Bỏ qua %(count)d thông điệp không ở trạng thái thất bại.") % {"count": skipped},
                messages.WARNING,
            )
