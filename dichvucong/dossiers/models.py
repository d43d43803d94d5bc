"""Dossiers (hồ sơ TTHC), their documents, and the append-only event log.

Every change is one service call in ``services.py``: it updates the ``Dossier`` row, appends a
``DossierEvent`` (the single source for tracking, the process-control slip, evaluation per stage and
statistics), writes the audit entry and enqueues side effects (notifications) through the outbox.

A draft (saved but not yet submitted) has ``status = NULL`` and no code. The code
(``<agency code>-YYMMDD-NNNN``) is issued when the dossier is received, from ``DossierCodeCounter``
(one row per receiving agency per local day, locked while a number is taken: unique and gap-free).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dichvucong.core.crypto import EncryptedTextField
from dichvucong.dossiers.constants import (
    ApplicantKind,
    DocumentKind,
    DossierStatus,
    EventAction,
    ReturnMethod,
    ScanStatus,
    SubmissionChannel,
    TransferStatus,
)


class Dossier(models.Model):
    code = models.CharField(_("mã hồ sơ"), max_length=32, unique=True, null=True, blank=True)
    # Code given by another system (national portal, inter-agency), kept beside ours (SPEC-VN §1).
    external_code = models.CharField(_("mã hồ sơ khác"), max_length=64, blank=True)
    procedure = models.ForeignKey(
        "procedures.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion",
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), choices=SubmissionChannel.choices)
    status = models.PositiveSmallIntegerField(
        _("trạng thái"), choices=DossierStatus.choices, null=True, blank=True
    )
    # The account that owns the dossier (the citizen, or the member filing for an organisation);
    # NULL for a walk-in applicant without an account.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản nộp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("tổ chức, doanh nghiệp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    applicant_kind = models.PositiveSmallIntegerField(
        _("loại đối tượng"), choices=ApplicantKind.choices, default=ApplicantKind.CITIZEN
    )
    applicant_name = models.CharField(_("tên người nộp"), max_length=200)
    # The name folded (no accents, đ→d, lower case) so officers find "Nguyen Van An" by typing
    # "nguyen van an"; kept by the services, GIN-trigram indexed on PostgreSQL (migration 0002).
    applicant_search_name = models.CharField(max_length=200, blank=True, default="", editable=False)
    applicant_id_number = EncryptedTextField(_("số định danh người nộp"), blank=True, default="")
    applicant_phone = EncryptedTextField(_("số điện thoại"), blank=True, default="")
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    # The counter officer who recorded a walk-in or postal dossier.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    form_data = models.JSONField(_("nội dung tờ khai"), default=dict, blank=True)
    queue_ticket = models.CharField(_("số thứ tự lấy số"), max_length=32, blank=True)
    return_method = models.PositiveSmallIntegerField(
        _("hình thức nhận kết quả"), choices=ReturnMethod.choices, default=ReturnMethod.COUNTER
    )
    return_address = models.CharField(_("địa chỉ nhận kết quả"), max_length=300, blank=True)
    fee_total = models.DecimalField(_("phí, lệ phí"), max_digits=14, decimal_places=2, default=0)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    # NULL after reception means the procedure has no fixed return date.
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("xử lý xong lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    # The officer currently holding the dossier (the workflow issue keeps it up to date).
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="dossier_owner_created"),
            models.Index(fields=["agency", "status", "-received_at"], name="dossier_agency_status"),
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="uniq_dossier_idempotency_key",
            ),
            # The counter form carries a key too: a double click or a resubmitted page records the
            # walk-in dossier once.
            models.UniqueConstraint(
                fields=["recorded_by", "idempotency_key"],
                condition=~Q(idempotency_key="") & Q(recorded_by__isnull=False),
                name="uniq_counter_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status is None


class DossierDocument(models.Model):
    """A file of a dossier: one per required document item, a supplement, a result or a generated slip."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(
        _("loại"), max_length=16, choices=DocumentKind.choices, default=DocumentKind.APPLICATION
    )
    required_document = models.ForeignKey(
        "procedures.RequiredDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("tên giấy tờ"), max_length=500, blank=True)
    file = models.FileField(_("tệp"), upload_to="dossiers/%Y/%m/")
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(max_length=16, choices=ScanStatus.choices, default=ScanStatus.NOT_SCANNED)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")
        ordering = ["dossier", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class DossierEvent(models.Model):
    """One step in a dossier's history. Append-only: never updated or deleted."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("thời điểm"))
    action = models.CharField(_("thao tác"), max_length=40, choices=EventAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(_("vai trò"), max_length=32, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(_("bước xử lý"), max_length=100, blank=True)
    from_status = models.PositiveSmallIntegerField(choices=DossierStatus.choices, null=True, blank=True)
    to_status = models.PositiveSmallIntegerField(choices=DossierStatus.choices, null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("sự kiện hồ sơ")
        ordering = ["dossier", "at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="dossier_event_at")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class SupplementRequest(models.Model):
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02): the exact list, given once and fully."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="supplement_requests")
    items = models.JSONField(_("nội dung cần bổ sung"), default=list)  # [{"title": …, "reason": …}]
    note = models.TextField(_("hướng dẫn"), blank=True)
    deadline = models.DateTimeField(_("hạn bổ sung"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    fulfilled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu bổ sung hồ sơ")
        verbose_name_plural = _("yêu cầu bổ sung hồ sơ")
        ordering = ["dossier", "-requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier} @ {self.requested_at:%Y-%m-%d}"


class DossierCodeCounter(models.Model):
    """The last number given to a dossier received by ``agency`` on ``day`` (local date)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bộ đếm mã hồ sơ")
        verbose_name_plural = _("bộ đếm mã hồ sơ")
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="uniq_code_counter")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day} {self.last_number}"


class DossierReschedule(models.Model):
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04): at most one per dossier (the law)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="reschedule")
    reason = models.TextField(_("lý do chậm trả kết quả"))
    old_due_at = models.DateTimeField(_("ngày hẹn trả cũ"))
    new_due_at = models.DateTimeField(_("ngày hẹn trả mới"))
    extra_days = models.PositiveSmallIntegerField(_("số ngày làm việc gia hạn"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("lập lúc"))

    class Meta:
        verbose_name = _("phiếu xin lỗi và hẹn lại ngày trả kết quả")
        verbose_name_plural = _("phiếu xin lỗi và hẹn lại ngày trả kết quả")

    def __str__(self) -> str:
        return f"{self.dossier} → {self.new_due_at:%Y-%m-%d}"


class InterAgencyTransfer(models.Model):
    """A dossier's task handed to another agency (liên thông) with its documents, hash-checked on arrival.

    ``documents`` is the hand-over list ``[{"id", "name", "sha256"}]``: the receiving agency opens the
    files only after every hash still matches (a changed file refuses the transfer, loudly). The
    result comes back as a RESULT document of the same dossier.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="transfers")
    task_uuid = models.CharField(_("bước xử lý"), max_length=64, blank=True)
    task_name = models.CharField(_("tên bước"), max_length=300, blank=True)
    from_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan chuyển"), on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan nhận liên thông"),
        on_delete=models.PROTECT,
        related_name="incoming_transfers",
    )
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.SENT
    )
    note = models.TextField(_("nội dung đề nghị"), blank=True)
    documents = models.JSONField(_("tệp bàn giao"), default=list)
    due_at = models.DateTimeField(_("hạn xử lý liên thông"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("chuyển lúc"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("nhận lúc"), null=True, blank=True)
    result_document = models.ForeignKey(
        DossierDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result_note = models.TextField(_("kết quả xử lý liên thông"), blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(_("trả về lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ liên thông")
        verbose_name_plural = _("hồ sơ liên thông")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["to_agency", "status", "due_at"], name="transfer_to_status")]
        constraints = [
            # One open hand-over per dossier at a time.
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(status__in=["sent", "accepted"]),
                name="uniq_open_transfer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier} → {self.to_agency_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in (TransferStatus.SENT, TransferStatus.ACCEPTED)
