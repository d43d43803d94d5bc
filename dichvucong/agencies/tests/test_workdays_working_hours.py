"""``workdays.add_working_hours``: a step's deadline in working hours on the agency's calendar."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dichvucong.agencies import workdays
from dichvucong.agencies.calendar_days import declare_calendar_day
from dichvucong.agencies.constants import AgencyKind, CalendarDayKind
from dichvucong.agencies.models import Agency
from dichvucong.agencies.tests.factories import make_agency

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=HCM)


@pytest.fixture
def department(db: None) -> Agency:
    return make_agency(kind=AgencyKind.DEPARTMENT, name="Sở Tư pháp")


def test_hours_inside_one_window_add_directly(department: Agency) -> None:
    """Monday 08:00 + 2 working hours is Monday 10:00."""
    assert workdays.add_working_hours(department, at(2026, 3, 2, 8), 2) == at(2026, 3, 2, 10)


def test_hours_skip_the_lunch_break_and_the_night(department: Agency) -> None:
    """Monday 16:00 + 4 h: one hour on Monday, then 07:30–10:30 on Tuesday."""
    assert workdays.add_working_hours(department, at(2026, 3, 2, 16), 4) == at(2026, 3, 3, 10, 30)
    assert workdays.add_working_hours(department, at(2026, 3, 2, 11), 1) == at(2026, 3, 2, 13, 30)


def test_no_afternoon_cut_off_for_steps(department: Agency) -> None:
    """A step started at 16:30 uses its last half hour (the 15:00 cut-off is for receiving dossiers)."""
    assert workdays.add_working_hours(department, at(2026, 3, 2, 16, 30), 1) == at(2026, 3, 3, 8)


def test_a_step_started_on_a_day_off_counts_from_the_next_working_morning(department: Agency) -> None:
    """Started on a declared holiday (Tuesday), 8 hours end on Wednesday at 17:00."""
    declare_calendar_day(actor=None, date=dt.date(2026, 3, 3), kind=CalendarDayKind.HOLIDAY, name="Nghỉ")
    workdays.invalidate()
    assert workdays.add_working_hours(department, at(2026, 3, 3, 9), 8) == at(2026, 3, 4, 17)


def test_negative_hours_are_refused(department: Agency) -> None:
    """A negative budget is a programming error."""
    with pytest.raises(ValueError, match="non-negative"):
        workdays.add_working_hours(department, at(2026, 3, 2, 8), -1)
