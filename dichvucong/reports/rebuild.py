"""Recompute every ``DailyRollup`` (and ``OfficerDailyRollup``) row from the dossier log in one set-based
SQL statement each.

The statement replays ``rollups.transition_counters`` for all events at once: window functions give
each event the state before it (received yet? due date?), ``DueDateChange`` gives the due date after
it (bulk-generated dossiers first get one at their reception with their current ``due_at``, so later
live events on them log their moves too), and the flows are summed per key. Runs on PostgreSQL and
SQLite (≥ 3.25, window functions). On SQLite the local date is taken with the time zone's current UTC
offset (exact for Asia/Ho_Chi_Minh, which has no summer time).
"""

from __future__ import annotations

import re
import zoneinfo

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from dichvucong.agencies.constants import WARD_LEVEL_KINDS
from dichvucong.agencies.models import Agency
from dichvucong.core import clock
from dichvucong.dossiers.constants import EventAction
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.procedures.models import Field, ProcedureVersion
from dichvucong.reports.constants import NO_DUE, PENDING_STATUSES, RESOLVED_STATUS, SUPPLEMENT_STATUS
from dichvucong.reports.models import (
    COUNTER_FIELDS,
    MONTHLY_COUNTER_FIELDS,
    OFFICER_COUNTER_FIELDS,
    DailyRollup,
    DueDateChange,
    HalfMonthRollup,
    MonthlyRollup,
    OfficerDailyRollup,
    OfficerMonthlyRollup,
    StockMonth,
    StockOpening,
    YearlyRollup,
)
from dichvucong.reports.rollups import _ENTRY_COUNTERS, OFFICER_ROLES, local_day
from dichvucong.reports.stock import refresh_today_opening


def _local_date(column: str) -> str:
    zone = settings.TIME_ZONE
    if connection.vendor == "postgresql":
        if not re.fullmatch(r"[A-Za-z0-9_/+\-]+", zone):
            raise ValueError(f"unexpected TIME_ZONE {zone!r}")
        return f"CAST(({column} AT TIME ZONE '{zone}') AS date)"
    offset = timezone.now().astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
    seconds = int(offset.total_seconds()) if offset is not None else 0
    return f"date({column}, '{seconds:+d} seconds')"


def _no_due() -> str:
    literal = NO_DUE.isoformat()
    return f"DATE '{literal}'" if connection.vendor == "postgresql" else f"'{literal}'"


def _in(values: frozenset[int] | set[int]) -> str:
    return "(" + ", ".join(str(int(v)) for v in sorted(values)) + ")"


def _tables() -> dict[str, str]:
    return {
        "event": DossierEvent._meta.db_table,
        "dossier": Dossier._meta.db_table,
        "agency": Agency._meta.db_table,
        "version": ProcedureVersion._meta.db_table,
        "field": Field._meta.db_table,
        "due": DueDateChange._meta.db_table,
        "rollup": DailyRollup._meta.db_table,
        "officer_daily": OfficerDailyRollup._meta.db_table,
    }


def _replay_cte(*, only_officer_dossiers: bool = False) -> str:
    """``WITH ev, st, tr, fl``: every status-bearing event with the state before and after it
    (``pb``/``pa``: pending before/after, ``dbd``/``dad``: due-day buckets, ``due_before``), its dossier's
    dimensions and its actor. Shared by the dossier and the officer rollups, so both count the same
    transitions. ``only_officer_dossiers``: replay only the dossiers an officer acted on (the officer
    rollups need nothing else; bulk-loaded history without officers then costs one scan)."""
    t = _tables()
    received = f"'{EventAction.RECEIVED.value}'"
    pending = _in(PENDING_STATUSES)
    roles = ", ".join(f"'{role}'" for role in sorted(OFFICER_ROLES))
    officer_dossiers = (
        f"AND e.dossier_id IN (SELECT o.dossier_id FROM {t['event']} o "  # noqa: S608 - model names
        f"WHERE o.actor_id IS NOT NULL AND o.actor_role IN ({roles}))"
        if only_officer_dossiers
        else ""
    )
    wards = ", ".join(f"'{kind}'" for kind in sorted(WARD_LEVEL_KINDS))
    no_due = _no_due()
    order = "PARTITION BY dossier_id ORDER BY at, id"
    return f"""
WITH ev AS (
  SELECT e.id, e.dossier_id, e.at, e.action,
         COALESCE(e.from_status, 0) AS fs, COALESCE(e.to_status, 0) AS ts,
         {_local_date("e.at")} AS day,
         MAX(CASE WHEN e.action = {received} THEN 1 ELSE 0 END)
           OVER (PARTITION BY e.dossier_id ORDER BY e.at, e.id ROWS UNBOUNDED PRECEDING) AS ra,
         (SELECT c.id FROM {t["due"]} c WHERE c.dossier_id = e.dossier_id AND c.event_id <= e.id
           ORDER BY c.event_id DESC LIMIT 1) AS log_id,
         e.actor_id, e.actor_role, e.agency_id AS event_agency_id
  FROM {t["event"]} e
  WHERE (e.from_status IS NOT NULL OR e.to_status IS NOT NULL) {officer_dossiers}
), st AS (
  SELECT ev.*, d.agency_id, d.procedure_id, d.channel, COALESCE(f.code, '') AS field_code,
         CASE WHEN a.kind IN ({wards}) THEN 'ward' ELSE 'city' END AS level,
         CASE WHEN ev.ra = 1 THEN CASE WHEN ev.log_id IS NULL THEN d.due_at ELSE l.due_at END END AS due_after
  FROM ev
  JOIN {t["dossier"]} d ON d.id = ev.dossier_id
  JOIN {t["agency"]} a ON a.id = d.agency_id
  JOIN {t["version"]} v ON v.id = d.procedure_version_id
  LEFT JOIN {t["field"]} f ON f.id = v.field_id
  LEFT JOIN {t["due"]} l ON l.id = ev.log_id
), tr AS (
  SELECT st.*,
         COALESCE(LAG(ra) OVER ({order}), 0) AS rb,
         LAG(due_after) OVER ({order}) AS due_before
  FROM st
), fl AS (
  SELECT tr.*,
         CASE WHEN rb = 1 AND fs IN {pending} THEN 1 ELSE 0 END AS pb,
         CASE WHEN ra = 1 AND ts IN {pending} THEN 1 ELSE 0 END AS pa,
         CASE WHEN fs = {SUPPLEMENT_STATUS} THEN {no_due}
              ELSE COALESCE({_local_date("due_before")}, {no_due}) END AS dbd,
         CASE WHEN ts = {SUPPLEMENT_STATUS} THEN {no_due}
              ELSE COALESCE({_local_date("due_after")}, {no_due}) END AS dad
  FROM tr
)"""  # noqa: S608 - table names from the models, values from constants


def _event_flow_columns() -> dict[str, str]:
    """The counters of ``transition_counters``' first row (the event's own bucket) as SQL expressions
    over ``fl``, in ``COUNTER_FIELDS`` order."""
    received = f"'{EventAction.RECEIVED.value}'"
    resolved = f"pb = 1 AND pa = 0 AND ts = {RESOLVED_STATUS}"
    moved = "pb = 1 AND pa = 1 AND dbd <> dad"
    supplement = SUPPLEMENT_STATUS
    columns = {
        "received": f"CASE WHEN pb = 0 AND pa = 1 AND action = {received} THEN 1 ELSE 0 END",
        "resolved_early": f"CASE WHEN {resolved} AND due_before IS NOT NULL AND day < dbd THEN 1 ELSE 0 END",
        "resolved_on_time": f"CASE WHEN {resolved} AND (due_before IS NULL OR "
        "(day >= dbd AND at <= due_before)) THEN 1 ELSE 0 END",
        "resolved_late": f"CASE WHEN {resolved} AND due_before IS NOT NULL AND day >= dbd AND at > due_before"
        " THEN 1 ELSE 0 END",
        "shifted_in": f"CASE WHEN pa = 1 AND ((pb = 0 AND action <> {received}) OR (pb = 1 AND dbd <> dad))"
        " THEN 1 ELSE 0 END",
        "shifted_out": f"CASE WHEN pb = 1 AND pa = 0 AND ts <> {RESOLVED_STATUS} THEN 1 ELSE 0 END",
        "supplement_in": f"CASE WHEN ts = {supplement} AND fs <> {supplement} THEN 1 ELSE 0 END",
        "supplement_out": f"CASE WHEN fs = {supplement} AND ts <> {supplement} AND NOT ({moved})"
        " THEN 1 ELSE 0 END",
    }
    for status, name in _ENTRY_COUNTERS.items():
        columns[name] = f"CASE WHEN ts = {status} AND fs <> {status} THEN 1 ELSE 0 END"
    return {name: columns[name] for name in COUNTER_FIELDS}


def _event_flows() -> str:
    """``_event_flow_columns`` as a select list."""
    return ",\n         ".join(f"{sql} AS {name}" for name, sql in _event_flow_columns().items())


def rebuild_sql() -> str:
    """All ``DailyRollup`` rows from the log (the table must be empty)."""
    t = _tables()
    no_due = _no_due()
    columns = ", ".join(COUNTER_FIELDS)
    sums = ", ".join(f"SUM({c})" for c in COUNTER_FIELDS)
    moved = "pb = 1 AND pa = 1 AND dbd <> dad"
    moved_columns = {
        "shifted_out": "1",
        "supplement_out": f"CASE WHEN fs = {SUPPLEMENT_STATUS} AND ts <> {SUPPLEMENT_STATUS} "
        "THEN 1 ELSE 0 END",
    }
    # Each event gives its own row (k.n = 1) and, when its due date moved, a second one leaving the old
    # bucket (k.n = 2): one pass over ``fl`` (a CTE read twice would be materialised whole).
    counters = ",\n         ".join(
        f"CASE WHEN k.n = 1 THEN {sql} ELSE {moved_columns.get(name, '0')} END AS {name}"
        for name, sql in _event_flow_columns().items()
    )
    any_counter = " + ".join(f"SUM({c})" for c in COUNTER_FIELDS)
    return f"""{_replay_cte()}, two AS (
  SELECT 1 AS n UNION ALL SELECT 2
), flows AS (
  SELECT day, agency_id, procedure_id, field_code, level, channel,
         CASE WHEN k.n = 2 THEN dbd WHEN pa = 1 THEN dad WHEN pb = 1 THEN dbd ELSE {no_due} END AS due_day,
         {counters}
  FROM fl JOIN two k ON k.n = 1 OR ({moved})
)
INSERT INTO {t["rollup"]} (day, agency_id, procedure_id, field_code, level, channel, due_day, {columns})
SELECT day, agency_id, procedure_id, field_code, level, channel, due_day, {sums}
FROM flows
GROUP BY day, agency_id, procedure_id, field_code, level, channel, due_day
HAVING {any_counter} > 0
ORDER BY day
"""  # noqa: S608 - table names from the models, values from constants


def officer_sql() -> str:
    """All ``OfficerDailyRollup`` rows from the log (the table must be empty): the events performed in
    an officer role, with the same per-event counters as the dossier rows plus one step each."""
    t = _tables()
    counted = [c for c in OFFICER_COUNTER_FIELDS if c != "steps"]
    columns = ", ".join(OFFICER_COUNTER_FIELDS)
    sums = ", ".join([*(f"SUM({c})" for c in counted), "COUNT(*)"])
    roles = ", ".join(f"'{role}'" for role in sorted(OFFICER_ROLES))
    keys = "day, officer_agency_id, actor_id, actor_role, field_code"
    return f"""{_replay_cte(only_officer_dossiers=True)}, flows AS (
  SELECT day, COALESCE(event_agency_id, agency_id) AS officer_agency_id, actor_id, actor_role, field_code,
         {_event_flows()}
  FROM fl
  WHERE actor_id IS NOT NULL AND actor_role IN ({roles})
)
INSERT INTO {t["officer_daily"]} (day, agency_id, officer_id, role, field_code, {columns})
SELECT {keys}, {sums}
FROM flows
GROUP BY {keys}
ORDER BY day
"""  # noqa: S608 - table names from the models, values from constants


def month_of(column: str) -> str:
    """SQL for the first day of the month of a date column."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def half_of(column: str) -> str:
    """SQL for the anchor (the 1st or the 15th) on or before a date column."""
    if connection.vendor == "postgresql":
        return (
            f"(CAST(date_trunc('month', {column}) AS date) + "
            f"CASE WHEN EXTRACT(DAY FROM {column}) >= 15 THEN 14 ELSE 0 END)"
        )
    return (
        f"(CASE WHEN CAST(strftime('%d', {column}) AS integer) >= 15 "
        f"THEN date({column}, 'start of month', '+14 days') ELSE date({column}, 'start of month') END)"
    )


def _period_flows_sql(target: type[models.Model], bucket: str, source: type[models.Model], start: str) -> str:
    """Sum ``source``'s period flows per bucket (``start``: SQL for the bucket's first day) into the
    ``bucket`` column of ``target``, which must be empty; rows whose counters are all zero are left out."""
    keys = "agency_id, procedure_id, field_code, level, channel"
    columns = ", ".join(MONTHLY_COUNTER_FIELDS)
    sums = ", ".join(f"SUM({c})" for c in MONTHLY_COUNTER_FIELDS)
    any_counter = " + ".join(f"SUM({c})" for c in MONTHLY_COUNTER_FIELDS)
    return f"""
INSERT INTO {target._meta.db_table} ({bucket}, {keys}, {columns})
SELECT {start}, {keys}, {sums}
FROM {source._meta.db_table}
GROUP BY {start}, {keys}
HAVING {any_counter} > 0
ORDER BY 1
"""  # noqa: S608 - table names from the models


def half_month_sql() -> str:
    """Sum the daily rows' period flows per half month into ``HalfMonthRollup`` (which must be empty)."""
    return _period_flows_sql(HalfMonthRollup, "start", DailyRollup, half_of("day"))


def monthly_sql() -> str:
    """Sum the half-month rows per month into ``MonthlyRollup`` (which must be empty)."""
    return _period_flows_sql(MonthlyRollup, "month", HalfMonthRollup, month_of("start"))


def yearly_sql() -> str:
    """Sum the monthly rows per year into ``YearlyRollup`` (which must be empty)."""
    return _period_flows_sql(YearlyRollup, "year", MonthlyRollup, year_of("month"))


def year_of(column: str) -> str:
    """SQL for 1 January of the year of a date column."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('year', {column}) AS date)"
    return f"date({column}, 'start of year')"


def officer_monthly_sql() -> str:
    """Sum the officer daily rows per month into ``OfficerMonthlyRollup`` (which must be empty)."""
    columns = ", ".join(OFFICER_COUNTER_FIELDS)
    sums = ", ".join(f"SUM({c})" for c in OFFICER_COUNTER_FIELDS)
    month = month_of("day")
    keys = "agency_id, officer_id, role, field_code"
    return f"""
INSERT INTO {OfficerMonthlyRollup._meta.db_table} (month, {keys}, {columns})
SELECT {month}, {keys}, {sums}
FROM {OfficerDailyRollup._meta.db_table}
GROUP BY {month}, {keys}
ORDER BY 1
"""  # noqa: S608 - table names from the models


def baseline_due_dates_sql() -> str:
    """A ``DueDateChange`` at the reception of every received dossier that has none (bulk-loaded ones),
    with its current due date: later events then see the due date they start from and log any move."""
    event, dossier, due = DossierEvent._meta.db_table, Dossier._meta.db_table, DueDateChange._meta.db_table
    return f"""
INSERT INTO {due} (dossier_id, event_id, due_at)
SELECT e.dossier_id, MIN(e.id), MAX(d.due_at)
FROM {event} e JOIN {dossier} d ON d.id = e.dossier_id
WHERE e.action = '{EventAction.RECEIVED.value}'
  AND NOT EXISTS (SELECT 1 FROM {due} c WHERE c.dossier_id = e.dossier_id)
GROUP BY e.dossier_id
"""  # noqa: S608 - table names from the models


def rebuild_rollups() -> int:
    """Delete and recompute all rollups (daily, half-month, monthly, yearly, the officers' daily and
    monthly, and the openings of every 1st and 15th up to today, and today's) in one transaction; the
    number of daily rollup rows written."""
    with transaction.atomic():
        StockOpening.objects.all().delete()
        StockMonth.objects.all().delete()
        OfficerMonthlyRollup.objects.all().delete()
        OfficerDailyRollup.objects.all().delete()
        YearlyRollup.objects.all().delete()
        MonthlyRollup.objects.all().delete()
        HalfMonthRollup.objects.all().delete()
        DailyRollup.objects.all().delete()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Sorts and hash aggregates over the whole log: in memory rather than temp files.
                cursor.execute("SET LOCAL work_mem = '1GB'")
            cursor.execute(baseline_due_dates_sql())
            cursor.execute(rebuild_sql())
            cursor.execute(half_month_sql())
            cursor.execute(monthly_sql())
            cursor.execute(yearly_sql())
            cursor.execute(officer_sql())
            cursor.execute(officer_monthly_sql())
        refresh_today_opening(today=local_day(clock.now()))
        return DailyRollup.objects.count()
