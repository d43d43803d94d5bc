"""Reporting periods: calendar day … year, and the legal reporting period of Decree 09/2019 (data from
the 15th of the month before the period to the 14th of the period's last month, SPEC-VN §6 [MEM])."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _

from dichvucong.reports.constants import PeriodKind
from dichvucong.reports.errors import ReportError, ReportErrorCode


def _month_start(year: int, month: int) -> date:
    while month < 1:
        month, year = month + 12, year - 1
    while month > 12:
        month, year = month - 12, year + 1
    return date(year, month, 1)


def _legal_end_month(on: date, months: int) -> tuple[int, int]:
    """(year, month) of the last month of the legal period of ``months`` months that contains ``on``."""
    year, month = on.year, on.month
    if on.day >= 15:  # from the 15th the data belongs to the next month's period
        start = _month_start(year, month + 1)
        year, month = start.year, start.month
    if months == 1:
        return year, month
    last = ((month - 1) // months + 1) * months  # 3, 6, 9, 12 for quarters; 12 for a year
    return year, last


# Report dates outside these years are refused (a typo such as 0202 or 9999, not a report).
FIRST_REPORT_YEAR, LAST_REPORT_YEAR = 1900, 2999


def check_day(day: date) -> None:
    """Refuse a report date outside ``FIRST_REPORT_YEAR``–``LAST_REPORT_YEAR`` (``ReportError``)."""
    if not FIRST_REPORT_YEAR <= day.year <= LAST_REPORT_YEAR:
        raise ReportError(
            _("Ngày báo cáo phải nằm trong các năm %(first)s–%(last)s.")
            % {"first": FIRST_REPORT_YEAR, "last": LAST_REPORT_YEAR},
            code=ReportErrorCode.INVALID_DATE,
        )


def period_bounds(kind: str, on: date) -> tuple[date, date]:
    """The first and last day (inclusive) of the period of ``kind`` containing ``on``."""
    check_day(on)
    if kind == PeriodKind.DAY:
        return on, on
    if kind == PeriodKind.WEEK:
        monday = on - timedelta(days=on.weekday())
        return monday, monday + timedelta(days=6)
    if kind == PeriodKind.MONTH:
        first = date(on.year, on.month, 1)
        return first, _month_start(on.year, on.month + 1) - timedelta(days=1)
    if kind == PeriodKind.QUARTER:
        first_month = (on.month - 1) // 3 * 3 + 1
        return date(on.year, first_month, 1), _month_start(on.year, first_month + 3) - timedelta(days=1)
    if kind == PeriodKind.YEAR:
        return date(on.year, 1, 1), date(on.year, 12, 31)
    legal = {PeriodKind.LEGAL_MONTH: 1, PeriodKind.LEGAL_QUARTER: 3, PeriodKind.LEGAL_YEAR: 12}
    if kind in legal:
        months = legal[kind]
        year, month = _legal_end_month(on, months)
        start = _month_start(year, month - months)
        return start.replace(day=15), date(year, month, 14)
    raise ReportError(_("Loại kỳ báo cáo không hợp lệ."), code=ReportErrorCode.INVALID_PERIOD)
