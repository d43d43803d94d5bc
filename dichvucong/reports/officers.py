"""Reads of the officer measures: what each officer (or each title, chức danh) did in a period.

The report builder's officer and title dimensions (issue 9). Flows only — received, resolved early /
on time / late, refused, supplement requested, returned, stopped, and the steps of work done — summed
over ``OfficerMonthlyRollup`` for the period's whole months and ``OfficerDailyRollup`` for its partial
months (``_month_split``), within the viewer's scope (``selectors._scoped``: the
agency subtree, the field, the officer's data scope, applied to the agency the officer acted for).
Stocks (pending, overdue) are a dossier's, not an officer's, so there are none here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dichvucong.accounts.constants import Role
from dichvucong.agencies.models import Agency
from dichvucong.reports.constants import OFFICER_COLUMNS, OfficerGroupBy
from dichvucong.reports.errors import ReportError, ReportErrorCode
from dichvucong.reports.models import OFFICER_COUNTER_FIELDS, OfficerDailyRollup, OfficerMonthlyRollup
from dichvucong.reports.plan import DayRange
from dichvucong.reports.selectors import ReportScope, _in_days, _scoped, check_period
from dichvucong.reports.stock import next_month

# Roles whose holders may read officer measures (the back office report roles).
OFFICER_REPORT_ROLES: tuple[str, ...] = (Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.CITY_ADMIN, Role.AUDITOR)
_GROUP_COLUMNS: dict[str, tuple[str, ...]] = {
    OfficerGroupBy.OFFICER: ("officer_id", "agency_id"),
    OfficerGroupBy.TITLE: ("role",),
}


@dataclass(frozen=True)
class OfficerRow:
    key: Any  # (officer id, agency id) or the role; ``None`` for the total
    code: str  # the officer's id or the role value ("" for the total)
    label: str  # the officer's full name, or the role's label
    agency: str  # the agency the officer acted for ("" for titles and the total)
    figures: dict[str, int]

    @property
    def on_time_rate(self) -> float | None:
        """Share of the dossiers this row resolved early or on time, in percent (``None``: none)."""
        total = self.figures["resolved_total"]
        if not total:
            return None
        return round(100 * (self.figures["resolved_early"] + self.figures["resolved_on_time"]) / total, 1)


@dataclass(frozen=True)
class OfficerReport:
    period_from: date
    period_to: date
    scope: ReportScope
    group_by: str
    rows: list[OfficerRow] = field(default_factory=list)
    total: OfficerRow | None = None


def _sums() -> dict[str, Any]:
    return {f"sum_{name}": Coalesce(Sum(name), 0) for name in OFFICER_COUNTER_FIELDS}


def _add(into: dict[str, int], raw: dict[str, Any]) -> None:
    for name in OFFICER_COUNTER_FIELDS:
        into[name] = into.get(name, 0) + int(raw.get(f"sum_{name}") or 0)


def _figures(raw: dict[str, int]) -> dict[str, int]:
    figures = {name: int(raw.get(name, 0)) for name, _title in OFFICER_COLUMNS if name != "resolved_total"}
    figures["resolved_total"] = (
        figures["resolved_early"] + figures["resolved_on_time"] + figures["resolved_late"]
    )
    return figures


def _labels(group_by: str, keys: list[Any]) -> dict[Any, tuple[str, str, str]]:
    """(code, label, agency name) of each group key."""
    if group_by == OfficerGroupBy.TITLE:
        return {key: (key, str(Role(key).label) if key in Role.values else key, "") for key in keys}
    users = get_user_model().objects.filter(pk__in={officer for officer, _agency in keys})
    names = {
        pk: full_name or username
        for pk, full_name, username in users.values_list("pk", "full_name", "username")
    }
    agencies = dict(
        Agency.objects.filter(pk__in={agency for _officer, agency in keys}).values_list("pk", "name")
    )
    return {
        (officer, agency): (str(officer), names.get(officer, str(officer)), agencies.get(agency, ""))
        for officer, agency in keys
    }


def _month_split(period_from: date, period_to: date) -> tuple[list[DayRange], tuple[date, date] | None]:
    """The period's partial months as day ranges, and its whole months as one range (``None``: none)."""
    after = period_to + timedelta(days=1)
    first_whole = period_from if period_from.day == 1 else next_month(period_from)
    end_whole = after.replace(day=1)
    if first_whole >= end_whole:
        return [(period_from, after)], None
    days = [r for r in ((period_from, first_whole), (end_whole, after)) if r[0] < r[1]]
    return list(days), (first_whole, end_whole)


def _sources(period_from: date, period_to: date, scope: ReportScope) -> list[QuerySet[Any]]:
    """The rollup rows of the period: monthly for whole months, daily for the rest."""
    flow_days, whole_months = _month_split(period_from, period_to)
    sources: list[QuerySet[Any]] = []
    if flow_days:
        sources.append(_scoped(OfficerDailyRollup.objects.filter(_in_days(*flow_days)), scope))
    if whole_months is not None:
        first, until = whole_months
        monthly = OfficerMonthlyRollup.objects.filter(Q(month__gte=first, month__lt=until))
        sources.append(_scoped(monthly, scope))
    return sources


def get_officer_report(
    *,
    period_from: date,
    period_to: date,
    scope: ReportScope | None = None,
    group_by: str = OfficerGroupBy.OFFICER,
) -> OfficerReport:
    """The officer measures for [``period_from``, ``period_to``] (days, inclusive) within ``scope``, one
    row per officer and agency (``group_by="officer"``) or per title (``"title"``), with the total.

    Two aggregate queries over a bounded number of rows, like Biểu 06: the monthly rows of the period's
    whole months and the daily rows of its partial months."""
    scope = scope or ReportScope()
    check_period(period_from, period_to)
    if group_by not in _GROUP_COLUMNS:
        raise ReportError(_("Cách nhóm số liệu không hợp lệ."), code=ReportErrorCode.INVALID_GROUP)
    columns = _GROUP_COLUMNS[group_by]
    grouped: dict[Any, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for queryset in _sources(period_from, period_to, scope):
        for row in queryset.values(*columns).annotate(**_sums()).order_by(*columns):
            key = tuple(row[c] for c in columns) if len(columns) > 1 else row[columns[0]]
            _add(grouped.setdefault(key, {}), row)
            _add(totals, row)  # every row belongs to exactly one group
    labels = _labels(group_by, list(grouped))
    rows = []
    for key, raw in grouped.items():
        figures = _figures(raw)
        if any(figures.values()):
            code, label, agency = labels.get(key, (str(key), str(key), ""))
            rows.append(OfficerRow(key=key, code=code, label=label, agency=agency, figures=figures))
    rows.sort(key=lambda r: (r.label, r.agency))
    total = OfficerRow(key=None, code="", label=_("Tổng cộng"), agency="", figures=_figures(totals))
    return OfficerReport(
        period_from=period_from,
        period_to=period_to,
        scope=scope,
        group_by=group_by,
        rows=rows,
        total=total,
    )
