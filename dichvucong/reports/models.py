"""The statistics read model: daily rollups of the dossier log and the log of due dates they use.

The rollup tables are a cache derived from the dossier log (``rebuild_rollups`` recomputes them), so
their keys to agencies, procedures and officers are declared without a database constraint
(``db_constraint=False``): every value comes from a dossier or event row whose own keys are checked,
and a rebuild at 10 million dossiers writes some 50 million rows whose deferred foreign-key checks
took 17 minutes at commit. Deleting a referenced agency, procedure or officer is still refused
(``PROTECT``, enforced by Django).

``DailyRollup`` has one row per (day, agency, procedure, field, level, channel, due day) holding
*flows* — how many dossiers entered or left each state that day. Every Biểu 06 figure for a period
is a sum over rows (``selectors.get_form06``); stock figures (carried over, pending, waiting for a
supplement) are cumulative sums of flows up to a day. See ``rollups.py`` for the exact definitions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.dossiers.constants import SubmissionChannel
from dichvucong.reports.constants import EXPORT_GROUPINGS, ExportFormat, ExportStatus, GroupBy, ReportLevel

COUNTER_FIELDS: tuple[str, ...] = (
    "received",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "shifted_in",
    "shifted_out",
    "supplement_in",
    "supplement_out",
    "withdrawn",
    "refused",
    "stopped",
    "returned",
)
KEY_FIELDS: tuple[str, ...] = (
    "day",
    "agency_id",
    "procedure_id",
    "field_code",
    "level",
    "channel",
    "due_day",
)


class DailyRollup(models.Model):
    """Flows of dossiers on one local day for one combination of dimensions (exact, never sampled)."""

    day = models.DateField(_("ngày"))
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("thủ tục"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    # The field's code ("" when the procedure version has none): a plain key keeps the upsert simple.
    field_code = models.CharField(_("mã lĩnh vực"), max_length=100, blank=True)
    level = models.CharField(_("cấp"), max_length=8, choices=ReportLevel.choices)
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), choices=SubmissionChannel.choices)
    # The local day of the dossier's due date the flows below were counted against (NO_DUE: none).
    due_day = models.DateField(_("ngày hẹn trả"))
    received = models.IntegerField(_("tiếp nhận"), default=0)
    resolved_early = models.IntegerField(_("giải quyết trước hạn"), default=0)
    resolved_on_time = models.IntegerField(_("giải quyết đúng hạn"), default=0)
    resolved_late = models.IntegerField(_("giải quyết quá hạn"), default=0)
    # Other entries to / exits from the pending stock: a due date moved to another day (reschedule,
    # supplement restart), a withdrawal or stop after reception, a reopened dossier.
    shifted_in = models.IntegerField(_("chuyển vào"), default=0)
    shifted_out = models.IntegerField(_("chuyển ra"), default=0)
    supplement_in = models.IntegerField(_("bắt đầu chờ bổ sung"), default=0)
    supplement_out = models.IntegerField(_("hết chờ bổ sung"), default=0)
    withdrawn = models.IntegerField(_("rút hồ sơ"), default=0)
    refused = models.IntegerField(_("từ chối tiếp nhận"), default=0)
    stopped = models.IntegerField(_("dừng xử lý"), default=0)
    returned = models.IntegerField(_("trả kết quả"), default=0)

    class Meta:
        verbose_name = _("số liệu thống kê theo ngày")
        verbose_name_plural = _("số liệu thống kê theo ngày")
        constraints = [
            models.UniqueConstraint(fields=list(KEY_FIELDS), name="uniq_daily_rollup_key"),
        ]
        indexes = [
            models.Index(fields=["day"], name="rollup_day"),
            models.Index(fields=["agency", "day"], name="rollup_agency_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} {self.procedure_id} {self.channel} {self.due_day}"


# The flows a period counts (not the stock movements): what ``MonthlyRollup`` keeps per month.
MONTHLY_COUNTER_FIELDS: tuple[str, ...] = (
    "received",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "withdrawn",
    "refused",
    "stopped",
    "returned",
)
MONTHLY_KEY_FIELDS: tuple[str, ...] = ("month", "agency_id", "procedure_id", "field_code", "level", "channel")
YEARLY_KEY_FIELDS: tuple[str, ...] = ("year", *MONTHLY_KEY_FIELDS[1:])
HALF_MONTH_KEY_FIELDS: tuple[str, ...] = ("start", *MONTHLY_KEY_FIELDS[1:])


class _PeriodFlows(models.Model):
    """The period flows of ``DailyRollup`` summed over a calendar month or year, without the due day."""

    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("thủ tục"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    field_code = models.CharField(_("mã lĩnh vực"), max_length=100, blank=True)
    level = models.CharField(_("cấp"), max_length=8, choices=ReportLevel.choices)
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), choices=SubmissionChannel.choices)
    received = models.IntegerField(_("tiếp nhận"), default=0)
    resolved_early = models.IntegerField(_("giải quyết trước hạn"), default=0)
    resolved_on_time = models.IntegerField(_("giải quyết đúng hạn"), default=0)
    resolved_late = models.IntegerField(_("giải quyết quá hạn"), default=0)
    withdrawn = models.IntegerField(_("rút hồ sơ"), default=0)
    refused = models.IntegerField(_("từ chối tiếp nhận"), default=0)
    stopped = models.IntegerField(_("dừng xử lý"), default=0)
    returned = models.IntegerField(_("trả kết quả"), default=0)

    class Meta:
        abstract = True


class HalfMonthRollup(_PeriodFlows):
    """The period flows per half month — from the 1st to the 14th, and from the 15th to the month's end —
    so the legal reporting periods (15th to 14th, Decree 09/2019) and any period starting or ending
    on those days read whole halves instead of up to a fortnight of daily rows (ADR 0004). Same
    listener, same rebuild as the monthly rows."""

    start = models.DateField(_("nửa tháng"))  # the 1st or the 15th

    class Meta:
        verbose_name = _("số liệu thống kê theo nửa tháng")
        verbose_name_plural = _("số liệu thống kê theo nửa tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["start", "agency", "procedure", "field_code", "level", "channel"],
                name="uniq_half_month_rollup_key",
            ),
        ]
        indexes = [
            models.Index(fields=["start"], name="half_rollup_start"),
            models.Index(fields=["agency", "start"], name="half_rollup_agency_start"),
        ]

    def __str__(self) -> str:
        return f"{self.start} {self.agency_id} {self.procedure_id} {self.channel}"


class MonthlyRollup(_PeriodFlows):
    """The period flows per calendar month: a report reads its whole months here and only its partial
    months day by day (ADR 0004). Kept by the same listener, in the same transaction, and recomputed
    from the daily rows by ``rebuild_rollups``."""

    month = models.DateField(_("tháng"))  # the first day of the month

    class Meta:
        verbose_name = _("số liệu thống kê theo tháng")
        verbose_name_plural = _("số liệu thống kê theo tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency", "procedure", "field_code", "level", "channel"],
                name="uniq_monthly_rollup_key",
            ),
        ]
        indexes = [
            models.Index(fields=["month"], name="monthly_rollup_month"),
            models.Index(fields=["agency", "month"], name="monthly_rollup_agency_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_id} {self.procedure_id} {self.channel}"


class YearlyRollup(_PeriodFlows):
    """The period flows per calendar year: a long period reads its whole years here, so a ten-year
    report reads about ten years' rows instead of 120 months' (same listener, same rebuild)."""

    year = models.DateField(_("năm"))  # 1 January of the year

    class Meta:
        verbose_name = _("số liệu thống kê theo năm")
        verbose_name_plural = _("số liệu thống kê theo năm")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "agency", "procedure", "field_code", "level", "channel"],
                name="uniq_yearly_rollup_key",
            ),
        ]
        indexes = [
            models.Index(fields=["year"], name="yearly_rollup_year"),
            models.Index(fields=["agency", "year"], name="yearly_rollup_agency_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year:%Y} {self.agency_id} {self.procedure_id} {self.channel}"


class DueDateChange(models.Model):
    """The due date a received dossier had after ``event``: written at reception and whenever an event
    moves it (supplement restart or pause, reschedule); ``rebuild_rollups`` adds one at the reception of
    bulk-loaded dossiers. It is read to replay which due-day bucket a pending dossier was in at any
    moment; the dossier row keeps only the last one."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="+")
    event = models.OneToOneField("dossiers.DossierEvent", on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)

    class Meta:
        verbose_name = _("thay đổi ngày hẹn trả")
        verbose_name_plural = _("thay đổi ngày hẹn trả")
        indexes = [models.Index(fields=["dossier", "event"], name="due_change_dossier_event")]

    def __str__(self) -> str:
        return f"{self.dossier_id} @{self.event_id}: {self.due_at}"


class StockMonth(models.Model):
    """A day whose opening stock (``StockOpening`` rows) has been computed: the 1st and the 15th of
    each month (the anchors), and today (``stock.refresh_today_opening``)."""

    month = models.DateField(_("tháng"), unique=True)  # the day (the field keeps its first name)

    class Meta:
        verbose_name = _("tháng đã chốt số dư đầu kỳ")
        verbose_name_plural = _("tháng đã chốt số dư đầu kỳ")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class StockOpening(models.Model):
    """Dossiers pending / waiting for a supplement at the start of the day ``month`` (the 1st or the 15th
    of a month, or today), per key and due day: the sums of all ``DailyRollup`` flows before that day,
    so a stock figure reads one opening plus at most a week of daily flows instead of the whole
    history. Only non-zero rows are kept."""

    month = models.DateField(_("tháng"))
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    field_code = models.CharField(max_length=100, blank=True)
    level = models.CharField(max_length=8, choices=ReportLevel.choices)
    channel = models.PositiveSmallIntegerField(choices=SubmissionChannel.choices)
    due_day = models.DateField()
    pending = models.IntegerField(_("đang giải quyết"), default=0)
    supplement = models.IntegerField(_("đang chờ bổ sung"), default=0)

    class Meta:
        verbose_name = _("số dư đầu tháng")
        verbose_name_plural = _("số dư đầu tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency", "procedure", "field_code", "level", "channel", "due_day"],
                name="uniq_stock_opening_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_id} {self.procedure_id} {self.due_day}: {self.pending}"


class ReportSubscription(models.Model):
    """An officer's standing order: Biểu 06 of the previous month, every month, in one format, for an
    agency's subtree (``None``: everything in the officer's data scope, read when it is sent)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    group_by = models.CharField(_("nhóm theo"), max_length=16, choices=GroupBy.choices, blank=True)
    kind = models.CharField(
        _("định dạng"), max_length=8, choices=ExportFormat.choices, default=ExportFormat.XLSX
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đăng ký nhận báo cáo định kỳ")
        verbose_name_plural = _("đăng ký nhận báo cáo định kỳ")

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.agency_id or '*'}"


class ExportJob(models.Model):
    """One Biểu 06 file (or officer measures file, by ``group_by``) made in the background (a long
    export, or a monthly subscription's report):
    status and progress for the progress bar, the file in storage; only ``requested_by`` may fetch it."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người yêu cầu"), on_delete=models.CASCADE, related_name="+"
    )
    subscription = models.ForeignKey(
        ReportSubscription, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    kind = models.CharField(_("định dạng"), max_length=8, choices=ExportFormat.choices)
    period_from = models.DateField(_("từ ngày"))
    period_to = models.DateField(_("đến ngày"))
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    field_code = models.CharField(_("mã lĩnh vực"), max_length=100, blank=True)
    group_by = models.CharField(_("nhóm theo"), max_length=16, choices=EXPORT_GROUPINGS, blank=True)
    unit = models.CharField(_("đơn vị báo cáo"), max_length=300)
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    error = models.TextField(_("lỗi"), blank=True)
    file = models.FileField(_("tệp"), upload_to="reports/exports/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("yêu cầu lúc"))
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tệp báo cáo xuất nền")
        verbose_name_plural = _("tệp báo cáo xuất nền")
        constraints = [
            # A subscription gets one report per period, however often the beat runs.
            models.UniqueConstraint(
                fields=["subscription", "period_from"],
                condition=models.Q(subscription__isnull=False),
                name="uniq_export_job_subscription_period",
            ),
        ]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="export_job_user_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.period_from}–{self.period_to} ({self.status})"


# What an officer's event did, counted with the dossier rollups' counters (``transition_counters``),
# plus ``steps``: every event the officer performed on a dossier (work done, whatever its effect).
OFFICER_COUNTER_FIELDS: tuple[str, ...] = (
    "received",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "refused",
    "supplement_in",
    "returned",
    "stopped",
    "steps",
)
OFFICER_KEY_FIELDS: tuple[str, ...] = ("day", "agency_id", "officer_id", "role", "field_code")
OFFICER_MONTHLY_KEY_FIELDS: tuple[str, ...] = ("month", "agency_id", "officer_id", "role", "field_code")


class _OfficerFlows(models.Model):
    """What officers did, per agency acted for (the event's agency: the dossier's, or the receiving
    one of a transfer), officer, role and field, over a day or a month."""

    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    # The role the officer acted in (``DossierEvent.actor_role``, an ``accounts.Role`` value).
    role = models.CharField(_("chức danh"), max_length=32)
    field_code = models.CharField(_("mã lĩnh vực"), max_length=100, blank=True)
    received = models.IntegerField(_("tiếp nhận"), default=0)
    resolved_early = models.IntegerField(_("giải quyết trước hạn"), default=0)
    resolved_on_time = models.IntegerField(_("giải quyết đúng hạn"), default=0)
    resolved_late = models.IntegerField(_("giải quyết quá hạn"), default=0)
    refused = models.IntegerField(_("từ chối tiếp nhận"), default=0)
    supplement_in = models.IntegerField(_("yêu cầu bổ sung"), default=0)
    returned = models.IntegerField(_("trả kết quả"), default=0)
    stopped = models.IntegerField(_("dừng xử lý"), default=0)
    steps = models.IntegerField(_("số bước xử lý"), default=0)

    class Meta:
        abstract = True


class OfficerDailyRollup(_OfficerFlows):
    """Flows performed by one officer on one local day, in one role (chức danh), at one agency and
    field: the officer and title dimensions of the report builder (ADR 0004). Flows only: a stock
    (pending, overdue) belongs to a dossier, not to whoever touched it last. Kept by the same listener
    in the event's transaction and recomputed by ``rebuild_rollups``."""

    day = models.DateField(_("ngày"))

    class Meta:
        verbose_name = _("số liệu thống kê theo cán bộ, theo ngày")
        verbose_name_plural = _("số liệu thống kê theo cán bộ, theo ngày")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agency", "officer", "role", "field_code"], name="uniq_officer_daily_key"
            ),
        ]
        indexes = [
            models.Index(fields=["day"], name="officer_rollup_day"),
            models.Index(fields=["agency", "day"], name="officer_rollup_agency_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} {self.officer_id} {self.role}"


class OfficerMonthlyRollup(_OfficerFlows):
    """``OfficerDailyRollup`` summed per calendar month: a report reads its whole months here and only
    its partial months day by day, like ``MonthlyRollup`` (same listener, same transaction)."""

    month = models.DateField(_("tháng"))  # the first day of the month

    class Meta:
        verbose_name = _("số liệu thống kê theo cán bộ, theo tháng")
        verbose_name_plural = _("số liệu thống kê theo cán bộ, theo tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency", "officer", "role", "field_code"], name="uniq_officer_monthly_key"
            ),
        ]
        indexes = [
            models.Index(fields=["month"], name="officer_monthly_month"),
            models.Index(fields=["agency", "month"], name="officer_monthly_agency_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_id} {self.officer_id} {self.role}"
