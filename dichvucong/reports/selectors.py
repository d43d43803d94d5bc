"""Reads of the statistics: Biểu số 06/VPCP/KSTT for a period, scope and grouping.

Every figure is a sum over ``DailyRollup`` rows (definitions in ``rollups.py``), computed in one
aggregate query over the rows up to the period's end; the scope is applied as SQL filters
(agency subtree by materialised path, field, and the officer's data scope).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dichvucong.agencies.models import Agency
from dichvucong.agencies.scopes import DataScope, restrict
from dichvucong.dossiers.constants import SubmissionChannel
from dichvucong.procedures.models import Field, Procedure
from dichvucong.reports.constants import MAX_PERIOD_YEARS, GroupBy, ReportLevel
from dichvucong.reports.errors import ReportError, ReportErrorCode
from dichvucong.reports.models import DailyRollup, StockOpening
from dichvucong.reports.stock import base_month

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


def _flow_aggregates(period_from: date, period_to: date) -> dict[str, Any]:
    inside = Q(day__gte=period_from)
    before = Q(day__lt=period_from)
    net = (
        F("received")
        + F("shifted_in")
        - F("shifted_out")
        - F("resolved_early")
        - F("resolved_on_time")
        - F("resolved_late")
    )
    aggregates = {
        "received_online": _sum("received", inside & Q(channel=SubmissionChannel.ONLINE)),
        "received_direct": _sum("received", inside & ~Q(channel=SubmissionChannel.ONLINE)),
        "carried_over": _sum(net, before),
        "resolved_early": _sum("resolved_early", inside),
        "resolved_on_time": _sum("resolved_on_time", inside),
        "resolved_late": _sum("resolved_late", inside),
        "pending_total": _sum(net),
        "pending_overdue": _sum(net, Q(due_day__lte=period_to)),
        "withdrawn": _sum("withdrawn", inside),
        "refused": _sum("refused", inside),
        "supplement_waiting": _sum(F("supplement_in") - F("supplement_out")),
        "returned": _sum("returned", inside),
    }
    # Aliases must not shadow the model's counter fields.
    return {f"sum_{name}": expression for name, expression in aggregates.items()}


def _opening_aggregates(period_to: date) -> dict[str, Any]:
    """The openings add to every stock figure (the carried-over stock starts from them too)."""
    return {
        "sum_carried_over": _sum("pending"),
        "sum_pending_total": _sum("pending"),
        "sum_pending_overdue": _sum("pending", Q(due_day__lte=period_to)),
        "sum_supplement_waiting": _sum("supplement"),
    }


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

    Two aggregate queries: the daily flows from the latest monthly opening before the period to its
    end, and that month's openings (``stock.py``); without openings, the flows from the first day."""
    scope = scope or ReportScope()
    check_period(period_from, period_to)
    if group_by is not None and group_by not in _GROUP_COLUMN:
        raise ReportError(_("Cách nhóm số liệu không hợp lệ."), code=ReportErrorCode.INVALID_GROUP)
    base = base_month(period_from)
    flows = _scoped(DailyRollup.objects.filter(day__lte=period_to), scope)
    openings = _scoped(StockOpening.objects.filter(month=base), scope) if base is not None else None
    if base is not None:
        flows = flows.filter(day__gte=base)
    flow_sums = _flow_aggregates(period_from, period_to)
    opening_sums = _opening_aggregates(period_to)
    totals: dict[str, Any] = {}
    _add(totals, flows.aggregate(**flow_sums))
    if openings is not None:
        _add(totals, openings.aggregate(**opening_sums))
    total = Form06Row(key=None, code="", label=_("Tổng cộng"), figures=_figures(totals))
    rows: list[Form06Row] = []
    if group_by is not None:
        column = _GROUP_COLUMN[group_by]
        grouped: dict[Any, dict[str, Any]] = {}
        for row in flows.values(column).annotate(**flow_sums).order_by(column):
            _add(grouped.setdefault(row[column], {}), row)
        if openings is not None:
            for row in openings.values(column).annotate(**opening_sums).order_by(column):
                _add(grouped.setdefault(row[column], {}), row)
        labels = _labels(group_by, list(grouped))
        for key, raw in grouped.items():
            figures = _figures(raw)
            if any(figures.values()):
                code, label = labels.get(key, (str(key), str(key)))
                rows.append(Form06Row(key=key, code=code, label=label, figures=figures))
        rows.sort(key=lambda r: r.label)
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
