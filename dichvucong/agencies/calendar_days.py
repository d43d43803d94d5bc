"""Writes and reads of the declared calendar days (holidays, extra days off, swapped working days).

The working-day rules themselves live in ``workdays.py``; this module keeps the ``CalendarDay`` table:
city admins declare and remove days (audited), ``seed_holidays`` fills it from the ``holidays``
package's Vietnam calendar. Every change invalidates the cached calendars of ``workdays``.
``actor=None`` means a trusted system process (a management command or the demo seeder).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import holidays
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dichvucong.accounts.models import User
from dichvucong.agencies import permissions, workdays
from dichvucong.agencies.constants import AgencyErrorCode, CalendarDayKind, Weekday
from dichvucong.agencies.errors import AgencyError, OutOfScopeError
from dichvucong.agencies.models import Agency, CalendarDay
from dichvucong.core.audit import record_audit

NAME_MAX_LENGTH = 200
SEED_YEARS = range(2000, 2101)
# Stored data, in Vietnamese whatever the language of the process that seeds it.
SWAPPED_WORKING_DAY_NAME = "Ngày làm việc bù"


def _snapshot(day: CalendarDay) -> dict[str, object]:
    return {
        "date": day.date.isoformat(),
        "kind": day.kind,
        "name": day.name,
        "agency": day.agency.code if day.agency_id else None,
    }


def _changed() -> None:
    workdays.invalidate()
    transaction.on_commit(workdays.invalidate)


def _require_city_admin(actor: User | None) -> None:
    if actor is not None and not permissions.is_city_admin(actor):
        raise OutOfScopeError()


@transaction.atomic
def declare_calendar_day(
    *, actor: User | None, date: dt.date, kind: str, name: str, agency: Agency | None = None
) -> CalendarDay:
    """Declares a holiday, an extra day off or a swapped working day, for the city or one agency.

    A swapped working day must fall on a Saturday or Sunday; a date has at most one row per scope.
    """
    _require_city_admin(actor)
    name = " ".join((name or "").split())
    if kind not in CalendarDayKind.values:
        raise AgencyError(_("Loại ngày không hợp lệ."), code=AgencyErrorCode.INVALID)
    if not name:
        raise AgencyError(_("Hãy nhập tên ngày (ví dụ: Tết Nguyên Đán)."), code=AgencyErrorCode.INVALID)
    if len(name) > NAME_MAX_LENGTH:
        raise AgencyError(
            _("Tên ngày dài quá %(max)d ký tự.") % {"max": NAME_MAX_LENGTH}, code=AgencyErrorCode.INVALID
        )
    if kind == CalendarDayKind.WORKING_DAY and date.weekday() < Weekday.SATURDAY:
        raise AgencyError(_("Ngày làm việc bù phải là thứ Bảy hoặc Chủ Nhật."), code=AgencyErrorCode.INVALID)
    if CalendarDay.objects.filter(date=date, agency=agency).exists():
        raise AgencyError(
            _("Ngày %(date)s đã có trong lịch của phạm vi này.") % {"date": f"{date:%d/%m/%Y}"},
            code=AgencyErrorCode.INVALID,
        )
    try:
        with transaction.atomic():
            day = CalendarDay.objects.create(date=date, kind=kind, name=name, agency=agency)
    except IntegrityError:
        raise AgencyError(
            _("Ngày %(date)s đã có trong lịch của phạm vi này.") % {"date": f"{date:%d/%m/%Y}"},
            code=AgencyErrorCode.INVALID,
        ) from None
    record_audit(actor=actor, action="agencies.declare_calendar_day", target=day, after=_snapshot(day))
    _changed()
    return day


@transaction.atomic
def remove_calendar_day(*, actor: User | None, day: CalendarDay) -> None:
    """Removes a declared day; the weekly rhythm applies to that date again."""
    _require_city_admin(actor)
    before = _snapshot(day)
    pk = day.pk
    day.delete()
    record_audit(
        actor=actor,
        action="agencies.remove_calendar_day",
        target_type="agencies.calendarday",
        target_id=str(pk),
        before=before,
    )
    _changed()


def _package_days(year: int) -> list[tuple[dt.date, str, str]]:
    """(date, Vietnamese name, kind) of the ``holidays`` package's Vietnam calendar for ``year``."""
    calendar = holidays.country_holidays("VN", years=year, language="vi")
    days = []
    for date, name in sorted(calendar.items()):
        substitute = "nghỉ bù" in name or name.startswith("Ngày nghỉ")
        days.append((date, name, CalendarDayKind.DAY_OFF if substitute else CalendarDayKind.HOLIDAY))
    for date in sorted(calendar.weekend_workdays):
        if date.year == year:
            days.append((date, SWAPPED_WORKING_DAY_NAME, CalendarDayKind.WORKING_DAY))
    return days


@transaction.atomic
def seed_holidays(*, actor: User | None, years: Iterable[int]) -> int:
    """Adds the city-wide days of the Vietnam calendar (Labour Code 2019 Art. 112) for ``years``.

    Idempotent: a date that already has a city-wide row (seeded or declared by an admin) is left as
    it is. Returns how many rows were added.
    """
    _require_city_admin(actor)
    wanted = sorted(set(years))
    for year in wanted:
        if year not in SEED_YEARS:
            raise AgencyError(
                _("Năm %(year)s nằm ngoài khoảng 2000–2100.") % {"year": year}, code=AgencyErrorCode.INVALID
            )
    rows: dict[dt.date, CalendarDay] = {}
    for year in wanted:
        for date, name, kind in _package_days(year):
            rows.setdefault(date, CalendarDay(date=date, name=name[:NAME_MAX_LENGTH], kind=kind))
    existing = set(
        CalendarDay.objects.filter(agency__isnull=True, date__in=list(rows)).values_list("date", flat=True)
    )
    new = [row for date, row in rows.items() if date not in existing]
    CalendarDay.objects.bulk_create(new)
    if new:
        record_audit(
            actor=actor,
            action="agencies.seed_holidays",
            target_type="agencies.calendarday",
            after={"years": wanted, "added": len(new)},
        )
        _changed()
    return len(new)


def list_calendar_days(*, year: int | None = None, agency: Agency | None = None) -> QuerySet[CalendarDay]:
    """Declared days, by date; ``agency`` given: that agency's rows and the city-wide ones."""
    days = CalendarDay.objects.select_related("agency").order_by("date", "agency__code")
    if year is not None:
        days = days.filter(date__year=year)
    if agency is not None:
        days = days.filter(agency__isnull=True) | days.filter(agency=agency)
    return days
