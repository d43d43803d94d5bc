"""Tables of the shared kernel: the transactional outbox and the hash-chained audit trail.

Write to them only through ``core.outbox`` and ``core.audit``; these models carry the guards
(audit rows refuse every ORM update or delete) but not the rules (leases, backoff, chaining).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.core.constants import OutboxStatus


class OutboxMessage(models.Model):
    """A side effect promised by a committed transaction, delivered at least once to its handler.

    The row is written in the caller's transaction, so it exists if and only if the business change
    committed. ``locked_until`` is the lease of the worker running it; when that worker dies the
    lease expires and the sweep runs the message again. ``lease_token`` fences a worker whose lease
    expired from marking a message another worker took over.
    """

    topic = models.CharField(_("chủ đề"), max_length=100)
    payload = models.JSONField(_("dữ liệu"))
    idempotency_key = models.CharField(_("khoá chống trùng"), max_length=200, unique=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"))
    locked_until = models.DateTimeField(_("khoá đến"), null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    last_attempt_at = models.DateTimeField(_("lần thử gần nhất"), null=True, blank=True)
    request_id = models.CharField(_("mã yêu cầu"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    failed_at = models.DateTimeField(_("thất bại lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông điệp hộp thư đi")
        verbose_name_plural = _("thông điệp hộp thư đi")
        indexes = [
            # The sweep: pending rows due now, and pending rows whose lease expired.
            models.Index(fields=["status", "next_attempt_at"], name="core_outbox_due_idx"),
            models.Index(fields=["status", "locked_until"], name="core_outbox_lease_idx"),
            models.Index(fields=["topic", "status"], name="core_outbox_topic_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.topic}#{self.pk} ({self.status})"


class AuditImmutableError(Exception):
    """Raised on any attempt to change or remove an audit entry through the ORM."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Reads only: every bulk write path raises, so the chain can only grow through record_audit."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit entries are append-only: update() is not allowed.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AuditImmutableError("Audit entries are append-only: delete() is not allowed.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit entries are append-only: bulk_update() is not allowed.")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit entries are appended one by one through core.audit.record_audit().")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit entries are append-only: update_or_create() is not allowed.")


class AuditEntry(models.Model):
    """One link of the append-only audit chain: who did what to which object, when.

    ``hash`` is SHA-256 over the canonical fields and ``prev_hash``; ``sequence`` is gap-free. The
    actor is PROTECTed (deactivate people, never delete them) and snapshotted in ``actor_display``
    so the entry still reads right after a rename.
    """

    sequence = models.PositiveBigIntegerField(_("số thứ tự"), unique=True, editable=False)
    created_at = models.DateTimeField(_("thời điểm"), editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    actor_display = models.CharField(_("tên người thực hiện"), max_length=200, blank=True, editable=False)
    action = models.CharField(_("hành động"), max_length=100, editable=False)
    target_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True, editable=False)
    target_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True, editable=False)
    before = models.JSONField(_("trước"), null=True, blank=True, editable=False)
    after = models.JSONField(_("sau"), null=True, blank=True, editable=False)
    before_sha256 = models.CharField(max_length=64, editable=False)
    after_sha256 = models.CharField(max_length=64, editable=False)
    note = models.TextField(_("ghi chú"), blank=True, editable=False)
    request_id = models.CharField(_("mã yêu cầu"), max_length=64, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký kiểm toán")
        verbose_name_plural = _("nhật ký kiểm toán")
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["actor", "-sequence"], name="core_audit_actor_idx"),
            models.Index(fields=["action", "-sequence"], name="core_audit_action_idx"),
            # LIKE 'prefix%' on PostgreSQL under a non-C collation needs the pattern operator class.
            models.Index(
                fields=["action"], name="core_audit_action_like_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["target_type", "target_id", "-sequence"], name="core_audit_target_idx"),
            models.Index(fields=["created_at"], name="core_audit_created_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditImmutableError("Audit entries are append-only: an existing entry cannot be saved.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit entries are append-only: an entry cannot be deleted.")


class AuditChainHead(models.Model):
    """The single row (pk=1) that serialises appends and remembers the tail.

    Appenders lock it FOR UPDATE; it keeps the last sequence and hash so that removing the newest
    entries (which leaves a shorter but internally valid chain) is still detected.
    """

    SINGLETON_PK = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_PK)
    sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký")
        verbose_name_plural = _("đầu chuỗi nhật ký")

    def __str__(self) -> str:
        return f"audit head #{self.sequence}"
