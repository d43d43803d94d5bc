"""Reporting periods of the evaluation figures: a quarter (``2026-Q1``), a month (``2026-03``) or a
year (``2026``), in local time (Asia/Ho_Chi_Minh)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.core import clock

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    key: str
    first_day: date
    last_day: date  # inclusive

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first_day, time.min))

    @property
    def end(self) -> datetime:
        """Exclusive end: midnight after the last day."""
        following = date.fromordinal(self.last_day.toordinal() + 1)
        return timezone.make_aware(datetime.combine(following, time.min))

    @property
    def label(self) -> str:
        if self.key.count("-Q"):
            year, quarter = self.key.split("-Q")
            return _("Quý %(quarter)s/%(year)s") % {"quarter": quarter, "year": year}
        if "-" in self.key:
            year, month = self.key.split("-")
            return _("Tháng %(month)s/%(year)s") % {"month": int(month), "year": year}
        return _("Năm %(year)s") % {"year": self.key}


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date.fromordinal(date(year, month + 1, 1).toordinal() - 1)


def quarter(year: int, number: int) -> Period:
    first = date(year, 3 * number - 2, 1)
    return Period(f"{year}-Q{number}", first, _month_end(year, 3 * number))


def parse_period(key: str | None) -> Period | None:
    """The period named by ``key``, or None when it is malformed or out of 2000–2100."""
    key = (key or "").strip()
    if m := _QUARTER.match(key):
        year = int(m.group(1))
        return quarter(year, int(m.group(2))) if 2000 <= year <= 2100 else None
    if m := _MONTH.match(key):
        year, month = int(m.group(1)), int(m.group(2))
        return Period(key, date(year, month, 1), _month_end(year, month)) if 2000 <= year <= 2100 else None
    if m := _YEAR.match(key):
        year = int(m.group(1))
        return Period(key, date(year, 1, 1), date(year, 12, 31)) if 2000 <= year <= 2100 else None
    return None


def current_quarter() -> Period:
    today = timezone.localdate(clock.now())
    return quarter(today.year, (today.month - 1) // 3 + 1)


def previous_quarters(period: Period, count: int) -> list[Period]:
    """``count`` quarters ending with the quarter that contains ``period``'s first day, oldest first."""
    year, number = period.first_day.year, (period.first_day.month - 1) // 3 + 1
    result = []
    for _step in range(count):
        result.append(quarter(year, number))
        number -= 1
        if number == 0:
            year, number = year - 1, 4
    return list(reversed(result))
