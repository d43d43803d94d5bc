"""The rollups are exact: for random dossier histories made through the real services, every Biểu 06
column for random periods equals a direct count over the dossiers' states, and ``rebuild_rollups``
writes the same rows as the incremental listener."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dichvucong.accounts.constants import Role
from dichvucong.dossiers import services
from dichvucong.dossiers.constants import DossierStatus, SubmissionChannel
from dichvucong.dossiers.errors import DossierError
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.dossiers.tests.factories import VN
from dichvucong.reports.constants import LONG_OVERDUE
from dichvucong.reports.models import (
    COUNTER_FIELDS,
    HALF_MONTH_KEY_FIELDS,
    KEY_FIELDS,
    MONTHLY_COUNTER_FIELDS,
    MONTHLY_KEY_FIELDS,
    OFFICER_COUNTER_FIELDS,
    OFFICER_KEY_FIELDS,
    OFFICER_MONTHLY_KEY_FIELDS,
    YEARLY_KEY_FIELDS,
    DailyRollup,
    HalfMonthRollup,
    MonthlyRollup,
    OfficerDailyRollup,
    OfficerMonthlyRollup,
    StockOpening,
    YearlyRollup,
)
from dichvucong.reports.rebuild import rebuild_rollups
from dichvucong.reports.rollups import local_day
from dichvucong.reports.selectors import FORM06_COLUMNS, _plan, get_form06
from dichvucong.reports.stock import advance_openings, refresh_today_opening
from dichvucong.reports.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PENDING = {2, 4, 5, 6}
NEW_DOSSIER = ("online", "counter", "online", "postal")
# What may happen next to a dossier in each status (the services refuse anything else).
NEXT = {
    DossierStatus.NEW: ("receive", "refuse", "receive", "request_supplement", "withdraw"),
    DossierStatus.RECEIVED: ("resolve", "request_supplement", "resolve", "withdraw"),
    DossierStatus.SUPPLEMENT_REQUESTED: ("supplement", "withdraw", "supplement"),
    DossierStatus.RESOLVED: ("return",),
}
steps = st.lists(
    st.tuples(
        st.integers(0, 13),  # which operation (a new dossier, or one allowed by the target's status)
        st.integers(0, 3),  # which dossier (modulo the number made so far)
        st.integers(0, 2),  # working days to move on
        st.integers(0, 9 * 60),  # minutes after 08:00 (may pass the afternoon cut-off)
        st.booleans(),  # which agency / procedure for a new dossier
    ),
    min_size=4,
    max_size=30,
)
periods = st.lists(st.tuples(st.integers(-2, 50), st.integers(0, 30)), min_size=2, max_size=4)
# Periods made of whole months, and legal periods (15th to 14th), so monthly rows and openings on
# both sides of a period are read (the history starts on Monday 2 March 2026 and lasts ≤ 13 weeks).
CALENDAR_PERIODS = (
    (date(2026, 3, 1), date(2026, 3, 31)),
    (date(2026, 4, 1), date(2026, 4, 30)),
    (date(2026, 3, 1), date(2026, 5, 31)),
    (date(2026, 2, 15), date(2026, 3, 14)),
    (date(2026, 3, 15), date(2026, 4, 14)),
    (date(2026, 4, 15), date(2026, 5, 14)),
    (date(2026, 3, 2), date(2026, 4, 30)),
    (date(2026, 3, 31), date(2026, 5, 1)),
    # Whole years (read from yearly rows) with whole months and partial months around them.
    (date(2026, 1, 1), date(2026, 12, 31)),
    (date(2025, 7, 1), date(2027, 6, 30)),
    (date(2025, 12, 15), date(2027, 1, 14)),
    (date(2025, 1, 1), date(2026, 4, 30)),
    (date(2025, 1, 15), date(2026, 5, 20)),
    # Legal quarter and year (15th to 14th: half months and 15th openings), and edges a few days off
    # an anchor (buckets minus days, or days plus buckets).
    (date(2026, 3, 15), date(2026, 6, 14)),
    (date(2025, 12, 15), date(2026, 12, 14)),
    (date(2026, 3, 10), date(2026, 4, 20)),
    (date(2026, 3, 18), date(2026, 5, 12)),
)


@dataclass(frozen=True)
class Snapshot:
    at: datetime
    status: int | None
    received: bool
    due_at: datetime | None


def _apply(world: f.StatsWorld, op: str, dossier: Dossier | None, alternate: bool) -> Dossier | None:
    agency = world.other_ward if alternate else world.ward
    procedure = world.other_procedure if alternate else world.procedure
    if op == "online":
        return f.submit_online(world, agency=agency, procedure=procedure)
    if op in ("counter", "postal"):
        channel = SubmissionChannel.POSTAL if op == "postal" else SubmissionChannel.DIRECT
        return f.record_counter(world, agency=agency, procedure=procedure, channel=channel)
    if dossier is None:
        return None
    actions = {
        "receive": lambda d: services.receive(dossier=d, officer=world.officer),
        "refuse": lambda d: services.refuse(dossier=d, officer=world.officer, reason="Không đủ điều kiện"),
        "request_supplement": lambda d: f.request_supplement(world, d),
        "supplement": lambda d: f.supplement(world, d),
        "withdraw": lambda d: services.withdraw(dossier=d, actor=world.citizen, reason="Không cần nữa"),
        "resolve": lambda d: f.resolve(world, d),
        "return": lambda d: f.return_result(world, d),
    }
    actions[op](dossier)
    return dossier


def _play(
    world: f.StatsWorld, plan: list[tuple[int, int, int, int, bool]], checkpoint: int
) -> dict[int, list[Snapshot]]:
    """Run the plan with a moving clock; the state of each dossier after each successful step. Before
    step ``checkpoint`` the monthly openings are computed up to six weeks ahead, so later steps are
    dated before computed months and must update them."""
    timelines: dict[int, list[Snapshot]] = {}
    made: list[Dossier] = []
    day, last = f.MONDAY_8AM.date(), f.MONDAY_8AM
    for step, (choice, index, advance, minutes, alternate) in enumerate(plan):
        if step == checkpoint:
            advance_openings(until=day + timedelta(days=45))
            refresh_today_opening(today=day)  # an opening at the start of this day too
        day = f.working_day_after(day, advance)
        moment = datetime.combine(day, time(8, 0), tzinfo=VN) + timedelta(minutes=minutes)
        moment = max(moment, last + timedelta(minutes=5))
        last = moment
        target = made[index % len(made)] if made and choice >= len(NEW_DOSSIER) else None
        if target is None:
            op = NEW_DOSSIER[choice % len(NEW_DOSSIER)]
        else:
            allowed = [
                op
                for op in NEXT.get(DossierStatus(target.status), ())
                if target.owner_id is not None or op not in ("supplement", "withdraw")  # applicant's
            ]
            if not allowed:
                continue
            op = allowed[(choice - len(NEW_DOSSIER)) % len(allowed)]
        try:
            with f.at(moment):
                dossier = _apply(world, op, target, alternate)
        except DossierError:
            continue
        if dossier is None:
            continue
        if op in NEW_DOSSIER:
            made.append(dossier)
        if step > checkpoint:
            event("a step dated before computed openings")
        dossier.refresh_from_db()
        timelines.setdefault(dossier.pk, []).append(
            Snapshot(moment, dossier.status, dossier.received_at is not None, dossier.due_at)
        )
    return timelines


def _state(timeline: list[Snapshot], day: date) -> Snapshot | None:
    found = None
    for snap in timeline:
        if local_day(snap.at) <= day:
            found = snap
    return found


def _pending(snap: Snapshot | None) -> bool:
    return snap is not None and snap.received and snap.status in PENDING


def _direct_count(
    timelines: dict[int, list[Snapshot]], channels: dict[int, int], start: date, end: date
) -> dict[str, int]:
    """Biểu 06 counted straight from the dossiers' states (the oracle)."""
    c = dict.fromkeys(FORM06_COLUMNS, 0)
    for pk, timeline in timelines.items():
        c["carried_over"] += _pending(_state(timeline, start - timedelta(days=1)))
        final = _state(timeline, end)
        if _pending(final):
            assert final is not None
            c["pending_total"] += 1
            c["pending_overdue"] += (
                final.status != DossierStatus.SUPPLEMENT_REQUESTED  # the clock stops while waiting
                and final.due_at is not None
                and local_day(final.due_at) <= end
            )
        c["supplement_waiting"] += final is not None and final.status == DossierStatus.SUPPLEMENT_REQUESTED
        previous: Snapshot | None = None
        for snap in timeline:
            if start <= local_day(snap.at) <= end:
                status_before = previous.status if previous else None
                if snap.received and not (previous and previous.received):
                    online = channels[pk] == SubmissionChannel.ONLINE
                    c["received_online" if online else "received_direct"] += 1
                if _pending(previous) and snap.status == DossierStatus.RESOLVED:
                    assert previous is not None
                    due = previous.due_at
                    if due is not None and local_day(snap.at) < local_day(due):
                        c["resolved_early"] += 1
                    elif due is not None and snap.at > due:
                        c["resolved_late"] += 1
                    else:
                        c["resolved_on_time"] += 1
                for status, name in ((7, "withdrawn"), (3, "refused"), (10, "returned")):
                    c[name] += snap.status == status and status_before != status
            previous = snap
    c["received_total"] = c["received_online"] + c["received_direct"]
    c["resolved_total"] = c["resolved_early"] + c["resolved_on_time"] + c["resolved_late"]
    c["pending_in_time"] = c["pending_total"] - c["pending_overdue"]
    return c


def _rows() -> list[tuple[Any, ...]]:
    return sorted(DailyRollup.objects.values_list(*KEY_FIELDS, *COUNTER_FIELDS))


def _monthly() -> list[tuple[Any, ...]]:
    """Non-zero monthly rows (the listener keeps a row whose counters happen to be all zero)."""
    rows = MonthlyRollup.objects.values_list(*MONTHLY_KEY_FIELDS, *MONTHLY_COUNTER_FIELDS)
    return sorted(row for row in rows if any(row[len(MONTHLY_KEY_FIELDS) :]))


def _officer_rows() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The officer rollups, daily and monthly."""
    daily = OfficerDailyRollup.objects.values_list(*OFFICER_KEY_FIELDS, *OFFICER_COUNTER_FIELDS)
    monthly = OfficerMonthlyRollup.objects.values_list(*OFFICER_MONTHLY_KEY_FIELDS, *OFFICER_COUNTER_FIELDS)
    return sorted(daily), sorted(monthly)


def _officer_direct_count(timelines: dict[int, list[Snapshot]]) -> dict[str, int]:
    """The officers' totals counted from the log and the dossiers' states (the oracle): every event by
    an officer is a step; receptions, resolutions, refusals, supplement requests and returns are the
    status changes of the events they performed."""
    c = dict.fromkeys(OFFICER_COUNTER_FIELDS, 0)
    events = DossierEvent.objects.filter(
        dossier_id__in=timelines, actor__isnull=False, actor_role__in=Role.values
    )
    c["steps"] = events.exclude(from_status=None, to_status=None).count()
    c["received"] = events.filter(action="received").count()
    c["refused"] = events.filter(to_status=3).exclude(from_status=3).count()
    c["returned"] = events.filter(to_status=10).exclude(from_status=10).count()
    c["supplement_in"] = events.filter(to_status=5).exclude(from_status=5).count()
    c["stopped"] = events.filter(to_status=8).exclude(from_status=8).count()
    resolved = _direct_count(timelines, {pk: 0 for pk in timelines}, date(2000, 1, 1), date(2100, 1, 1))
    for name in ("resolved_early", "resolved_on_time", "resolved_late"):
        c[name] = resolved[name]  # only officers resolve dossiers
    return c


def _halves() -> list[tuple[Any, ...]]:
    rows = HalfMonthRollup.objects.values_list(*HALF_MONTH_KEY_FIELDS, *MONTHLY_COUNTER_FIELDS)
    return sorted(row for row in rows if any(row[len(HALF_MONTH_KEY_FIELDS) :]))


def _yearly() -> list[tuple[Any, ...]]:
    rows = YearlyRollup.objects.values_list(*YEARLY_KEY_FIELDS, *MONTHLY_COUNTER_FIELDS)
    return sorted(row for row in rows if any(row[len(YEARLY_KEY_FIELDS) :]))


def _openings() -> list[tuple[Any, ...]]:
    """Non-zero opening rows of anchors, the 1st and the 15th (a back-dated flow may leave a zero row
    behind; the rebuild recomputes anchors, not the opening of the day the listener's run was
    checkpointed)."""
    rows = StockOpening.objects.exclude(pending=0, supplement=0).filter(month__day__in=(1, 15))
    return sorted(rows.values_list("month", *KEY_FIELDS[1:], "pending", "supplement"))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(plan=steps, windows=periods, checkpoint=st.integers(0, 30))
def test_every_column_equals_a_direct_count_and_rebuild_agrees(
    stats_world: f.StatsWorld,
    plan: list[tuple[int, int, int, int, bool]],
    windows: list[tuple[int, int]],
    checkpoint: int,
) -> None:
    """Given a random history of receptions, refusals, supplements, withdrawals, resolutions and
    returns on random working days, when Biểu 06 is read for random periods, then each column equals
    the count made directly from the dossiers' states; and rebuilding the rollups from the log
    writes exactly the rows the listener kept."""
    with transaction.atomic():
        timelines = _play(stats_world, plan, checkpoint)
        channels = dict(Dossier.objects.filter(pk__in=timelines).values_list("pk", "channel"))
        first = f.MONDAY_8AM.date()
        last = max((local_day(s.at) for t in timelines.values() for s in t), default=first)
        days = [first + timedelta(days=n) for n in range(-1, (last - first).days + 6)]
        periods = (
            [(day, day) for day in days]
            + list(CALENDAR_PERIODS)
            + [
                (first + timedelta(days=offset), first + timedelta(days=offset + length))
                for offset, length in windows
            ]
        )
        _check_periods(periods, timelines, channels)
        if StockOpening.objects.filter(due_day=LONG_OVERDUE).exists():
            event("an opening folded dossiers overdue since long before it")
        if DailyRollup.objects.filter(shifted_in__gt=0).exists():
            event("a due date moved or a dossier re-entered the pending stock")
        incremental, openings, monthly, yearly = _rows(), _openings(), _monthly(), _yearly()
        halves = _halves()
        officers = _officer_rows()
        totals = {
            name: sum(row[len(OFFICER_KEY_FIELDS) + i] for row in officers[0])
            for i, name in enumerate(OFFICER_COUNTER_FIELDS)
        }
        assert totals == _officer_direct_count(timelines)
        rebuild_rollups()
        assert _rows() == incremental
        assert _monthly() == monthly
        assert _halves() == halves
        assert _yearly() == yearly
        assert _officer_rows() == officers
        assert [
            row for row in _openings() if row[0] <= max((r[0] for r in openings), default=first)
        ] == openings
        # The rebuild computed every anchor's opening up to today: read the same periods from them,
        # and again as if today were mid-2027, so no day is free any more and other plans win (a legal
        # year as a half, a year and a half subtracted).
        _check_periods(periods, timelines, channels)
        with f.at(datetime(2027, 6, 1, 9, 0, tzinfo=VN)):
            _check_periods(periods, timelines, channels)
        transaction.set_rollback(True)


def _check_periods(
    periods: list[tuple[date, date]], timelines: dict[int, list[Snapshot]], channels: dict[int, int]
) -> None:
    for start, end in periods:
        report = get_form06(period_from=start, period_to=end, group_by="channel")
        plan = _plan(start, end)
        if plan.halves:
            event("half months read from half-month rows")
        if plan.months:
            event("whole months read from monthly rows")
        if plan.years:
            event("whole years read from yearly rows")
        if plan.flows_removed:
            event("flows = buckets minus days outside the period")
        if plan.removed != ((), ()):
            event("flows = buckets minus a half or month outside the period")
        if plan.start_sign < 0:
            event("carried over = a later opening minus the days before it")
        if plan.end_sign < 0:
            event("final stock = a later opening minus the days after the period")
        if plan.start_opening is not None and plan.start_days is None:
            event("carried over read from openings alone")
        if plan.end_opening is not None and plan.end_days is None:
            event("final stock read from openings alone")
        if any(d is not None and d.day not in (1, 15) for d in (plan.start_opening, plan.end_opening)):
            event("a day opening read")
        if any(d is not None and d.day == 15 for d in (plan.start_opening, plan.end_opening)):
            event("an opening on the 15th read")
        assert report.total is not None
        assert report.total.figures == _direct_count(timelines, channels, start, end), (start, end)
        for column, value in report.total.figures.items():
            if value:
                event(f"{column} > 0")  # shown by --hypothesis-show-statistics
        for column in FORM06_COLUMNS:
            assert sum(row.figures[column] for row in report.rows) == report.total.figures[column]


@pytest.fixture
def stats_world() -> f.StatsWorld:
    return f.make_stats_world()
