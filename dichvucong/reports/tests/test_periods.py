"""Reporting periods: calendar periods and the legal 15th–14th periods of Decree 09/2019."""

from __future__ import annotations

from datetime import date

import pytest

from dichvucong.reports.constants import PeriodKind
from dichvucong.reports.errors import ReportError, ReportErrorCode
from dichvucong.reports.periods import period_bounds


@pytest.mark.parametrize(
    ("kind", "on", "expected"),
    [
        (PeriodKind.DAY, date(2026, 3, 11), (date(2026, 3, 11), date(2026, 3, 11))),
        (PeriodKind.WEEK, date(2026, 3, 11), (date(2026, 3, 9), date(2026, 3, 15))),
        (PeriodKind.MONTH, date(2026, 2, 11), (date(2026, 2, 1), date(2026, 2, 28))),
        (PeriodKind.QUARTER, date(2026, 11, 30), (date(2026, 10, 1), date(2026, 12, 31))),
        (PeriodKind.YEAR, date(2026, 6, 1), (date(2026, 1, 1), date(2026, 12, 31))),
    ],
)
def test_calendar_periods_contain_the_day(kind: str, on: date, expected: tuple[date, date]) -> None:
    """Given a day, when the calendar period of a kind is asked, then it is the one containing it."""
    assert period_bounds(kind, on) == expected


@pytest.mark.parametrize(
    ("kind", "on", "expected"),
    [
        (PeriodKind.LEGAL_MONTH, date(2026, 3, 14), (date(2026, 2, 15), date(2026, 3, 14))),
        (PeriodKind.LEGAL_MONTH, date(2026, 3, 15), (date(2026, 3, 15), date(2026, 4, 14))),
        (PeriodKind.LEGAL_MONTH, date(2026, 12, 20), (date(2026, 12, 15), date(2027, 1, 14))),
        (PeriodKind.LEGAL_QUARTER, date(2026, 3, 10), (date(2025, 12, 15), date(2026, 3, 14))),
        (PeriodKind.LEGAL_QUARTER, date(2026, 3, 20), (date(2026, 3, 15), date(2026, 6, 14))),
        (PeriodKind.LEGAL_YEAR, date(2026, 12, 14), (date(2025, 12, 15), date(2026, 12, 14))),
        (PeriodKind.LEGAL_YEAR, date(2026, 12, 15), (date(2026, 12, 15), date(2027, 12, 14))),
    ],
)
def test_legal_periods_run_from_the_15th_to_the_14th(
    kind: str, on: date, expected: tuple[date, date]
) -> None:
    """Given a day, when a legal reporting period is asked, then it runs from the 15th of the month
    before the period to the 14th of its last month, and the 15th already belongs to the next one."""
    assert period_bounds(kind, on) == expected


def test_an_unknown_period_kind_is_refused() -> None:
    """Given a made-up kind, when bounds are asked, then a ReportError with a code is raised."""
    with pytest.raises(ReportError) as info:
        period_bounds("fortnight", date(2026, 3, 1))
    assert info.value.code == ReportErrorCode.INVALID_PERIOD
