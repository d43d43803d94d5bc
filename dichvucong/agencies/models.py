"""The organisation tree (agencies with QCVN 102 codes), their office hours, and officer assignments.

Writes go through ``services.py`` (it keeps ``path`` and ``search_name`` right and writes the audit
trail); reads that depend on who is asking go through ``selectors.py`` and ``scopes.py``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.constants import Role
from dichvucong.agencies.constants import (
    AGENCY_CODE_REGEX,
    PATH_MAX_LENGTH,
    AgencyKind,
    CalendarDayKind,
    Weekday,
)

agency_code_validator = RegexValidator(
    AGENCY_CODE_REGEX,
    _("Mã định danh phải có dạng 000.00.00.H29 (QCVN 102:2016/BTTTT)."),
    code="invalid_agency_code",
)


class Agency(models.Model):
    """A unit of the city administration (cơ quan, đơn vị) with its QCVN 102 identifier code.

    Units merge and split: an agency is valid between ``valid_from`` and ``valid_until`` and may be
    ``superseded_by`` another. ``path`` is the materialised path of primary keys from the root
    ("000001.000004."), kept by the services, so a subtree is one indexed prefix query.
    """

    code = models.CharField(
        _("mã định danh"),
        max_length=13,
        unique=True,
        validators=[agency_code_validator],
        help_text=_("Mã định danh điện tử theo QCVN 102:2016/BTTTT, ví dụ 000.00.00.H29."),
    )
    name = models.CharField(_("tên cơ quan"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    kind = models.CharField(_("loại cơ quan"), max_length=20, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # NULL, not "": most agencies have no NSO code, and NULL keeps them out of look-ups by code.
    nso_unit_code = models.CharField(  # noqa: DJ001
        _("mã đơn vị hành chính"),
        max_length=5,
        null=True,
        blank=True,
        help_text=_("Mã đơn vị hành chính cấp xã của Tổng cục Thống kê (chỉ với phường, xã, đặc khu)."),
    )
    valid_from = models.DateField(_("hiệu lực từ ngày"), null=True, blank=True)
    valid_until = models.DateField(_("hết hiệu lực từ ngày"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("được thay thế bởi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
    )
    path = models.CharField(_("đường dẫn cây"), max_length=PATH_MAX_LENGTH, unique=True, editable=False)
    search_name = models.CharField(max_length=700, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["path"]
        indexes = [
            # LIKE 'prefix%' on PostgreSQL needs the pattern opclass (ignored on SQLite).
            models.Index(fields=["path"], name="agency_path_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["nso_unit_code"], name="agency_nso_unit_code_idx"),
            models.Index(fields=["kind"], name="agency_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gt=models.F("valid_from")),
                name="agency_valid_until_after_valid_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def depth(self) -> int:
        """0 for the root, 1 for its children, …"""
        return max(self.path.count(".") - 1, 0)

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day < self.valid_until
        )


class OfficeHours(models.Model):
    """One opening window of an agency on a weekday; a day can have several windows (morning, afternoon)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="office_hours", verbose_name=_("cơ quan")
    )
    weekday = models.PositiveSmallIntegerField(_("thứ"), choices=Weekday.choices)
    opens = models.TimeField(_("giờ mở cửa"))
    closes = models.TimeField(_("giờ đóng cửa"))

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")
        ordering = ["agency", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")), name="office_hours_closes_after_opens"
            ),
            models.UniqueConstraint(fields=["agency", "weekday", "opens"], name="uniq_office_hours_window"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Assignment(models.Model):
    """An officer holding a role at an agency, optionally limited to some fields (lĩnh vực).

    The data scope an officer gets from it is computed in ``scopes.py`` and nowhere else.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("cán bộ"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("cơ quan")
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    fields = models.JSONField(
        _("lĩnh vực"),
        default=list,
        blank=True,
        help_text=_("Danh sách mã lĩnh vực được giao; để trống là tất cả lĩnh vực."),
    )
    include_subtree = models.BooleanField(_("gồm cả đơn vị trực thuộc"), default=False)
    active = models.BooleanField(_("đang hiệu lực"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        ordering = ["agency__path", "user__username", "role"]
        indexes = [models.Index(fields=["user", "active"], name="assignment_user_active_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], condition=Q(active=True), name="uniq_active_assignment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.agency.code}"


class CalendarDay(models.Model):
    """A day an admin declares different from the weekly rhythm: a holiday, an extra day off, or a
    weekend day declared a working day (ngày làm việc bù). ``agency`` NULL means the whole city; a row
    for one agency wins over the city-wide row of the same date (``agencies.workdays``).
    """

    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại ngày"), max_length=20, choices=CalendarDayKind.choices)
    name = models.CharField(_("tên"), max_length=200)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_days",
        help_text=_("Để trống là áp dụng cho toàn thành phố."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ngày đặc biệt trong lịch làm việc")
        verbose_name_plural = _("lịch ngày nghỉ, ngày làm bù")
        ordering = ["date", "agency_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=Q(agency__isnull=True), name="uniq_calendar_day_city"
            ),
            models.UniqueConstraint(
                fields=["date", "agency"], condition=Q(agency__isnull=False), name="uniq_calendar_day_agency"
            ),
        ]
        indexes = [models.Index(fields=["date"], name="calendar_day_date_idx")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"
