"""Vocabularies of the statistics: report levels, groupings, period kinds."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Due-day key of a dossier without a fixed return date (and of figures that do not depend on one):
# later than any real day, so such a dossier is never "overdue" (``due_day <= period end``).
NO_DUE = date(9999, 12, 31)
# Due-day key, in an opening (``StockOpening``), of the dossiers whose due day lies more than
# ``OPENING_DUE_HORIZON_DAYS`` before that opening: one bucket per key instead of one per old due day.
# Earlier than any report day, so they count as overdue for every period read from that opening
# (``plan.py`` reads an opening for a moment at most that many days before it).
LONG_OVERDUE = date(1900, 1, 1)
OPENING_DUE_HORIZON_DAYS = 31

# A received dossier is being handled (counted as pending) in these statuses (national codes):
# received, processing, waiting for a supplement, waiting for a payment.
PENDING_STATUSES = frozenset({2, 4, 5, 6})
RESOLVED_STATUS = 9
SUPPLEMENT_STATUS = 5

# The longest period a report may cover.
MAX_PERIOD_YEARS = 20


class ReportLevel(models.TextChoices):
    """The administrative level (cấp) of the receiving agency, as Biểu 06 groups it."""

    CITY = "city", _("Cấp tỉnh")
    WARD = "ward", _("Cấp xã")


class GroupBy(models.TextChoices):
    FIELD = "field", _("Lĩnh vực")
    AGENCY = "agency", _("Cơ quan")
    PROCEDURE = "procedure", _("Thủ tục")
    LEVEL = "level", _("Cấp thực hiện")
    CHANNEL = "channel", _("Kênh nộp")


class OfficerGroupBy(models.TextChoices):
    """Groupings of the officer measures (``officers.get_officer_report``), beside ``GroupBy``."""

    OFFICER = "officer", pgettext_lazy("officer report", "Cán bộ")
    TITLE = "title", pgettext_lazy("officer report", "Chức danh")


# Every grouping a report file (``ExportJob``) may have: Biểu 06's and the officer measures'.
EXPORT_GROUPINGS = [*GroupBy.choices, *OfficerGroupBy.choices]

# The officer measures, in the order of the table and the files: (column, title).
OFFICER_COLUMNS: tuple[tuple[str, object], ...] = (
    ("received", pgettext_lazy("officer report", "Tiếp nhận")),
    ("resolved_total", pgettext_lazy("officer report", "Đã giải quyết")),
    ("resolved_early", pgettext_lazy("officer report", "Trước hạn")),
    ("resolved_on_time", pgettext_lazy("officer report", "Đúng hạn")),
    ("resolved_late", pgettext_lazy("officer report", "Quá hạn")),
    ("refused", pgettext_lazy("officer report", "Từ chối tiếp nhận")),
    ("supplement_in", pgettext_lazy("officer report", "Yêu cầu bổ sung")),
    ("returned", pgettext_lazy("officer report", "Đã trả kết quả")),
    ("stopped", pgettext_lazy("officer report", "Dừng xử lý")),
    ("steps", pgettext_lazy("officer report", "Số bước đã xử lý")),
)


class PeriodKind(models.TextChoices):
    CUSTOM = "custom", _("Tùy chọn (từ ngày – đến ngày)")
    DAY = "day", _("Ngày")
    WEEK = "week", _("Tuần")
    MONTH = "month", _("Tháng")
    QUARTER = "quarter", _("Quý")
    YEAR = "year", _("Năm")
    LEGAL_MONTH = "legal_month", _("Tháng (kỳ báo cáo 15 – 14)")
    LEGAL_QUARTER = "legal_quarter", _("Quý (kỳ báo cáo 15 – 14)")
    LEGAL_YEAR = "legal_year", _("Năm (kỳ báo cáo 15/12 – 14/12)")


# The calendar and legal months, quarters and years: the periods reports are published for (the public
# page offers these; the bench asks for the last closed one of each).
PUBLISHED_PERIODS: tuple[str, ...] = (
    PeriodKind.MONTH,
    PeriodKind.QUARTER,
    PeriodKind.YEAR,
    PeriodKind.LEGAL_MONTH,
    PeriodKind.LEGAL_QUARTER,
    PeriodKind.LEGAL_YEAR,
)


# Biểu 06 column titles, grouped as on the form: (group title, ((column, title), …)).
FORM06_GROUPS: tuple[tuple[object, tuple[tuple[str, object], ...]], ...] = (
    (
        _("Số hồ sơ nhận giải quyết"),
        (
            ("received_total", _("Tổng số")),
            ("received_online", _("Trực tuyến")),
            ("received_direct", _("Trực tiếp và qua bưu chính")),
            ("carried_over", _("Từ kỳ trước chuyển qua")),
        ),
    ),
    (
        _("Số hồ sơ đã giải quyết"),
        (
            ("resolved_total", _("Tổng số")),
            ("resolved_early", _("Trước hạn")),
            ("resolved_on_time", _("Đúng hạn")),
            ("resolved_late", _("Quá hạn")),
        ),
    ),
    (
        _("Số hồ sơ đang giải quyết"),
        (
            ("pending_total", _("Tổng số")),
            ("pending_in_time", _("Trong hạn")),
            ("pending_overdue", _("Quá hạn")),
        ),
    ),
    (
        _("Khác"),
        (
            ("withdrawn", _("Rút hồ sơ")),
            ("refused", _("Từ chối tiếp nhận")),
            ("supplement_waiting", _("Đang chờ bổ sung")),
            ("returned", _("Đã trả kết quả")),
        ),
    ),
)


class ExportStatus(models.TextChoices):
    """Where a background export of Biểu 06 stands."""

    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo tệp")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Lỗi")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX (Excel)"
    DOCX = "docx", "DOCX (Word)"
    PDF = "pdf", "PDF"
