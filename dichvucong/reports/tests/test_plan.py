"""Which rows a period reads (``reports.plan``): the named periods of Decree 61 read no daily row, others
only the few days at their edges. Pure functions: no database. That every plan gives exact figures is
``test_rollups``' job (a direct count over random histories)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dichvucong.reports.plan import _days_read, buckets, plan_period
from dichvucong.reports.stock import next_anchor, next_month

TODAY = date(2026, 11, 27)


def anchors(first: date, last: date) -> list[date]:
    found, day = [], first
    while day <= last:
        found.append(day)
        day = next_anchor(day)
    return found


# Every 1st and 15th computed since 2016, and today's opening (what the hourly task leaves).
COMPUTED = [*anchors(date(2016, 1, 1), TODAY), TODAY]


def days_read(period_from: date, period_to: date) -> int:
    plan = plan_period(period_from, period_to, computed=COMPUTED, today=TODAY)
    return _days_read(plan.day_ranges, TODAY)


def test_a_legal_quarter_reads_two_halves_two_months_and_the_openings_of_the_15ths() -> None:
    plan = plan_period(date(2026, 6, 15), date(2026, 9, 14), computed=COMPUTED, today=TODAY)
    assert plan.day_ranges == []
    assert plan.halves == (date(2026, 6, 15), date(2026, 9, 1))
    assert plan.months == (date(2026, 7, 1), date(2026, 8, 1))
    assert plan.openings == [date(2026, 6, 15), date(2026, 9, 15)]


def test_a_legal_year_is_a_half_plus_a_calendar_year_minus_a_half() -> None:
    plan = plan_period(date(2024, 12, 15), date(2025, 12, 14), computed=COMPUTED, today=TODAY)
    assert plan.day_ranges == []
    assert (plan.halves, plan.years, plan.months) == ((date(2024, 12, 15),), (date(2025, 1, 1),), ())
    assert plan.removed == ((), (date(2025, 12, 15),))


def test_a_calendar_quarter_and_a_legal_month_read_no_daily_row() -> None:
    assert days_read(date(2026, 7, 1), date(2026, 9, 30)) == 0
    assert days_read(date(2026, 10, 15), date(2026, 11, 14)) == 0


def test_the_running_month_and_year_to_today_read_only_today() -> None:
    """The month's and the year's buckets hold nothing after today, so "this month" and "this year"
    read them whole; the final stock is today's opening plus today's flows."""
    for first in (date(2026, 11, 1), date(2026, 1, 1)):
        plan = plan_period(first, TODAY, computed=COMPUTED, today=TODAY)
        assert _days_read(plan.day_ranges, TODAY) == 1
        assert plan.end_opening == TODAY


def test_the_last_30_days_read_the_four_days_before_the_1st_and_today() -> None:
    plan = plan_period(TODAY - timedelta(days=30), TODAY, computed=COMPUTED, today=TODAY)
    assert _days_read(plan.day_ranges, TODAY) == 5
    assert plan.months == (date(2026, 11, 1),)
    assert plan.start_opening == date(2026, 11, 1) and plan.start_sign == -1


def test_any_period_reads_at_most_about_a_week_of_days_at_each_edge() -> None:
    """The worst edges lie a week from an anchor: at most 7 + 7 days plus today's."""
    worst = max(
        days_read(first, first + timedelta(days=length))
        for first in (date(2026, 3, 1) + timedelta(days=n) for n in range(0, 60, 3))
        for length in (0, 6, 29, 90, 364)
    )
    assert worst <= 15


def test_without_any_opening_the_stocks_sum_the_flows_from_the_first_day() -> None:
    plan = plan_period(date(2026, 4, 1), date(2026, 4, 30), computed=[], today=TODAY)
    assert plan.start_opening is None and plan.start_days == (None, date(2026, 4, 1))
    assert plan.end_opening is None and plan.end_days == (None, date(2026, 5, 1))


def test_days_after_today_are_not_counted() -> None:
    assert _days_read([(TODAY - timedelta(days=2), TODAY + timedelta(days=10))], TODAY) == 3
    assert _days_read([(TODAY - timedelta(days=2), TODAY), (TODAY - timedelta(days=1), TODAY)], TODAY) == 2


@given(st.integers(0, 1500), st.integers(0, 800))
def test_buckets_cover_the_range_once(start: int, length: int) -> None:
    first = anchors(date(2020, 1, 1), date(2025, 1, 1))[start % 120]
    until = first
    for _ in range(length % 80):
        until = next_anchor(until)
    years, months, halves = buckets(first, until)
    covered: list[date] = []
    for year in years:
        covered += [year + timedelta(days=n) for n in range((date(year.year + 1, 1, 1) - year).days)]
    for month in months:
        covered += [month + timedelta(days=n) for n in range((next_month(month) - month).days)]
    for half in halves:
        covered += [half + timedelta(days=n) for n in range((next_anchor(half) - half).days)]
    assert sorted(covered) == [first + timedelta(days=n) for n in range((until - first).days)]
