"""Reads of the statistics: Biểu số 06/VPCP/KSTT for a period, scope and grouping.

Every figure is a sum over rollup rows (definitions in ``rollups.py``): yearly, monthly and
half-month flows for a period's whole buckets, daily rows for the few days at its edges, openings for
the stocks (which rows: ``plan.py``); the scope is applied as SQL filters (agency subtree by
materialised path, field, and the officer's data scope).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dichvucong.agencies.models import Agency
from dichvucong.agencies.scopes import DataScope, restrict
from dichvucong.core import clock
from dichvucong.dossiers.constants import SubmissionChannel
from dichvucong.procedures.models import Field, Procedure
from dichvucong.reports.constants import MAX_PERIOD_YEARS, GroupBy, ReportLevel
from dichvucong.reports.errors import ReportError, ReportErrorCode
from dichvucong.reports.models import (
    DailyRollup,
    HalfMonthRollup,
    MonthlyRollup,
    StockMonth,
    StockOpening,
    YearlyRollup,
)
from dichvucong.reports.periods import check_day
from dichvucong.reports.plan import Plan, plan_period
from dichvucong.reports.rollups import local_day
from dichvucong.reports.stock import next_month

# The columns of Biểu 06 (plus the other counts the public asks for), in the order of the form.
FORM06_COLUMNS: tuple[str, ...] = (
    "received_total",
    "received_online",
    "received_direct",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending_total",
    "pending_in_time",
    "pending_overdue",
    "withdrawn",
    "refused",
    "supplement_waiting",
    "returned",
)
_GROUP_COLUMN = {
    GroupBy.FIELD: "field_code",
    GroupBy.AGENCY: "agency_id",
    GroupBy.PROCEDURE: "procedure_id",
    GroupBy.LEVEL: "level",
    GroupBy.CHANNEL: "channel",
}


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: an agency's subtree (``None``: the whole city), optionally one field, and
    — for an officer — their data scope (``None``: published aggregate figures, no restriction)."""

    agency: Agency | None = None
    field: Field | None = None
    data_scope: DataScope | None = None
    roles: tuple[str, ...] | None = None  # only the data scope's grants of these roles count


@dataclass(frozen=True)
class Form06Row:
    key: Any  # the grouped column's value (``None`` for the total)
    code: str  # its public code: field, agency or procedure code, level, channel number
    label: str
    figures: dict[str, int]

    @property
    def on_time_rate(self) -> float | None:
        """Share of resolved dossiers resolved early or on time, in percent (``None``: none resolved)."""
        total = self.figures["resolved_total"]
        if not total:
            return None
        return round(100 * (self.figures["resolved_early"] + self.figures["resolved_on_time"]) / total, 1)


@dataclass(frozen=True)
class Form06:
    period_from: date
    period_to: date
    scope: ReportScope
    group_by: str | None
    rows: list[Form06Row] = field(default_factory=list)
    total: Form06Row | None = None


def check_period(period_from: date, period_to: date) -> None:
    for day in (period_from, period_to):
        check_day(day)
    if period_from > period_to:
        raise ReportError(
            _("Ngày bắt đầu kỳ báo cáo phải trước hoặc bằng ngày kết thúc."),
            code=ReportErrorCode.REVERSED_PERIOD,
        )
    if (period_to - period_from).days > MAX_PERIOD_YEARS * 366:
        raise ReportError(
            _("Kỳ báo cáo dài tối đa %(years)s năm.") % {"years": MAX_PERIOD_YEARS},
            code=ReportErrorCode.PERIOD_TOO_LONG,
        )


def find_agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=(code or "").strip()).first()
    if agency is None:
        raise ReportError(
            _("Không tìm thấy cơ quan có mã “%(code)s”.") % {"code": code[:40]},
            code=ReportErrorCode.UNKNOWN_AGENCY,
        )
    return agency


def find_field(code: str) -> Field:
    found = Field.objects.filter(code=(code or "").strip()).first()
    if found is None:
        raise ReportError(
            _("Không tìm thấy lĩnh vực có mã “%(code)s”.") % {"code": code[:100]},
            code=ReportErrorCode.UNKNOWN_FIELD,
        )
    return found


def _scoped(qs: QuerySet[Any], scope: ReportScope) -> QuerySet[Any]:
    if scope.agency is not None:
        qs = qs.filter(agency__path__startswith=scope.agency.path)
    if scope.field is not None:
        qs = qs.filter(field_code=scope.field.code)
    if scope.data_scope is not None:
        qs = restrict(qs, scope.data_scope, agency_path="agency", field_path="field_code", roles=scope.roles)
    return qs


def _plan(period_from: date, period_to: date) -> Plan:
    """The rows ``get_form06`` reads for the period (``plan.plan_period``), given the openings computed
    so far and today's date."""
    after = period_to + timedelta(days=1)
    computed = StockMonth.objects.filter(month__lte=next_month(after)).values_list("month", flat=True)
    return plan_period(period_from, period_to, computed=list(computed), today=local_day(clock.now()))


def _in_days(*ranges: tuple[date | None, date] | None) -> Q:
    """Rows whose day falls in any of the half-open ranges (an empty ``Q`` matches nothing here)."""
    condition = Q(pk__in=[])
    for found in ranges:
        if found is not None:
            first, until = found
            condition |= Q(day__lt=until) if first is None else Q(day__gte=first, day__lt=until)
    return condition


_PENDING_IN = ("received", "shifted_in")
_PENDING_OUT = ("shifted_out", "resolved_early", "resolved_on_time", "resolved_late")


def _net(sign: int = 1) -> Any:
    """The net change of the pending stock on a row (negated when ``sign`` is -1)."""
    plus, minus = (_PENDING_IN, _PENDING_OUT) if sign > 0 else (_PENDING_OUT, _PENDING_IN)
    expression: Any = F(plus[0])
    for name in plus[1:]:
        expression = expression + F(name)
    for name in minus:
        expression = expression - F(name)
    return expression


def _period_flows(inside: Q) -> dict[str, Any]:
    """The flows counted inside the period, on rows (daily or monthly) matching ``inside``."""
    online = Q(channel=SubmissionChannel.ONLINE)
    return {
        "received_online": _sum("received", inside & online),
        "received_direct": _sum("received", inside & ~online),
        "resolved_early": _sum("resolved_early", inside),
        "resolved_on_time": _sum("resolved_on_time", inside),
        "resolved_late": _sum("resolved_late", inside),
        "withdrawn": _sum("withdrawn", inside),
        "refused": _sum("refused", inside),
        "returned": _sum("returned", inside),
    }


def _daily_aggregates(plan: Plan, period_to: date) -> dict[str, Any]:
    """Sums over the daily rows: flows added (``sum_``) or subtracted (``neg_``), and the corrections
    of the two stocks (each signed by where its opening lies)."""
    aggregates = {}
    if plan.flows_added:
        for name, expression in _period_flows(_in_days(*plan.flows_added)).items():
            aggregates[f"sum_{name}"] = expression
    if plan.flows_removed:
        for name, expression in _period_flows(_in_days(*plan.flows_removed)).items():
            aggregates[f"neg_{name}"] = expression
    if plan.start_days is not None:
        aggregates["sum_carried_over"] = _sum(_net(plan.start_sign), _in_days(plan.start_days))
    if plan.end_days is not None:
        at_end, sign = _in_days(plan.end_days), plan.end_sign
        waiting = F("supplement_in") - F("supplement_out")
        if sign < 0:
            waiting = F("supplement_out") - F("supplement_in")
        aggregates["sum_pending_total"] = _sum(_net(sign), at_end)
        aggregates["sum_pending_overdue"] = _sum(_net(sign), at_end & Q(due_day__lte=period_to))
        aggregates["sum_supplement_waiting"] = _sum(waiting, at_end)
    return aggregates


def _flow_sums(inside: Q, *, prefix: str = "sum_") -> dict[str, Any]:
    """The period flows of rows matching ``inside``, added (``sum_``) or subtracted (``neg_``)."""
    return {f"{prefix}{name}": expression for name, expression in _period_flows(inside).items()}


def _opening_aggregates(plan: Plan, period_to: date) -> dict[str, Any]:
    """The start opening gives the carried-over stock; the end opening, the final stocks."""
    aggregates: dict[str, Any] = {}
    if plan.start_opening is not None:
        aggregates["carried_over"] = _sum("pending", Q(month=plan.start_opening))
    if plan.end_opening is not None:
        at_end = Q(month=plan.end_opening)
        aggregates["pending_total"] = _sum("pending", at_end)
        aggregates["pending_overdue"] = _sum("pending", at_end & Q(due_day__lte=period_to))
        aggregates["supplement_waiting"] = _sum("supplement", at_end)
    return {f"sum_{name}": expression for name, expression in aggregates.items()}


def _sum(expression: Any, condition: Q | None = None) -> Any:
    return Coalesce(Sum(expression, filter=condition), 0)


def _add(into: dict[str, Any], raw: dict[str, Any]) -> None:
    """Add a row's sums into ``into`` (``neg_`` sums are subtracted from the same figure)."""
    for name, value in raw.items():
        if name.startswith("sum_"):
            into[name] = into.get(name, 0) + int(value or 0)
        elif name.startswith("neg_"):
            key = f"sum_{name[4:]}"
            into[key] = into.get(key, 0) - int(value or 0)


def _figures(raw: dict[str, Any]) -> dict[str, int]:
    figures = {name: int(raw.get(f"sum_{name}") or 0) for name in FORM06_COLUMNS}
    figures["received_total"] = figures["received_online"] + figures["received_direct"]
    figures["resolved_total"] = (
        figures["resolved_early"] + figures["resolved_on_time"] + figures["resolved_late"]
    )
    figures["pending_in_time"] = figures["pending_total"] - figures["pending_overdue"]
    return figures


def _labels(group_by: str, keys: list[Any]) -> dict[Any, tuple[str, str]]:
    """(public code, label) of each group key: codes for fields, agencies and procedures."""
    if group_by == GroupBy.FIELD:
        names = dict(Field.objects.filter(code__in=keys).values_list("code", "name"))
        return {key: (key, names.get(key) or _("(Chưa phân lĩnh vực)")) for key in keys}
    if group_by == GroupBy.AGENCY:
        rows = Agency.objects.filter(pk__in=keys).values_list("pk", "code", "name")
        return {pk: (code, name) for pk, code, name in rows}
    if group_by == GroupBy.PROCEDURE:
        rows = Procedure.objects.filter(pk__in=keys).values_list("pk", "code", "current_version__name")
        return {pk: (code, name or code) for pk, code, name in rows}
    if group_by == GroupBy.LEVEL:
        return {key: (key, str(ReportLevel(key).label)) for key in keys if key in ReportLevel.values}
    return {
        key: (str(key), str(SubmissionChannel(key).label)) for key in keys if key in SubmissionChannel.values
    }


def get_form06(
    *, period_from: date, period_to: date, scope: ReportScope | None = None, group_by: str | None = None
) -> Form06:
    """Biểu 06 for [``period_from``, ``period_to``] (days, inclusive) within ``scope``, one row per
    value of ``group_by`` (field, agency, procedure, level, channel; ``None``: the total only).

    At most seven aggregate queries (usually two to four), each over a bounded number of rows whatever
    the history's length (``plan.plan_period``): the yearly, monthly and half-month flows of the
    period's whole buckets (and of a half or month subtracted from them), the daily rows of the few
    days between its edges and the nearest anchors (and between each stock and its opening), and the
    openings at both ends."""
    scope = scope or ReportScope()
    check_period(period_from, period_to)
    if group_by is not None and group_by not in _GROUP_COLUMN:
        raise ReportError(_("Cách nhóm số liệu không hợp lệ."), code=ReportErrorCode.INVALID_GROUP)
    plan = _plan(period_from, period_to)
    sources: list[tuple[QuerySet[Any], dict[str, Any]]] = []
    if plan.day_ranges:
        daily = DailyRollup.objects.filter(_in_days(*plan.day_ranges))
        sources.append((_scoped(daily, scope), _daily_aggregates(plan, period_to)))
    if plan.halves:
        halves = HalfMonthRollup.objects.filter(start__in=plan.halves)
        sources.append((_scoped(halves, scope), _flow_sums(Q())))
    if plan.months:
        monthly = MonthlyRollup.objects.filter(month__in=plan.months)
        sources.append((_scoped(monthly, scope), _flow_sums(Q())))
    if plan.years:
        yearly = YearlyRollup.objects.filter(year__in=plan.years)
        sources.append((_scoped(yearly, scope), _flow_sums(Q())))
    removed_months, removed_halves = plan.removed
    if removed_months:
        monthly = MonthlyRollup.objects.filter(month__in=removed_months)
        sources.append((_scoped(monthly, scope), _flow_sums(Q(), prefix="neg_")))
    if removed_halves:
        halves = HalfMonthRollup.objects.filter(start__in=removed_halves)
        sources.append((_scoped(halves, scope), _flow_sums(Q(), prefix="neg_")))
    if plan.openings:
        openings = StockOpening.objects.filter(month__in=plan.openings)
        sources.append((_scoped(openings, scope), _opening_aggregates(plan, period_to)))
    totals: dict[str, Any] = {}
    rows: list[Form06Row] = []
    if group_by is None:
        for queryset, sums in sources:
            _add(totals, queryset.aggregate(**sums))
    else:
        column = _GROUP_COLUMN[group_by]
        grouped: dict[Any, dict[str, Any]] = {}
        for queryset, sums in sources:
            for row in queryset.values(column).annotate(**sums).order_by(column):
                _add(grouped.setdefault(row[column], {}), row)
                _add(totals, row)  # every row belongs to exactly one group
        labels = _labels(group_by, list(grouped))
        for key, raw in grouped.items():
            figures = _figures(raw)
            if any(figures.values()):
                code, label = labels.get(key, (str(key), str(key)))
                rows.append(Form06Row(key=key, code=code, label=label, figures=figures))
        rows.sort(key=lambda r: r.label)
    total = Form06Row(key=None, code="", label=_("Tổng cộng"), figures=_figures(totals))
    return Form06(
        period_from=period_from, period_to=period_to, scope=scope, group_by=group_by, rows=rows, total=total
    )


def parse_day(value: str | None, *, label: str) -> date:
    """A report date from ``YYYY-MM-DD`` text, or ``ReportError`` naming the parameter."""
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise ReportError(
            _("Ngày “%(label)s” không hợp lệ (định dạng YYYY-MM-DD).") % {"label": label},
            code=ReportErrorCode.INVALID_DATE,
        ) from None
