"""Opening stocks: the pending and supplement-waiting dossiers at the start of the 1st and the 15th of
each month (the *anchors*, where the half-month flows begin too) and of today.

A stock figure (carried over, pending, waiting for a supplement) is a sum of flows over all earlier
days. ``StockOpening`` keeps that sum at each anchor, per rollup key and due day, so a report reads
one opening plus at most about a week of daily flows on either side of it — whatever the length of
the history. Openings are a cache of ``DailyRollup``:

* ``advance_openings(until=…)`` computes every missing anchor up to ``until`` (set-based SQL, each
  from the computed anchor before it); ``rebuild_rollups`` runs it;
* ``refresh_today_opening(today=…)`` does the same and adds an opening at the start of today (a
  "month" row dated today), dropping older day openings; the hourly
  ``advance_stock_openings_task`` runs it, so reports ending today read one day of flows;
* an event dated before a computed month (a back-dated load) also adds its flows to the openings of
  the later computed months (``add_to_openings``), in its own transaction;
* on PostgreSQL the computation takes a SHARE lock on the rollups, so it waits for open dossier
  transactions and none slips between the flows it reads and the month it marks as computed.

Selectors work without any opening (they then sum flows from the first day).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

from django.db import connection, transaction

from dichvucong.reports.constants import LONG_OVERDUE, OPENING_DUE_HORIZON_DAYS
from dichvucong.reports.models import DailyRollup, StockMonth, StockOpening

KEY_COLUMNS = ("agency_id", "procedure_id", "field_code", "level", "channel", "due_day")
PENDING_FLOW = "received + shifted_in - shifted_out - resolved_early - resolved_on_time - resolved_late"
SUPPLEMENT_FLOW = "supplement_in - supplement_out"


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def anchor_start(day: date) -> date:
    """The anchor (the 1st or the 15th) on or before ``day``."""
    return day.replace(day=15 if day.day >= 15 else 1)


def next_anchor(day: date) -> date:
    """The first anchor after ``day``."""
    return day.replace(day=15) if day.day < 15 else next_month(day)


def is_anchor(day: date) -> bool:
    return day.day in (1, 15)


def opening_due_day(opening: date, due_day: date) -> date:
    """The due-day key of an opening's row: ``LONG_OVERDUE`` for a due day more than the horizon
    before the opening (constants), else the day itself."""
    return LONG_OVERDUE if due_day < opening - timedelta(days=OPENING_DUE_HORIZON_DAYS) else due_day


def _compute_month(month: date, previous: date | None) -> None:
    """Insert the openings of the day ``month`` (an anchor, or today): those of ``previous`` (``None``:
    none) plus the daily flows from it, old due days folded into ``LONG_OVERDUE``."""
    adapt = connection.ops.adapt_datefield_value
    opening = StockOpening._meta.db_table
    rollup = DailyRollup._meta.db_table
    keys = ", ".join(KEY_COLUMNS[:-1])
    due = "CASE WHEN due_day < %s THEN %s ELSE due_day END AS due_day"
    fold = [adapt(month - timedelta(days=OPENING_DUE_HORIZON_DAYS)), adapt(LONG_OVERDUE)]
    sources = [
        f"SELECT {keys}, {due}, {PENDING_FLOW} AS p, {SUPPLEMENT_FLOW} AS s FROM {rollup} WHERE day < %s"  # noqa: S608
    ]
    params: list[object] = [*fold, adapt(month)]
    if previous is not None:
        sources[0] += " AND day >= %s"
        params.append(adapt(previous))
        sources.append(
            f"SELECT {keys}, {due}, pending AS p, supplement AS s FROM {opening} WHERE month = %s"  # noqa: S608
        )
        params += [*fold, adapt(previous)]
    sql = (
        f"INSERT INTO {opening} (month, {keys}, due_day, pending, supplement) "  # noqa: S608 - model names
        f"SELECT %s, {keys}, due_day, SUM(p), SUM(s) FROM ({' UNION ALL '.join(sources)}) flows "
        f"GROUP BY {keys}, due_day HAVING SUM(p) <> 0 OR SUM(s) <> 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [adapt(month), *params])
    StockMonth.objects.create(month=month)


def advance_openings(*, until: date) -> int:
    """Compute the openings of every anchor up to ``until`` that is missing — after the latest one, and
    any gap before it (the 15ths of an installation that had month starts only); how many were added."""
    target = anchor_start(until)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {DailyRollup._meta.db_table} IN SHARE MODE")
        computed = sorted(StockMonth.objects.filter(month__lte=target).values_list("month", flat=True))
        anchors = [day for day in computed if is_anchor(day)]
        if anchors:
            anchor = next_anchor(anchors[0])
        else:
            first_day = DailyRollup.objects.order_by("day").values_list("day", flat=True).first()
            if first_day is None:
                return 0
            anchor = next_anchor(first_day)
        have = set(computed)
        previous = anchors[0] if anchors else None
        added = 0
        while anchor <= target:
            if anchor not in have:
                _compute_month(anchor, previous)
                added += 1
            previous, anchor = anchor, next_anchor(anchor)
        return added


def refresh_today_opening(*, today: date) -> bool:
    """Compute the anchors' openings up to ``today``, then an opening at the start of ``today`` itself
    (unless it is an anchor), and drop the day openings of earlier days: a report ending today — the
    dashboards, the current month on the public page — then reads one day of flows after it instead
    of every day since the last anchor. Only anchors are kept in the long run. Whether a day opening
    was computed."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {DailyRollup._meta.db_table} IN SHARE MODE")
        advance_openings(until=today)
        computed = False
        if not is_anchor(today) and not StockMonth.objects.filter(month=today).exists():
            previous = (
                StockMonth.objects.filter(month__lt=today)
                .order_by("-month")
                .values_list("month", flat=True)
                .first()
            )
            _compute_month(today, previous)  # without any month yet: from all the flows before today
            computed = True
        stale = list(
            StockMonth.objects.filter(month__lt=today)
            .exclude(month__day__in=(1, 15))
            .values_list("month", flat=True)
        )
        if stale:
            StockOpening.objects.filter(month__in=stale).delete()
            StockMonth.objects.filter(month__in=stale).delete()
        return computed


def add_to_openings(*, day: date, key: dict[str, object], pending: int, supplement: int) -> None:
    """A flow on ``day`` also changes the openings of every computed month after it."""
    if not pending and not supplement:
        return
    months = list(StockMonth.objects.filter(month__gt=day).values_list("month", flat=True))
    if not months:
        return
    quote = connection.ops.quote_name
    table = quote(StockOpening._meta.db_table)
    columns = ["month", *KEY_COLUMNS, "pending", "supplement"]
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "  # noqa: S608
        f"ON CONFLICT (month, {', '.join(KEY_COLUMNS)}) DO UPDATE SET "
        f"pending = {table}.pending + EXCLUDED.pending, supplement = {table}.supplement + EXCLUDED.supplement"
    )
    adapt = connection.ops.adapt_datefield_value
    values = [key["agency_id"], key["procedure_id"], key["field_code"], key["level"], key["channel"]]
    with connection.cursor() as cursor:
        for month in months:
            due = opening_due_day(month, cast(date, key["due_day"]))
            cursor.execute(sql, [adapt(month), *values, adapt(due), pending, supplement])
