"""Vocabularies of the agencies context: agency kinds, weekdays, default office hours, error codes."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.constants import Role

# QCVN 102:2016/BTTTT identifier code, e.g. ``000.00.00.H29`` (SPEC-VN §2).
AGENCY_CODE_REGEX = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$"
# Materialised path: one zero-padded primary key per level, each followed by a dot ("000001.000004.").
PATH_SEGMENT_WIDTH = 6
PATH_MAX_LENGTH = 255


class AgencyKind(models.TextChoices):
    CITY = "city", _("Ủy ban nhân dân thành phố")
    OFFICE = "office", _("Văn phòng")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    BOARD = "board", _("Ban quản lý")
    INSPECTORATE = "inspectorate", _("Thanh tra")
    SERVICE_CENTER = "service_center", _("Trung tâm phục vụ hành chính công")
    WARD = "ward", _("Phường")
    COMMUNE = "commune", _("Xã")
    SPECIAL_ZONE = "special_zone", _("Đặc khu")


# Ward-level units (cấp xã) after the 2025 reform: they carry an NSO unit code and open Saturday mornings.
WARD_LEVEL_KINDS = frozenset({AgencyKind.WARD, AgencyKind.COMMUNE, AgencyKind.SPECIAL_ZONE})


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Thứ Hai")
    TUESDAY = 1, _("Thứ Ba")
    WEDNESDAY = 2, _("Thứ Tư")
    THURSDAY = 3, _("Thứ Năm")
    FRIDAY = 4, _("Thứ Sáu")
    SATURDAY = 5, _("Thứ Bảy")
    SUNDAY = 6, _("Chủ Nhật")


_MORNING = (dt.time(7, 30), dt.time(11, 30))
_AFTERNOON = (dt.time(13, 0), dt.time(17, 0))
WEEKDAY_WINDOWS: tuple[tuple[int, dt.time, dt.time], ...] = tuple(
    (day, opens, closes)
    for day in range(Weekday.MONDAY, Weekday.FRIDAY + 1)
    for opens, closes in (_MORNING, _AFTERNOON)
)
SATURDAY_MORNING: tuple[tuple[int, dt.time, dt.time], ...] = ((Weekday.SATURDAY, *_MORNING),)


def default_office_hours(kind: str) -> tuple[tuple[int, dt.time, dt.time], ...]:
    """Mon–Fri 07:30–11:30 and 13:00–17:00; ward-level units also Saturday 07:30–11:30 (SPEC-VN §5)."""
    return WEEKDAY_WINDOWS + (SATURDAY_MORNING if kind in WARD_LEVEL_KINDS else ())


# Roles whose scope is the whole city, whatever agency the assignment names.
CITY_WIDE_ROLES = frozenset({Role.CITY_ADMIN, Role.AUDITOR})
# Roles that always see their agency's whole subtree, with all fields.
SUBTREE_ROLES = frozenset({Role.AGENCY_ADMIN, Role.AGENCY_LEADER, Role.UNIT_HEAD})
# Roles limited to their agency (subtree only if the assignment says so) and to their fields.
FIELD_LIMITED_ROLES = frozenset({Role.COUNTER_OFFICER, Role.SPECIALIST})
# Roles that may change agencies, office hours, officers and assignments inside their scope.
ADMIN_ROLES = frozenset({Role.CITY_ADMIN, Role.AGENCY_ADMIN})
# Roles only a city admin may grant.
CITY_ONLY_GRANTABLE_ROLES = frozenset({Role.CITY_ADMIN, Role.AUDITOR})


class CalendarDayKind(models.TextChoices):
    """What an admin-declared calendar day does to the working-day calendar (SPEC-VN §5.1)."""

    HOLIDAY = "holiday", _("Ngày lễ, Tết")
    DAY_OFF = "day_off", _("Ngày nghỉ bù, nghỉ thêm")
    WORKING_DAY = "working_day", _("Ngày làm việc bù")


class SlaState(models.TextChoices):
    """Where a dossier stands against its due date: on time, near due (configurable) or overdue."""

    ON_TIME = "on_time", _("Còn hạn")
    NEAR_DUE = "near_due", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")


class SupplementClockPolicy(models.TextChoices):
    """What a supplement request does to the handling clock (SPEC-VN §5.1–5.2)."""

    RESTART = "restart", _("Tính lại từ đầu")
    PAUSE = "pause", _("Tạm dừng rồi tính tiếp")


class AgencyErrorCode(models.TextChoices):
    CYCLE = "cycle", _("Không thể chọn cơ quan cấp dưới làm cơ quan cấp trên")
    OUT_OF_SCOPE = "out_of_scope", _("Ngoài phạm vi quản lý của bạn")
    INVALID = "invalid", _("Dữ liệu không hợp lệ")
    IMPORT_FAILED = "import_failed", _("Nhập danh mục cơ quan thất bại")
