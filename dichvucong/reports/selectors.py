"""Reads of the statistics: Biểu số 06/VPCP/KSTT for a period, scope and grouping.

Every figure is a sum over rollup rows (definitions in ``rollups.py``): ``MonthlyRollup`` for a
period's whole months, ``DailyRollup`` for its partial months, ``StockOpening`` for the stocks (see
``_plan``); the scope is applied as SQL filters (agency subtree by materialised path, field, and the
officer's data scope).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dichvucong.agencies.models import Agency
from dichvucong.agencies.scopes import DataScope, restrict
from dichvucong.dossiers.constants import SubmissionChannel
from dichvucong.procedures.models import Field, Procedure
from dichvucong.reports.constants import MAX_PERIOD_YEARS, GroupBy, ReportLevel
from dichvucong.reports.errors import ReportError, ReportErrorCode
from dichvucong.reports.models import DailyRollup, MonthlyRollup, StockMonth, StockOpening, YearlyRollup
from dichvucong.reports.stock import month_start, next_month

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


@dataclass(frozen=True)
class _Plan:
    """Which rows a period reads (ADR 0004). Days are half-open ranges ``[a, b)``; ``a`` is ``None``
    for "from the first day". Flows inside the period come from ``YearlyRollup`` for its whole years,
    ``MonthlyRollup`` for its other whole months and ``DailyRollup`` for the partial months at its
    ends; each stock (before the first day, at the end of the last) from the nearest computed month's
    openings, corrected by the daily flows between that month's first day and the moment wanted
    (added, or subtracted when the opening lies after it)."""

    whole_months: tuple[date, date] | None  # every whole month of the period (None: none)
    whole_years: tuple[date, date] | None  # the whole years among them, read from ``YearlyRollup``
    month_ranges: tuple[tuple[date, date], ...]  # the other whole months, read from ``MonthlyRollup``
    flow_days: tuple[tuple[date | None, date], ...]
    start_month: date | None
    start_days: tuple[date | None, date] | None
    start_sign: int
    end_month: date | None
    end_days: tuple[date | None, date] | None

    @property
    def day_ranges(self) -> list[tuple[date | None, date]]:
        ranges = [*self.flow_days, self.start_days, self.end_days]
        return [r for r in ranges if r is not None]

    @property
    def opening_months(self) -> list[date]:
        return sorted({m for m in (self.start_month, self.end_month) if m is not None})


def _plan(period_from: date, period_to: date) -> _Plan:
    after = period_to + timedelta(days=1)
    computed = set(StockMonth.objects.filter(month__lte=next_month(after)).values_list("month", flat=True))

    def latest(day: date) -> date | None:
        return max((m for m in computed if m <= day), default=None)

    def days(first: date | None, until: date) -> tuple[date | None, date] | None:
        return None if first is not None and first >= until else (first, until)

    first_whole = period_from if period_from.day == 1 else next_month(period_from)
    end_whole = month_start(after)
    years: tuple[date, date] | None = None
    months: tuple[tuple[date, date], ...] = ()
    if first_whole < end_whole:
        flow_days = tuple(r for r in (days(period_from, first_whole), days(end_whole, after)) if r)
        first_year = first_whole if first_whole.month == 1 else date(first_whole.year + 1, 1, 1)
        end_year = date(end_whole.year, 1, 1)
        if first_year < end_year:
            years = (first_year, end_year)
            months = tuple((a, b) for a, b in ((first_whole, first_year), (end_year, end_whole)) if a < b)
        else:
            months = ((first_whole, end_whole),)
    else:
        flow_days = (cast(tuple[date | None, date], (period_from, after)),)
    following = next_month(period_from)
    if period_from in computed:  # a month start, or today's opening
        start_month, start_days, start_sign = period_from, None, 1
    elif following in computed and following <= after:
        start_month, start_days, start_sign = following, days(period_from, following), -1
    else:
        start_month = latest(period_from)
        start_days, start_sign = days(start_month, period_from), 1
    end_month = latest(after)
    return _Plan(
        whole_months=(first_whole, end_whole) if first_whole < end_whole else None,
        whole_years=years,
        month_ranges=months,
        flow_days=flow_days,
        start_month=start_month,
        start_days=start_days,
        start_sign=start_sign,
        end_month=end_month,
        end_days=days(end_month, after),
    )


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


def _daily_aggregates(plan: _Plan, period_to: date) -> dict[str, Any]:
    aggregates = _period_flows(_in_days(*plan.flow_days)) if plan.flow_days else {}
    if plan.start_days is not None:
        aggregates["carried_over"] = _sum(_net(plan.start_sign), _in_days(plan.start_days))
    if plan.end_days is not None:
        at_end = _in_days(plan.end_days)
        aggregates["pending_total"] = _sum(_net(), at_end)
        aggregates["pending_overdue"] = _sum(_net(), at_end & Q(due_day__lte=period_to))
        aggregates["supplement_waiting"] = _sum(F("supplement_in") - F("supplement_out"), at_end)
    # Aliases must not shadow the model's counter fields.
    return {f"sum_{name}": expression for name, expression in aggregates.items()}


def _in_months(plan: _Plan) -> Q:
    condition = Q(pk__in=[])
    for first, until in plan.month_ranges:
        condition |= Q(month__gte=first, month__lt=until)
    return condition


def _flow_sums(inside: Q) -> dict[str, Any]:
    return {f"sum_{name}": expression for name, expression in _period_flows(inside).items()}


def _opening_aggregates(plan: _Plan, period_to: date) -> dict[str, Any]:
    """Openings of the start month give the carried-over stock; of the end month, the final stocks."""
    aggregates: dict[str, Any] = {}
    if plan.start_month is not None:
        aggregates["carried_over"] = _sum("pending", Q(month=plan.start_month))
    if plan.end_month is not None:
        at_end = Q(month=plan.end_month)
        aggregates["pending_total"] = _sum("pending", at_end)
        aggregates["pending_overdue"] = _sum("pending", at_end & Q(due_day__lte=period_to))
        aggregates["supplement_waiting"] = _sum("supplement", at_end)
    return {f"sum_{name}": expression for name, expression in aggregates.items()}


def _sum(expression: Any, condition: Q | None = None) -> Any:
    return Coalesce(Sum(expression, filter=condition), 0)


def _add(into: dict[str, Any], raw: dict[str, Any]) -> None:
    for name, value in raw.items():
        if name.startswith("sum_"):
            into[name] = into.get(name, 0) + int(value or 0)


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

    At most four aggregate queries, each over a bounded number of rows whatever the history's length
    (``_plan``): the yearly and monthly flows of the period's whole years and months, the daily rows
    of its partial months
    (and of the days between a stock and its nearest computed opening), and two months' openings."""
    scope = scope or ReportScope()
    check_period(period_from, period_to)
    if group_by is not None and group_by not in _GROUP_COLUMN:
        raise ReportError(_("Cách nhóm số liệu không hợp lệ."), code=ReportErrorCode.INVALID_GROUP)
    plan = _plan(period_from, period_to)
    sources: list[tuple[QuerySet[Any], dict[str, Any]]] = []
    if plan.day_ranges:
        daily = DailyRollup.objects.filter(_in_days(*plan.day_ranges))
        sources.append((_scoped(daily, scope), _daily_aggregates(plan, period_to)))
    if plan.month_ranges:
        monthly = MonthlyRollup.objects.filter(_in_months(plan))
        sources.append((_scoped(monthly, scope), _flow_sums(Q())))
    if plan.whole_years is not None:
        first, until = plan.whole_years
        yearly = YearlyRollup.objects.filter(year__gte=first, year__lt=until)
        sources.append((_scoped(yearly, scope), _flow_sums(Q())))
    if plan.opening_months:
        openings = StockOpening.objects.filter(month__in=plan.opening_months)
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
