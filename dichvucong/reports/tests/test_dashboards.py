"""Dashboard figures (today, trend, top overdue, ward grid) are the rollup sums and equal direct counts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.factories import VN
from dichvucong.reports import dashboards
from dichvucong.reports.constants import GroupBy
from dichvucong.reports.selectors import ReportScope
from dichvucong.reports.tests import factories as f

pytestmark = pytest.mark.django_db

MON = date(2026, 3, 2)
LATER = MON + timedelta(days=7)  # the Monday after: the Monday dossiers (due Thursday) are overdue


def moment(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=VN)


@pytest.fixture
def world() -> f.StatsWorld:
    """Four counter dossiers on Monday (three at the ward, one at the other ward); one resolved on
    Monday (early), one the next Monday (late), one received the next Monday."""
    world = f.make_stats_world()
    with f.at(moment(MON)):
        ward = [f.record_counter(world, agency=world.ward, procedure=world.procedure) for _n in range(3)]
        f.record_counter(world, agency=world.other_ward, procedure=world.other_procedure)
        f.resolve(world, ward[0])
    with f.at(moment(LATER)):
        f.resolve(world, ward[1])
        f.record_counter(world, agency=world.other_ward, procedure=world.procedure)
    return world


def _local_day(value: datetime | None) -> date | None:
    return value.astimezone(VN).date() if value else None


def _direct(day: date) -> dict[str, int]:
    """The same figures counted on the dossier table (what the rollups must equal)."""
    dossiers = list(Dossier.objects.exclude(status__isnull=True))
    end = moment(day + timedelta(days=1), 0)
    pending = [
        d
        for d in dossiers
        if d.received_at and d.received_at < end and not (d.resolved_at and d.resolved_at < end)
    ]
    return {
        "received": sum(1 for d in dossiers if _local_day(d.received_at) == day),
        "resolved": sum(1 for d in dossiers if _local_day(d.resolved_at) == day),
        "pending": len(pending),
        "overdue": sum(1 for d in pending if d.due_at and _local_day(d.due_at) <= day),
    }


@pytest.mark.parametrize("day", [MON, MON + timedelta(days=3), LATER])
def test_todays_figures_equal_a_direct_count(world: f.StatsWorld, day: date) -> None:
    """Given the histories above, when today's figures are read for a day, then received, resolved,
    pending and overdue equal a count over the dossiers themselves."""
    today = dashboards.get_today(day=day, scope=ReportScope())
    assert {
        "received": today.received,
        "resolved": today.resolved,
        "pending": today.pending,
        "overdue": today.overdue,
    } == _direct(day)


def test_the_trend_has_one_point_per_day_with_the_days_flows(world: f.StatsWorld) -> None:
    """Given the histories, when the 30-day trend ending the later Monday is read, then it has 30 days
    ending that day, with 4 received and 1 resolved on the first Monday and 1 and 1 on the later one."""
    trend = dashboards.list_daily_trend(until=LATER, scope=ReportScope())
    assert len(trend) == 30 and trend[-1].day == LATER
    by_day = {point.day: (point.received, point.resolved) for point in trend}
    assert by_day[MON] == (4, 1)
    assert by_day[LATER] == (1, 1)
    assert sum(point.received for point in trend) == 5


def test_top_overdue_lists_procedures_and_units_most_first(world: f.StatsWorld) -> None:
    """Given one overdue dossier at each ward (one per procedure), when the top overdue are read the
    later Monday, then each procedure and each ward has one; nothing is overdue on the first Monday."""
    procedures = dashboards.list_top_overdue(day=LATER, scope=ReportScope(), group_by=GroupBy.PROCEDURE)
    units = dashboards.list_top_overdue(day=LATER, scope=ReportScope(), group_by=GroupBy.AGENCY)
    assert sorted((row.code, row.overdue) for row in procedures) == sorted(
        [(world.procedure.code, 1), (world.other_procedure.code, 1)]
    )
    assert sorted((row.code, row.overdue) for row in units) == sorted(
        [(world.ward.code, 1), (world.other_ward.code, 1)]
    )
    assert dashboards.list_top_overdue(day=MON, scope=ReportScope(), group_by=GroupBy.AGENCY) == []


def test_the_ward_grid_rates_each_ward_with_its_subtree(world: f.StatsWorld) -> None:
    """Given one early and one late resolution at the ward and none at the other ward, when the grid is
    read for the city, then the ward is at 50 % (poor) and the other ward has no rate; a ward scope
    shows only that ward."""
    city = dashboards.list_ward_grid(period_from=MON, period_to=LATER, scope=ReportScope(agency=world.city))
    cells = {cell.agency.pk: cell for cell in city}
    assert (cells[world.ward.pk].resolved, cells[world.ward.pk].rate, cells[world.ward.pk].band) == (
        2,
        50.0,
        "poor",
    )
    assert (cells[world.other_ward.pk].rate, cells[world.other_ward.pk].band) == (None, "none")
    own = dashboards.list_ward_grid(period_from=MON, period_to=LATER, scope=ReportScope(agency=world.ward))
    assert [cell.agency.pk for cell in own] == [world.ward.pk]


def test_grid_bands_follow_the_thresholds() -> None:
    """Given cells at 100 %, 95 %, 80 % and 79 %, then they are good, good, fair and poor."""
    agency = make_agency(kind=AgencyKind.WARD)
    bands = [dashboards.WardCell(agency=agency, resolved=100, on_time=n).band for n in (100, 95, 80, 79)]
    assert bands == ["good", "good", "fair", "poor"]
