"""Process definitions and versions, running instances and the open-task projection.

Worklists query ``OpenTask`` only: a row exists exactly while a user task is open, and it is written
in the same transaction as the engine step that opened or closed it, so no query ever needs to
deserialise a workflow's state.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.constants import SlaState
from dichvucong.agencies.models import Agency
from dichvucong.workflows.constants import ProcessVersionStatus, TaskStage, WorkflowStatus


class ProcessDefinition(models.Model):
    """A named process (quy trình nội bộ); its drawings are the versions. No owner = a city template."""

    key = models.SlugField(_("mã quy trình"), max_length=100, unique=True)
    name = models.CharField(_("tên quy trình"), max_length=300)
    description = models.TextField(_("mô tả"), blank=True)
    owner_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan sở hữu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="process_definitions",
        help_text=_("Để trống là quy trình mẫu của thành phố."),
    )
    created_at = models.DateTimeField(_("tạo lúc"))

    class Meta:
        verbose_name = _("quy trình")
        verbose_name_plural = _("quy trình")
        ordering = ["name", "key"]

    def __str__(self) -> str:
        return self.name


class ProcessVersion(models.Model):
    """One drawing of a process: a draft while edited, then published (frozen), then superseded."""

    definition = models.ForeignKey(
        ProcessDefinition, on_delete=models.CASCADE, related_name="versions", verbose_name=_("quy trình")
    )
    number = models.PositiveIntegerField(_("phiên bản"))
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=ProcessVersionStatus.choices,
        default=ProcessVersionStatus.DRAFT,
    )
    bpmn_xml = models.TextField(_("sơ đồ BPMN"))
    process_id = models.CharField(_("mã quy trình trong sơ đồ"), max_length=200, blank=True)
    source_hash = models.CharField(_("mã băm"), max_length=64)
    problems = models.JSONField(_("lỗi kiểm tra"), default=list, blank=True)
    total_budget_hours = models.DecimalField(
        _("tổng thời gian (giờ làm việc)"), max_digits=9, decimal_places=2, default=0
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("tạo lúc"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ban hành"),
    )
    published_at = models.DateTimeField(_("ban hành lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiên bản quy trình")
        verbose_name_plural = _("phiên bản quy trình")
        ordering = ["definition", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "number"], name="uniq_process_version_number"),
            models.UniqueConstraint(
                fields=["definition"],
                condition=Q(status=ProcessVersionStatus.DRAFT),
                name="uniq_process_version_draft",
            ),
            models.UniqueConstraint(
                fields=["definition"],
                condition=Q(status=ProcessVersionStatus.PUBLISHED),
                name="uniq_process_version_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition.key} v{self.number} ({self.get_status_display()})"

    @property
    def is_valid(self) -> bool:
        return not self.problems


class TaskSpec(models.Model):
    """A user task of a version with its rules (``dvc:taskRules``), extracted when the version is saved."""

    version = models.ForeignKey(
        ProcessVersion, on_delete=models.CASCADE, related_name="task_specs", verbose_name=_("phiên bản")
    )
    bpmn_id = models.CharField(_("mã bước"), max_length=200)
    name = models.CharField(_("tên bước"), max_length=300)
    stage = models.CharField(_("giai đoạn"), max_length=20, choices=TaskStage.choices, blank=True)
    role = models.CharField(_("vai trò xử lý"), max_length=32, blank=True)
    agency_rule = models.CharField(_("cơ quan xử lý"), max_length=100, blank=True)
    budget_hours = models.DecimalField(
        _("thời gian (giờ làm việc)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    actions = models.JSONField(_("thao tác"), default=list, blank=True)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "bpmn_id"], name="uniq_task_spec_bpmn_id"),
        ]

    def __str__(self) -> str:
        return self.name or self.bpmn_id


class WorkflowInstance(models.Model):
    """One subject's run of a process version; ``state`` is the engine's serialised state (JSON)."""

    version = models.ForeignKey(
        ProcessVersion, on_delete=models.PROTECT, related_name="instances", verbose_name=_("phiên bản")
    )
    subject_type = models.CharField(_("loại đối tượng"), max_length=100)
    subject_id = models.CharField(_("mã đối tượng"), max_length=64)
    state = models.JSONField(_("trạng thái bộ máy"), default=dict)
    serializer_version = models.CharField(_("phiên bản định dạng"), max_length=40)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=WorkflowStatus.choices, default=WorkflowStatus.RUNNING
    )
    context = models.JSONField(_("cơ quan xử lý"), default=dict, blank=True)
    next_timer_at = models.DateTimeField(_("hẹn giờ kế tiếp"), null=True, blank=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    completed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"))

    class Meta:
        verbose_name = _("lượt chạy quy trình")
        verbose_name_plural = _("lượt chạy quy trình")
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id"], name="uniq_workflow_subject"),
        ]
        indexes = [
            models.Index(fields=["status", "next_timer_at"], name="workflow_timer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}#{self.subject_id} ({self.get_status_display()})"


class OpenTask(models.Model):
    """The projection of one open user task (what worklists read); deleted when the task closes."""

    instance = models.ForeignKey(
        WorkflowInstance, on_delete=models.CASCADE, related_name="open_tasks", verbose_name=_("lượt chạy")
    )
    subject_type = models.CharField(_("loại đối tượng"), max_length=100)
    subject_id = models.CharField(_("mã đối tượng"), max_length=64)
    task_uuid = models.CharField(_("mã bước trong bộ máy"), max_length=64, unique=True)
    spec = models.ForeignKey(
        TaskSpec, on_delete=models.PROTECT, related_name="open_tasks", verbose_name=_("bước xử lý")
    )
    name = models.CharField(_("tên bước"), max_length=300)
    stage = models.CharField(_("giai đoạn"), max_length=20, choices=TaskStage.choices, blank=True)
    candidate_role = models.CharField(_("vai trò xử lý"), max_length=32)
    candidate_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="open_tasks", verbose_name=_("cơ quan xử lý")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="open_tasks",
        verbose_name=_("cán bộ xử lý"),
    )
    claimed_at = models.DateTimeField(_("nhận việc lúc"), null=True, blank=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True)
    near_due_at = models.DateTimeField(_("sắp đến hạn từ"), null=True, blank=True)
    sla_state = models.CharField(
        _("tình trạng hạn"), max_length=20, choices=SlaState.choices, default=SlaState.ON_TIME
    )
    reminded_at = models.DateTimeField(_("đã nhắc lúc"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("đã báo lãnh đạo lúc"), null=True, blank=True)
    suspended_at = models.DateTimeField(
        _("tạm dừng từ"),
        null=True,
        blank=True,
        help_text=_("Đang chờ người nộp bổ sung: không hiện trong danh sách việc, không tính hạn."),
    )

    class Meta:
        verbose_name = _("việc đang chờ xử lý")
        verbose_name_plural = _("việc đang chờ xử lý")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(
                fields=["candidate_agency", "candidate_role", "due_at"], name="open_task_candidate_idx"
            ),
            models.Index(fields=["assignee", "due_at"], name="open_task_assignee_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="open_task_subject_idx"),
            models.Index(fields=["sla_state", "due_at"], name="open_task_sla_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.subject_type}#{self.subject_id}"


class CompletedTask(models.Model):
    """One closed user task of an instance: who did what, when, against which deadline (append-only).

    Written in the same transaction as the step that closed the task; ``action`` is empty when the
    engine closed it without an officer (a timer, the workflow cancelled). Feeds the graphical
    progress (steps done, time spent per step) and per-step statistics.
    """

    instance = models.ForeignKey(
        WorkflowInstance,
        on_delete=models.CASCADE,
        related_name="completed_tasks",
        verbose_name=_("lượt chạy"),
    )
    subject_type = models.CharField(_("loại đối tượng"), max_length=100)
    subject_id = models.CharField(_("mã đối tượng"), max_length=64)
    task_uuid = models.CharField(_("mã bước trong bộ máy"), max_length=64, unique=True)
    spec = models.ForeignKey(
        TaskSpec, on_delete=models.PROTECT, related_name="completed_tasks", verbose_name=_("bước xử lý")
    )
    name = models.CharField(_("tên bước"), max_length=300)
    stage = models.CharField(_("giai đoạn"), max_length=20, choices=TaskStage.choices, blank=True)
    candidate_role = models.CharField(_("vai trò xử lý"), max_length=32)
    candidate_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="completed_tasks", verbose_name=_("cơ quan xử lý")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="completed_tasks",
        verbose_name=_("người thực hiện"),
    )
    action = models.CharField(_("thao tác"), max_length=32, blank=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    completed_at = models.DateTimeField(_("kết thúc lúc"))
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True)
    sla_state = models.CharField(
        _("tình trạng hạn"), max_length=20, choices=SlaState.choices, default=SlaState.ON_TIME
    )

    class Meta:
        verbose_name = _("bước đã xử lý")
        verbose_name_plural = _("bước đã xử lý")
        ordering = ["completed_at", "pk"]
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id", "completed_at"], name="completed_task_subject_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.subject_type}#{self.subject_id}"
