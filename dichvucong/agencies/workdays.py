"""The working-day calendar: when a dossier counts as received and when it is due (SPEC-VN §5).

Rules, with their sources:

- **Working time** is counted only inside the agency's ``OfficeHours`` windows (HCMC: Mon–Fri
  07:30–11:30 and 13:00–17:00), on working days: weekends and ``CalendarDay`` holidays / days off are
  skipped, a weekend day declared a ``working_day`` (ngày làm việc bù) counts with the agency's
  weekday windows. A row for one agency wins over the city-wide row (``agency`` NULL) of the same date.
- **Saturdays**: ward-level units receive dossiers on Saturday mornings, but deadlines count Mon–Fri
  working days (Decree 61/2018, Labour Code 2019 Art. 112) unless ``DEADLINE_COUNT_SATURDAYS`` is on.
- **Receipt** (Decree 45/2020 Art. 13): a dossier submitted outside office hours or on a day off
  counts as received at the start of the next opening window (lunch break → afternoon start; after
  the afternoon end → next day's start). ``reception_time`` applies this over the reception windows
  (Saturday mornings included where the unit opens).
- **Afternoon cut-off** (Decree 61/2018 Art. 19): a dossier received after ``AFTERNOON_CUTOFF``
  (default 15:00) counts from the start of the next working day.
- **Durations** (TD ``CaculateTime.cs``, SPEC-VN §5.2): working days and working hours are counted in
  hours, 8 working hours = 1 working day (0.5 day = 4 h), window by window from the counting start.
  So the due time of *n* working days is **the same clock time n working days later** (received
  10:00 Monday + 1 day → 10:00 Tuesday), and a count that ends exactly at a window's end stops there
  (received at 07:30 + 1 day → 17:00 the same day), never at the next morning's start.
- **Calendar days** ("Ngày") and **months** add calendar days / months to the counting start's date;
  calendar days optionally skip holidays (``skip_holidays``); the final date is pushed off
  non-working days and the due time is the end of that day's office hours.
- ``DurationUnit.NONE`` or no duration: no fixed return date (``None``).
- An agency without any ``OfficeHours`` row uses the city's default weekday windows; one whose
  windows never give a working day raises ``AgencyError`` (nothing to count in).

Speed: each agency's windows and declared days are read once per process and kept until
``invalidate()`` (called by the services that change them) bumps a version in the shared cache.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from dichvucong.agencies.constants import (
    WEEKDAY_WINDOWS,
    AgencyErrorCode,
    CalendarDayKind,
    SlaState,
    SupplementClockPolicy,
    Weekday,
)
from dichvucong.agencies.errors import AgencyError
from dichvucong.agencies.models import Agency, CalendarDay, OfficeHours
from dichvucong.core import clock

HOURS_PER_WORKING_DAY = 8
WORKING_DAY = dt.timedelta(hours=HOURS_PER_WORKING_DAY)
# How far ahead to look for a working window before deciding an agency has none at all.
_SEARCH_DAYS = 800
_VERSION_KEY = "agencies:workdays:version"
# Other processes' changes are seen within this many seconds (this process's own at once).
_VERSION_CHECK_SECONDS = 1.0
_CLOSED_KINDS = frozenset({CalendarDayKind.HOLIDAY, CalendarDayKind.DAY_OFF})
_DAY_UNITS = ("working_days", "hours", "days", "months")

Window = tuple[dt.time, dt.time]


@dataclass(frozen=True)
class _Calendar:
    """One agency's weekly windows and declared days (agency rows already laid over city rows)."""

    windows: dict[int, tuple[Window, ...]]
    template: tuple[Window, ...]  # windows of a weekend day declared a working day
    days: dict[dt.date, str]
    count_saturdays: bool
    tz: ZoneInfo
    memo: dict[tuple[dt.date, Any], Any] = field(default_factory=dict, compare=False, repr=False)


_local: dict[str, Any] = {"version": None, "calendars": {}, "checked": None}


def invalidate() -> None:
    """Forget the cached calendars in every process (call after changing calendar days or hours)."""
    cache.set(_VERSION_KEY, uuid.uuid4().hex, None)
    _local["calendars"] = {}
    _local["checked"] = None


def clear_local_cache() -> None:
    """Forget this process's cached calendars (tests: the database is rolled back between them)."""
    _local["calendars"] = {}
    _local["version"] = None
    _local["checked"] = None


def _calendar(agency_id: int | None) -> _Calendar:
    checked = _local["checked"]
    if checked is None or time.monotonic() - checked > _VERSION_CHECK_SECONDS:
        version = cache.get(_VERSION_KEY)
        if version != _local["version"]:
            _local["calendars"] = {}
            _local["version"] = version
        _local["checked"] = time.monotonic()
    calendars: dict[tuple[int | None, bool, str], _Calendar] = _local["calendars"]
    key = (agency_id, settings.DEADLINE_COUNT_SATURDAYS, settings.TIME_ZONE)
    found = calendars.get(key)
    if found is None:
        found = calendars[key] = _load(agency_id, count_saturdays=key[1], tz=ZoneInfo(key[2]))
    return found


def _load(agency_id: int | None, *, count_saturdays: bool, tz: ZoneInfo) -> _Calendar:
    windows: dict[int, list[Window]] = {}
    if agency_id is not None:
        for weekday, opens, closes in OfficeHours.objects.filter(agency_id=agency_id).values_list(
            "weekday", "opens", "closes"
        ):
            windows.setdefault(weekday, []).append((opens, closes))
    if not windows:
        for weekday, opens, closes in WEEKDAY_WINDOWS:
            windows.setdefault(weekday, []).append((opens, closes))
    ordered = {day: tuple(sorted(spans)) for day, spans in windows.items()}
    weekday_windows = [ordered[day] for day in range(Weekday.MONDAY, Weekday.FRIDAY + 1) if day in ordered]
    template = max(weekday_windows, key=_length, default=())
    days: dict[dt.date, str] = {}
    rows = CalendarDay.objects.filter(agency__isnull=True).values_list("date", "kind")
    days.update(rows)
    if agency_id is not None:
        days.update(CalendarDay.objects.filter(agency_id=agency_id).values_list("date", "kind"))
    return _Calendar(windows=ordered, template=template, days=days, count_saturdays=count_saturdays, tz=tz)


def _length(windows: tuple[Window, ...]) -> dt.timedelta:
    return sum(
        (dt.datetime.combine(dt.date.min, c) - dt.datetime.combine(dt.date.min, o) for o, c in windows),
        dt.timedelta(),
    )


def _agency_id(agency: Agency | int | None) -> int | None:
    if agency is None or isinstance(agency, int):
        return agency
    return agency.pk


# --- Which windows count on a day ---------------------------------------------------------------


def _deadline_windows(cal: _Calendar, day: dt.date) -> tuple[Window, ...]:
    """The windows of ``day`` that count towards deadlines (empty: not a working day)."""
    kind = cal.days.get(day)
    weekday = day.weekday()
    if kind in _CLOSED_KINDS:
        return ()
    if kind == CalendarDayKind.WORKING_DAY:
        return cal.windows.get(weekday, ()) if weekday < Weekday.SATURDAY else cal.template
    if weekday == Weekday.SATURDAY and cal.count_saturdays:
        return cal.windows.get(weekday, ())
    if weekday >= Weekday.SATURDAY:
        return ()
    return cal.windows.get(weekday, ())


def _reception_windows(cal: _Calendar, day: dt.date) -> tuple[Window, ...]:
    """The windows of ``day`` in which the agency receives dossiers (Saturday mornings included)."""
    kind = cal.days.get(day)
    if kind in _CLOSED_KINDS:
        return ()
    if kind == CalendarDayKind.WORKING_DAY and day.weekday() >= Weekday.SATURDAY:
        return cal.template
    return cal.windows.get(day.weekday(), ())


def _spans(
    cal: _Calendar, day: dt.date, windows_of: Callable[[_Calendar, dt.date], tuple[Window, ...]]
) -> list[tuple[dt.datetime, dt.datetime]]:
    key = (day, windows_of is _deadline_windows)
    found = cal.memo.get(key)
    if found is None:
        tz = cal.tz
        found = cal.memo[key] = [
            (dt.datetime.combine(day, opens, tzinfo=tz), dt.datetime.combine(day, closes, tzinfo=tz))
            for opens, closes in windows_of(cal, day)
        ]
    return found


def _no_hours() -> AgencyError:
    return AgencyError(
        _("Cơ quan không có giờ làm việc nào để tính thời hạn giải quyết."), code=AgencyErrorCode.INVALID
    )


def _next_instant(
    cal: _Calendar, at: dt.datetime, windows_of: Callable[[_Calendar, dt.date], tuple[Window, ...]]
) -> dt.datetime:
    """The first instant at or after ``at`` inside a window (a window's end belongs to the next one)."""
    day = at.date()
    for _offset in range(_SEARCH_DAYS):
        for opens, closes in _spans(cal, day, windows_of):
            if at < closes:
                return max(at, opens)
        day += dt.timedelta(days=1)
    raise _no_hours()


def _local_time(cal: _Calendar, at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        raise ValueError("workdays needs timezone-aware datetimes")
    return at.astimezone(cal.tz)


def _counting_start(cal: _Calendar, received_at: dt.datetime) -> dt.datetime:
    """When the handling clock starts: next working instant, or next working day after the cut-off."""
    local = _local_time(cal, received_at)
    start = _next_instant(cal, local, _deadline_windows)
    cutoff: dt.time = settings.AFTERNOON_CUTOFF
    if start.date() == local.date() and local.time() > cutoff:
        next_day = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time.min, tzinfo=cal.tz)
        start = _next_instant(cal, next_day, _deadline_windows)
    return start


def _day_total(cal: _Calendar, day: dt.date) -> dt.timedelta:
    """The working time of a whole ``day`` (memoised with its spans)."""
    key = (day, "total")
    found = cal.memo.get(key)
    if found is None:
        found = cal.memo[key] = sum(
            (closes - opens for opens, closes in _spans(cal, day, _deadline_windows)), dt.timedelta()
        )
    return found


def _add_working_time(cal: _Calendar, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
    """``start`` (inside a window) plus ``amount`` of working time, stopping at a window's end."""
    remaining = amount
    day = start.date()
    first = True
    for _offset in range(_SEARCH_DAYS * 10):
        if not first:
            total = _day_total(cal, day)
            if total < remaining:
                remaining -= total
                day += dt.timedelta(days=1)
                continue
        first = False
        for opens, closes in _spans(cal, day, _deadline_windows):
            if closes <= start:
                continue
            begin = max(opens, start)
            available = closes - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        day += dt.timedelta(days=1)
    raise _no_hours()


def _end_of_working_day(cal: _Calendar, day: dt.date) -> dt.datetime:
    """The end of office hours of ``day``, or of the first working day after it."""
    for _offset in range(_SEARCH_DAYS):
        spans = _spans(cal, day, _deadline_windows)
        if spans:
            return spans[-1][1]
        day += dt.timedelta(days=1)
    raise _no_hours()


# --- The contract -------------------------------------------------------------------------------


def is_working_day(agency: Agency | None, day: dt.date) -> bool:
    """Whether deadlines count ``day`` for ``agency`` (None: the city-wide calendar, default hours)."""
    return bool(_deadline_windows(_calendar(_agency_id(agency)), day))


def add_working_days(agency: Agency | None, day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``day`` (before it when ``n`` is negative); ``day`` itself for 0."""
    cal = _calendar(_agency_id(agency))
    step = dt.timedelta(days=1 if n >= 0 else -1)
    left = abs(n)
    searched = 0
    while left:
        day += step
        searched += 1
        if searched > _SEARCH_DAYS * max(1, abs(n)):
            raise _no_hours()
        if _deadline_windows(cal, day):
            left -= 1
    return day


def reception_time(agency: Agency | None, at: dt.datetime) -> dt.datetime:
    """When a dossier submitted at ``at`` counts as received (Decree 45/2020): ``at`` itself inside the
    agency's reception windows, otherwise the start of the next one. Local (Asia/Ho_Chi_Minh) time."""
    cal = _calendar(_agency_id(agency))
    return _next_instant(cal, _local_time(cal, at), _reception_windows)


def due_at(
    agency: Agency | None,
    received_at: dt.datetime,
    duration: Decimal | int | float | str | None,
    unit: str | None,
    *,
    skip_holidays: bool = False,
) -> dt.datetime | None:
    """The due time of a dossier received at ``received_at`` with the procedure's legal duration.

    ``unit`` is a ``procedures.constants.DurationUnit`` value; ``none`` (or no duration) gives None,
    "no fixed return date". ``skip_holidays`` applies to calendar days only. Raises ``ValueError`` on a
    negative duration or an unknown unit.
    """
    if unit is None or unit == "none" or duration is None:
        return None
    if unit not in _DAY_UNITS:
        raise ValueError(f"unknown duration unit {unit!r}")
    amount = Decimal(str(duration))
    if amount < 0 or not amount.is_finite():
        raise ValueError(f"duration must be a non-negative number, got {duration!r}")
    cal = _calendar(_agency_id(agency))
    start = _counting_start(cal, received_at)
    if unit in ("working_days", "hours"):
        hours = amount * HOURS_PER_WORKING_DAY if unit == "working_days" else amount
        return _add_working_time(cal, start, dt.timedelta(hours=float(hours)))
    if unit == "days":
        return _end_of_working_day(
            cal, _add_calendar_days(cal, start.date(), math.ceil(amount), skip_holidays)
        )
    whole = int(amount)
    base = start.date() + relativedelta(months=whole)
    month_length = (start.date() + relativedelta(months=whole + 1) - base).days
    extra_days = math.ceil((amount - whole) * month_length)
    return _end_of_working_day(cal, base + dt.timedelta(days=extra_days))


def add_working_hours(
    agency: Agency | int | None, start: dt.datetime, hours: Decimal | int | float | str
) -> dt.datetime:
    """``start`` plus ``hours`` of working time, counted from the first working instant at or after
    ``start`` (no afternoon cut-off: that rule is for receiving dossiers, not for steps inside one).
    A count that ends exactly at a window's end stops there. Raises ``ValueError`` on a negative value."""
    amount = Decimal(str(hours))
    if amount < 0 or not amount.is_finite():
        raise ValueError(f"hours must be a non-negative number, got {hours!r}")
    cal = _calendar(_agency_id(agency))
    begin = _next_instant(cal, _local_time(cal, start), _deadline_windows)
    return _add_working_time(cal, begin, dt.timedelta(hours=float(amount)))


def _add_calendar_days(cal: _Calendar, day: dt.date, n: int, skip_holidays: bool) -> dt.date:
    if not skip_holidays:
        return day + dt.timedelta(days=n)
    while n:
        day += dt.timedelta(days=1)
        if cal.days.get(day) not in _CLOSED_KINDS:
            n -= 1
    return day


def working_time_between(agency: Agency | int | None, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Working time (deadline windows) between two instants; zero when ``end`` is not after ``start``."""
    if end <= start:
        return dt.timedelta()
    cal = _calendar(_agency_id(agency))
    start, end = _local_time(cal, start), _local_time(cal, end)
    total = dt.timedelta()
    for day in {start.date(), end.date()}:
        for opens, closes in _spans(cal, day, _deadline_windows):
            begin, finish = max(opens, start), min(closes, end)
            if finish > begin:
                total += finish - begin
    day = start.date() + dt.timedelta(days=1)
    while day < end.date():
        total += _day_total(cal, day)
        day += dt.timedelta(days=1)
    return total


# --- Near due, SLA state, supplement policy -----------------------------------------------------


def near_due_threshold(
    received_at: dt.datetime, due_at: dt.datetime, *, agency: Agency | int | None = None
) -> dt.timedelta:
    """The working time left under which a dossier is "near due": ``DEADLINE_NEAR_DUE_PERCENT`` of its
    allowed working time, never less than 1 working day (SPEC-VN §5.2, configurable)."""
    allowed = working_time_between(agency, received_at, due_at)
    share = allowed * settings.DEADLINE_NEAR_DUE_PERCENT / 100
    return max(share, WORKING_DAY)


def sla_state(dossier: Any, now: dt.datetime | None = None) -> SlaState:
    """``on_time`` / ``near_due`` / ``overdue`` for anything with ``received_at`` and ``due_at`` (and
    optionally ``agency_id``). No due date (no fixed return date) is always on time."""
    due = getattr(dossier, "due_at", None)
    if due is None:
        return SlaState.ON_TIME
    now = now or clock.now()
    if now > due:
        return SlaState.OVERDUE
    agency_id = getattr(dossier, "agency_id", None)
    received = getattr(dossier, "received_at", None) or now
    left = working_time_between(agency_id, now, due)
    if left <= near_due_threshold(received, due, agency=agency_id):
        return SlaState.NEAR_DUE
    return SlaState.ON_TIME


def supplement_clock_policy() -> SupplementClockPolicy:
    """What a supplement request does to the clock: restart from zero (law, default) or pause."""
    return SupplementClockPolicy(settings.SUPPLEMENT_CLOCK_POLICY)


def resume_due_at(
    agency: Agency | None, due: dt.datetime, *, paused_at: dt.datetime, resumed_at: dt.datetime
) -> dt.datetime:
    """Pause policy: ``due`` pushed later by the working time between ``paused_at`` and ``resumed_at``."""
    cal = _calendar(_agency_id(agency))
    paused = working_time_between(agency, paused_at, resumed_at)
    return _add_working_time(cal, _next_instant(cal, _local_time(cal, due), _deadline_windows), paused)
