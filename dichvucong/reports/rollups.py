"""Keeping ``DailyRollup`` exact, one dossier event at a time (and the definitions every figure uses).

Definitions (Biểu số 06/VPCP/KSTT, SPEC-VN §6). The *day* of an event is the local
(``settings.TIME_ZONE``) date of ``DossierEvent.at``; the *due day* is the local date of ``due_at``.

* **Received** in a period: dossiers whose reception event (``received``: an online dossier accepted,
  or a counter/postal dossier recorded) falls in it, split by channel (online / direct + postal).
  A refused online dossier was never received.
* **Pending** (being handled) at the end of day T: received on or before T and, at the end of T, in
  status 2, 4, 5 or 6 (received, processing, waiting for a supplement or a payment). It is
  **overdue** when its due day is on or before T (it is still pending after its due moment), else
  **within the deadline**. A dossier without a fixed return date, and one waiting for the applicant's
  supplement (status 5: the handling clock does not run, Decree 61 Art. 19; the due date is set anew
  when the supplement arrives), is always within.
* **Carried over** into [from, to]: pending at the end of the day before ``from``.
* **Resolved** in a period: pending dossiers entering status 9 (đã xử lý xong) that day; **early** when
  resolved on a day before the due day, **late** when resolved after the due moment, else **on time**
  (no due date: on time).
* A withdrawal (7) or stop (8) after reception ends the pending state without a resolution; a
  due-date change (supplement restart or pause, reschedule) moves the dossier to another due-day
  bucket. Both are ``shifted_out``/``shifted_in`` flows, so
  ``carried over + received = resolved + withdrawn/stopped after reception + pending at the end``.
* **Withdrawn**, **refused**, **stopped**, **returned** in a period: dossiers entering status 7, 3, 8,
  10 that day (withdrawn counts withdrawals before reception too).
* **Waiting for a supplement** at the end of T: in status 5 at the end of T (before or after reception).

Each event is a transition (status before → after, received before/after, due date before/after).
``transition_counters`` turns it into counter increments on at most two rows; ``record_event`` (the
``dossiers.hooks`` listener) applies them with an upsert in the event's own transaction, so rollups
commit or roll back with the event. ``rebuild.py`` computes the same increments for the whole log in
SQL. Actions this module does not know change counters only through the statuses and due date.

An event performed in an officer role (``DossierEvent.actor_role``, an ``accounts.Role`` value) also
counts for its actor: the same increments, summed, plus one ``steps``, in ``OfficerDailyRollup`` and
``OfficerMonthlyRollup`` (officer, title, the agency acted for, field), by the same listener.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from dichvucong.accounts.constants import Role
from dichvucong.agencies.constants import WARD_LEVEL_KINDS
from dichvucong.dossiers.constants import EventAction
from dichvucong.reports.constants import (
    NO_DUE,
    PENDING_STATUSES,
    RESOLVED_STATUS,
    SUPPLEMENT_STATUS,
    ReportLevel,
)
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
    DueDateChange,
    HalfMonthRollup,
    MonthlyRollup,
    OfficerDailyRollup,
    OfficerMonthlyRollup,
    YearlyRollup,
)
from dichvucong.reports.stock import add_to_openings, anchor_start

if TYPE_CHECKING:
    from dichvucong.dossiers.models import DossierEvent

# How each counter changes the pending stock.
PENDING_SIGNS = {
    "received": 1,
    "shifted_in": 1,
    "shifted_out": -1,
    "resolved_early": -1,
    "resolved_on_time": -1,
    "resolved_late": -1,
}
# Status entries counted as they happen: status code → counter.
_ENTRY_COUNTERS = {7: "withdrawn", 3: "refused", 8: "stopped", 10: "returned"}
# An event counts for its actor in the officer rollups when it was performed in one of these roles.
OFFICER_ROLES: frozenset[str] = frozenset(Role.values)


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment, zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


def due_day(due_at: datetime | None) -> date:
    return local_day(due_at) if due_at is not None else NO_DUE


def level_of(agency_kind: str) -> str:
    return ReportLevel.WARD if agency_kind in WARD_LEVEL_KINDS else ReportLevel.CITY


@dataclass(frozen=True)
class Transition:
    """What one event did to a dossier, as far as the statistics care."""

    at: datetime
    action: str
    from_status: int | None
    to_status: int | None
    received_before: bool
    received_after: bool
    due_before: datetime | None
    due_after: datetime | None


def transition_counters(t: Transition) -> list[tuple[date, dict[str, int]]]:
    """The (due day, counter increments) an event adds on its day; empty when nothing counts."""
    day = local_day(t.at)
    before = t.from_status or 0
    after = t.to_status or 0
    pending_before = t.received_before and before in PENDING_STATUSES
    pending_after = t.received_after and after in PENDING_STATUSES
    # While waiting for a supplement the clock does not run: counted as "no due date".
    due_before = NO_DUE if before == SUPPLEMENT_STATUS else due_day(t.due_before)
    due_after = NO_DUE if after == SUPPLEMENT_STATUS else due_day(t.due_after)
    moved = pending_before and pending_after and due_before != due_after
    counters: dict[str, int] = {}
    if pending_after and not pending_before:
        counters["received" if t.action == EventAction.RECEIVED else "shifted_in"] = 1
    elif moved:
        counters["shifted_in"] = 1
    if pending_before and not pending_after:
        if after == RESOLVED_STATUS:
            if t.due_before is not None and day < due_before:
                counters["resolved_early"] = 1
            elif t.due_before is not None and t.at > t.due_before:
                counters["resolved_late"] = 1
            else:
                counters["resolved_on_time"] = 1
        else:
            counters["shifted_out"] = 1
    moved_out = {"shifted_out": 1}
    # A supplement wait starts and ends on the same (no due) row, so its net per row is zero again.
    if after == SUPPLEMENT_STATUS and before != SUPPLEMENT_STATUS:
        counters["supplement_in"] = 1
    elif before == SUPPLEMENT_STATUS and after != SUPPLEMENT_STATUS:
        (moved_out if moved else counters)["supplement_out"] = 1
    entry = _ENTRY_COUNTERS.get(after)
    if entry is not None and before != after:
        counters[entry] = 1
    result: list[tuple[date, dict[str, int]]] = []
    if counters:
        key = due_after if pending_after else due_before if pending_before else NO_DUE
        result.append((key, counters))
    if moved:
        result.append((due_before, moved_out))
    return result


def record_event(event: DossierEvent) -> None:
    """``dossiers.hooks`` listener: add the event's increments to the rollups (same transaction)."""
    if event.from_status is None and event.to_status is None:  # drafts count nowhere
        return
    dossier = event.dossier
    received_after = dossier.received_at is not None
    last = (
        DueDateChange.objects.filter(dossier_id=dossier.pk)
        .exclude(event_id=event.pk)
        .order_by("-event_id")
        .values("due_at")
        .first()
    )
    due_before = last["due_at"] if last is not None else dossier.due_at
    due_after = dossier.due_at if received_after else None
    if received_after and (event.action == EventAction.RECEIVED or due_after != due_before):
        DueDateChange.objects.create(dossier_id=dossier.pk, event=event, due_at=due_after)
    increments = transition_counters(
        Transition(
            at=event.at,
            action=event.action,
            from_status=event.from_status,
            to_status=event.to_status,
            received_before=received_after and event.action != EventAction.RECEIVED,
            received_after=received_after,
            due_before=due_before,
            due_after=due_after,
        )
    )
    dims: dict[str, Any] | None = None
    if event.actor_id is not None and event.actor_role in OFFICER_ROLES:
        dims = _dimensions(dossier.pk)
        _record_officer_event(event, increments, field_code=dims["field_code"])
    if not increments:
        return
    dims = dims or _dimensions(dossier.pk)
    day = local_day(event.at)
    monthly: dict[str, int] = {}
    for key_due_day, counters in increments:
        add_to_rollup(day=day, due_day=key_due_day, counters=counters, **dims)
        for name in MONTHLY_COUNTER_FIELDS:
            monthly[name] = monthly.get(name, 0) + counters.get(name, 0)
        add_to_openings(
            day=day,
            key={**dims, "due_day": key_due_day},
            pending=sum(sign * counters.get(name, 0) for name, sign in PENDING_SIGNS.items()),
            supplement=counters.get("supplement_in", 0) - counters.get("supplement_out", 0),
        )
    if any(monthly.values()):
        add_to_period_rollups(day=day, counters=monthly, **dims)


def officer_counters(increments: list[tuple[date, dict[str, int]]]) -> dict[str, int]:
    """What an officer's event did (``OFFICER_COUNTER_FIELDS``), from its ``transition_counters``: the
    same definitions as the dossier figures, plus one step of work whatever the event changed."""
    counters = dict.fromkeys(OFFICER_COUNTER_FIELDS, 0)
    for _due_day, found in increments:
        for name, value in found.items():
            if name in counters:
                counters[name] += value
    counters["steps"] = 1
    return counters


def _record_officer_event(
    event: DossierEvent, increments: list[tuple[date, dict[str, int]]], *, field_code: str
) -> None:
    """Add an officer's event to the officer rollups, daily and monthly (two upserts, same transaction),
    keyed by the agency the officer acted for (the event's), the officer, the title they acted in."""
    day = local_day(event.at)
    counters = officer_counters(increments)
    agency_id = event.agency_id or event.dossier.agency_id
    key = [agency_id, event.actor_id, event.actor_role, field_code]
    adapt = connection.ops.adapt_datefield_value
    values = [counters[name] for name in OFFICER_COUNTER_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(
            _upsert_sql(OfficerDailyRollup, OFFICER_KEY_FIELDS, OFFICER_COUNTER_FIELDS),
            [adapt(day), *key, *values],
        )
        cursor.execute(
            _upsert_sql(OfficerMonthlyRollup, OFFICER_MONTHLY_KEY_FIELDS, OFFICER_COUNTER_FIELDS),
            [adapt(day.replace(day=1)), *key, *values],
        )


def _dimensions(dossier_id: int) -> dict[str, Any]:
    from dichvucong.dossiers.models import Dossier

    row = Dossier.objects.filter(pk=dossier_id).values(
        "agency_id", "procedure_id", "channel", "agency__kind", "procedure_version__field__code"
    )[0]
    return {
        "agency_id": row["agency_id"],
        "procedure_id": row["procedure_id"],
        "field_code": row["procedure_version__field__code"] or "",
        "level": level_of(row["agency__kind"]),
        "channel": row["channel"],
    }


def _upsert_sql(
    model: type[models.Model] = DailyRollup,
    keys: tuple[str, ...] = KEY_FIELDS,
    counters: tuple[str, ...] = COUNTER_FIELDS,
) -> str:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    key_columns = [model._meta.get_field(name.removesuffix("_id")).column for name in keys]
    columns = key_columns + list(counters)
    updates = ", ".join(f"{quote(c)} = {table}.{quote(c)} + EXCLUDED.{quote(c)}" for c in counters)
    return (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 - model names
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(quote(c) for c in key_columns)}) DO UPDATE SET {updates}"
    )


def add_to_rollup(
    *,
    day: date,
    agency_id: int,
    procedure_id: int,
    field_code: str,
    level: str,
    channel: int,
    due_day: date,
    counters: dict[str, int],
) -> None:
    """Add ``counters`` to the row of this key, creating it; one statement, safe under concurrency
    (``INSERT … ON CONFLICT DO UPDATE`` on PostgreSQL and SQLite)."""
    adapt = connection.ops.adapt_datefield_value
    params = [adapt(day), agency_id, procedure_id, field_code, level, channel, adapt(due_day)]
    params += [counters.get(name, 0) for name in COUNTER_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), params)


def add_to_period_rollups(
    *,
    day: date,
    agency_id: int,
    procedure_id: int,
    field_code: str,
    level: str,
    channel: int,
    counters: dict[str, int],
) -> None:
    """Add the period flows among ``counters`` to the rows of this key for the day's half month, month
    and year (the same upsert each)."""
    params: list[object] = [agency_id, procedure_id, field_code, level, channel]
    params += [counters.get(name, 0) for name in MONTHLY_COUNTER_FIELDS]
    adapt = connection.ops.adapt_datefield_value
    buckets = (
        (HalfMonthRollup, HALF_MONTH_KEY_FIELDS, anchor_start(day)),
        (MonthlyRollup, MONTHLY_KEY_FIELDS, day.replace(day=1)),
        (YearlyRollup, YEARLY_KEY_FIELDS, day.replace(month=1, day=1)),
    )
    with connection.cursor() as cursor:
        for model, keys, start in buckets:
            cursor.execute(_upsert_sql(model, keys, MONTHLY_COUNTER_FIELDS), [adapt(start), *params])
