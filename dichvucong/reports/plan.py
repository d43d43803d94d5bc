"""Which rollup rows a Biểu 06 period reads (ADR 0004): the cheapest exact combination.

A period [``a``, ``b``) (``b``: the day after its last day) needs its *flows* (received, resolved …
inside it) and two *stocks* (pending at the start of ``a`` and of ``b``). The read model offers:

* flows per calendar **year**, **month** and **half month** (1st–14th, 15th–end) — buckets whose
  edges are the *anchors*, the 1st and the 15th of each month;
* flows per **day** (``DailyRollup``), which may be added or subtracted, so a period may start a few
  days before or after an anchor: [10/3, …) is the half from 1/3 minus the days 1–9/3, or the days
  10–14/3 plus the halves from 15/3, whichever reads less;
* **openings**: the stock at the start of each computed anchor and of today, again corrected by the
  days between the opening and the wanted moment (added, or subtracted when the opening lies after).

``plan_period`` tries every way to meet each edge (at most a few dozen) and keeps the one that reads
the fewest rows by a simple cost: a day of daily rows costs 1, a half month 1, a month 1.5, a year 3
— measured ratios of rows at 10 million dossiers (docs/performance.md) — and days after today cost
nothing (no event is dated in the future: reading them is exact, and empty). Any choice gives the
same figures; only the cost differs. The property test in ``tests/test_rollups.py`` checks that.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from dichvucong.reports.constants import OPENING_DUE_HORIZON_DAYS
from dichvucong.reports.stock import anchor_start, is_anchor, next_anchor, next_month

# Half-open day range [first, until); ``first`` None: from the first day of the history.
DayRange = tuple[date | None, date]
# (years, months, halves): ``YearlyRollup.year``, ``MonthlyRollup.month``, ``HalfMonthRollup.start``.
Buckets = tuple[tuple[date, ...], tuple[date, ...], tuple[date, ...]]

DAY_COST = 1.0
HALF_COST = 1.0
MONTH_COST = 1.5
YEAR_COST = 3.0
_HISTORY_START = date(2000, 1, 1)  # only prices a range "from the beginning"


@dataclass(frozen=True)
class Plan:
    years: tuple[date, ...] = ()  # ``YearlyRollup.year`` values read
    months: tuple[date, ...] = ()  # ``MonthlyRollup.month``
    halves: tuple[date, ...] = ()  # ``HalfMonthRollup.start``
    removed: tuple[tuple[date, ...], tuple[date, ...]] = ((), ())  # (months, halves) subtracted
    flows_added: tuple[DayRange, ...] = ()  # daily flows added to the buckets'
    flows_removed: tuple[DayRange, ...] = ()  # daily flows subtracted from them
    start_opening: date | None = None  # the opening the carried-over stock starts from (None: none)
    start_days: DayRange | None = None  # daily flows correcting it (None: the opening alone)
    start_sign: int = 1  # +1: added (opening before the moment), -1: subtracted (opening after it)
    end_opening: date | None = None
    end_days: DayRange | None = None
    end_sign: int = 1
    cost: float = 0.0

    @property
    def day_ranges(self) -> list[DayRange]:
        """Every range of daily rows the plan reads (one query, a filter each)."""
        found = [*self.flows_added, *self.flows_removed, self.start_days, self.end_days]
        return [r for r in found if r is not None]

    @property
    def openings(self) -> list[date]:
        return sorted({d for d in (self.start_opening, self.end_opening) if d is not None})


def _anchor_on_or_after(day: date) -> date:
    return day if is_anchor(day) else next_anchor(day)


def _month_on_or_after(day: date) -> date:
    return day if day.day == 1 else next_month(day)


def _year_on_or_after(day: date) -> date:
    return day if (day.month, day.day) == (1, 1) else date(day.year + 1, 1, 1)


def buckets(first: date, until: date) -> Buckets:
    """(years, months, halves) covering [``first``, ``until``) exactly; both are anchors, the largest
    buckets first."""
    years: list[date] = []
    months: list[date] = []
    halves: list[date] = []
    day = first
    while day < until and day.day != 1:
        halves.append(day)
        day = next_anchor(day)
    while day < until and day.month != 1 and next_month(day) <= until:
        months.append(day)
        day = next_month(day)
    while day < until and day.month == 1 and date(day.year + 1, 1, 1) <= until:
        years.append(day)
        day = date(day.year + 1, 1, 1)
    while day < until and next_month(day) <= until:
        months.append(day)
        day = next_month(day)
    while day < until:
        halves.append(day)
        day = next_anchor(day)
    return tuple(years), tuple(months), tuple(halves)


def _days_read(ranges: Iterable[DayRange | None], today: date) -> int:
    """Past days (on or before ``today``) in the union of ``ranges``."""
    last = today + timedelta(days=1)
    spans = sorted(
        (first or _HISTORY_START, min(until, last))
        for r in ranges
        if r is not None
        for first, until in [r]
        if (first or _HISTORY_START) < min(until, last)
    )
    total, reached = 0, date.min
    for first, until in spans:
        first = max(first, reached)
        if first < until:
            total += (until - first).days
        reached = max(reached, until)
    return total


def _bucket_cost(found: Buckets, today: date) -> float:
    years, months, halves = found
    cost = sum(YEAR_COST for y in years if y <= today)
    cost += sum(MONTH_COST for m in months if m <= today)
    return cost + sum(HALF_COST for h in halves if h <= today)


FlowOption = tuple[Buckets, tuple[tuple[date, ...], tuple[date, ...]], list[DayRange], list[DayRange]]
_NONE: tuple[tuple[date, ...], tuple[date, ...]] = ((), ())


def _flow_options(a: date, b: date) -> list[FlowOption]:
    """Ways to read the flows of [a, b): (buckets added, (months, halves) subtracted, days added, days
    subtracted). The right edge may be pushed to a later month or year start, the gap then subtracted
    as days or — when ``b`` is an anchor — as buckets (a legal year 15/12–14/12 is a half, a year and
    a half subtracted)."""
    options: list[FlowOption] = [(((), (), ()), _NONE, [(a, b)], [])]
    lefts = [(_anchor_on_or_after(a), "add"), (anchor_start(a), "sub")]
    rights = [(anchor_start(b), "add")]
    rights += [(edge(b), "sub") for edge in (_anchor_on_or_after, _month_on_or_after)]
    if b.year < 9999:
        rights.append((_year_on_or_after(b), "sub"))
    for (left, left_how), (right, right_how) in itertools.product(lefts, rights):
        if left >= right:
            continue
        added: list[DayRange] = []
        removed: list[DayRange] = []
        if left != a:
            if left_how == "add":
                added.append((a, left))
            else:
                removed.append((left, a))
        found = buckets(left, right)
        if right == b:
            options.append((found, _NONE, added, removed))
        elif right_how == "add":
            options.append((found, _NONE, [*added, (right, b)], removed))
        else:
            options.append((found, _NONE, added, [*removed, (b, right)]))
            if is_anchor(b):
                gap_years, gap_months, gap_halves = buckets(b, right)
                if not gap_years:
                    options.append((found, (gap_months, gap_halves), added, removed))
    return options


def _stock_options(moment: date, computed: list[date]) -> list[tuple[date | None, DayRange | None, int]]:
    """Ways to read the stock at the start of ``moment``: (opening, correcting days, sign)."""
    before = max((d for d in computed if d <= moment), default=None)
    after = min((d for d in computed if d > moment), default=None)
    options: list[tuple[date | None, DayRange | None, int]] = [
        (before, None if before == moment else (before, moment), 1)
    ]
    # A later opening folded the dossiers overdue since long before it (``LONG_OVERDUE``): it serves
    # moments within that horizon only.
    if after is not None and (after - moment).days <= OPENING_DUE_HORIZON_DAYS:
        options.append((after, (moment, after), -1))
    return options


def plan_period(period_from: date, period_to: date, *, computed: Iterable[date], today: date) -> Plan:
    """The cheapest plan for the days [``period_from``, ``period_to``], given the days whose openings
    are computed and today's date (days after it hold no flow)."""
    a, b = period_from, period_to + timedelta(days=1)
    openings = sorted(computed)
    best: Plan | None = None
    for flows, starts, ends in itertools.product(
        _flow_options(a, b), _stock_options(a, openings), _stock_options(b, openings)
    ):
        found, (removed_months, removed_halves), added, removed = flows
        start_opening, start_days, start_sign = starts
        end_opening, end_days, end_sign = ends
        days = _days_read([*added, *removed, start_days, end_days], today)
        cost = DAY_COST * days + _bucket_cost(found, today)
        cost += _bucket_cost(((), removed_months, removed_halves), today)
        if best is None or cost < best.cost:
            years, months, halves = found
            best = Plan(
                years=years,
                months=months,
                halves=halves,
                removed=(removed_months, removed_halves),
                flows_added=tuple(added),
                flows_removed=tuple(removed),
                start_opening=start_opening,
                start_days=start_days,
                start_sign=start_sign,
                end_opening=end_opening,
                end_days=end_days,
                end_sign=end_sign,
                cost=cost,
            )
    assert best is not None  # the all-days option always exists
    return best
