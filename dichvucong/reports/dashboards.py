"""Reads of the leaders' dashboards: today's figures, a daily trend, the most overdue procedures and
units, and the ward grid coloured by on-time rate.

Every figure is a sum over ``DailyRollup`` (and ``StockOpening``) rows, like ``selectors.get_form06``:
"today" is the current local day's rows, so the page never counts the dossier table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from dichvucong.agencies.constants import WARD_LEVEL_KINDS
from dichvucong.agencies.models import Agency
from dichvucong.agencies.scopes import restrict
from dichvucong.reports.constants import GroupBy
from dichvucong.reports.models import DailyRollup
from dichvucong.reports.selectors import Form06, Form06Row, ReportScope, _scoped, get_form06

TREND_DAYS = 30
TOP_OVERDUE = 10
# On-time rate bands of the ward grid (percent): at least GOOD is good, at least FAIR is fair.
GOOD_RATE = 95.0
FAIR_RATE = 80.0


@dataclass(frozen=True)
class DayFigures:
    day: date
    received: int
    resolved: int


@dataclass(frozen=True)
class TodayFigures:
    day: date
    received: int
    resolved: int
    overdue: int  # pending at the end of the day with a due day on or before it
    pending: int
    on_time_rate: float | None  # of the dossiers resolved today


@dataclass(frozen=True)
class OverdueRow:
    code: str
    label: str
    overdue: int
    pending: int


@dataclass(frozen=True)
class WardCell:
    agency: Agency
    resolved: int
    on_time: int  # resolved early or on time

    @property
    def rate(self) -> float | None:
        return round(100 * self.on_time / self.resolved, 1) if self.resolved else None

    @property
    def band(self) -> str:
        """``good``, ``fair``, ``poor`` or ``none`` (nothing resolved in the period)."""
        rate = self.rate
        if rate is None:
            return "none"
        if rate >= GOOD_RATE:
            return "good"
        return "fair" if rate >= FAIR_RATE else "poor"


def get_today(*, day: date, scope: ReportScope, report: Form06 | None = None) -> TodayFigures:
    """Received, resolved and overdue on ``day`` (Biểu 06 of that single day; ``report``: that report
    already read, grouped any way — its total is the same)."""
    if report is None or (report.period_from, report.period_to) != (day, day):
        report = get_form06(period_from=day, period_to=day, scope=scope)
    assert report.total is not None
    figures = report.total.figures
    return TodayFigures(
        day=day,
        received=figures["received_total"],
        resolved=figures["resolved_total"],
        overdue=figures["pending_overdue"],
        pending=figures["pending_total"],
        on_time_rate=report.total.on_time_rate,
    )


@dataclass(frozen=True)
class Activity:
    """Received and resolved flows per (day, receiving agency) over a window: what the trend and the
    ward grid both read, fetched once for a dashboard (one scan of the window's daily rows)."""

    period_from: date
    period_to: date
    rows: list[dict[str, Any]]


def recent_activity(*, period_from: date, period_to: date, scope: ReportScope) -> Activity:
    rows = list(
        _scoped(DailyRollup.objects.filter(day__gte=period_from, day__lte=period_to), scope)
        .values("day", "agency_id")
        .annotate(
            sum_received=Coalesce(Sum("received"), 0),
            sum_on_time=Coalesce(Sum(F("resolved_early") + F("resolved_on_time")), 0),
            sum_late=Coalesce(Sum("resolved_late"), 0),
        )
    )
    return Activity(period_from=period_from, period_to=period_to, rows=rows)


def list_daily_trend(
    *, until: date, scope: ReportScope, days: int = TREND_DAYS, activity: Activity | None = None
) -> list[DayFigures]:
    """Received and resolved per day for the ``days`` days ending ``until`` (missing days are 0)."""
    start = until - timedelta(days=days - 1)
    if activity is None or activity.period_from > start or activity.period_to < until:
        activity = recent_activity(period_from=start, period_to=until, scope=scope)
    by_day: dict[date, list[int]] = {}
    for row in activity.rows:
        if start <= row["day"] <= until:
            totals = by_day.setdefault(row["day"], [0, 0])
            totals[0] += int(row["sum_received"])
            totals[1] += int(row["sum_on_time"]) + int(row["sum_late"])
    trend = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        received, resolved = by_day.get(day, (0, 0))
        trend.append(DayFigures(day=day, received=received, resolved=resolved))
    return trend


def _top_overdue(rows: list[Form06Row], limit: int) -> list[OverdueRow]:
    ranked = sorted(
        (row for row in rows if row.figures["pending_overdue"] > 0),
        key=lambda row: (-row.figures["pending_overdue"], row.label),
    )
    return [
        OverdueRow(
            code=row.code,
            label=row.label,
            overdue=row.figures["pending_overdue"],
            pending=row.figures["pending_total"],
        )
        for row in ranked[:limit]
    ]


def list_top_overdue(
    *, day: date, scope: ReportScope, group_by: str, limit: int = TOP_OVERDUE, report: Form06 | None = None
) -> list[OverdueRow]:
    """The procedures or receiving agencies (``group_by``) with the most dossiers overdue at the end
    of ``day``, most first (``report``: that day's Biểu 06 so grouped, when already read)."""
    if group_by not in (GroupBy.PROCEDURE, GroupBy.AGENCY):
        raise ValueError(group_by)
    if report is None or report.group_by != group_by or (report.period_from, report.period_to) != (day, day):
        report = get_form06(period_from=day, period_to=day, scope=scope, group_by=group_by)
    return _top_overdue(report.rows, limit)


def list_ward_grid(
    *, period_from: date, period_to: date, scope: ReportScope, activity: Activity | None = None
) -> list[WardCell]:
    """Every ward-level unit in ``scope`` (by name) with the dossiers resolved in the period by
    its subtree and how many of them early or on time."""
    wards = Agency.objects.filter(kind__in=WARD_LEVEL_KINDS, superseded_by__isnull=True).order_by(
        "name", "pk"
    )
    if scope.agency is not None:
        wards = wards.filter(path__startswith=scope.agency.path)
    if scope.data_scope is not None:
        wards = restrict(wards, scope.data_scope, agency_path="pk", roles=scope.roles)
    ward_list = list(wards)
    if activity is None or activity.period_from > period_from or activity.period_to < period_to:
        activity = recent_activity(period_from=period_from, period_to=period_to, scope=scope)
    paths = dict(Agency.objects.values_list("pk", "path"))
    by_path = {ward.path: ward for ward in ward_list}
    totals: dict[int, list[int]] = {ward.pk: [0, 0] for ward in ward_list}
    per_agency: dict[int, list[int]] = {}
    for row in activity.rows:
        if period_from <= row["day"] <= period_to:
            sums = per_agency.setdefault(row["agency_id"], [0, 0])
            sums[0] += int(row["sum_on_time"])
            sums[1] += int(row["sum_late"])
    for agency_id, (on_time, late) in per_agency.items():
        ward = _ward_of(paths.get(agency_id, ""), by_path)
        if ward is not None:
            totals[ward.pk][0] += on_time
            totals[ward.pk][1] += late
    return [
        WardCell(agency=ward, resolved=totals[ward.pk][0] + totals[ward.pk][1], on_time=totals[ward.pk][0])
        for ward in ward_list
    ]


def _ward_of(path: str, wards_by_path: dict[str, Agency]) -> Agency | None:
    """The ward whose subtree holds the agency at ``path`` (paths are dot-separated primary keys)."""
    for ward_path, ward in wards_by_path.items():
        if path.startswith(ward_path):
            return ward
    return None
