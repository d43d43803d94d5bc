"""/thong-ke/: the published Decree 61 figures (Biểu 06) for anyone — received, resolved early / on
time / late, pending — by period (month, quarter, year or the legal reporting period 15th–14th), by
field or agency, with simple charts, the satisfaction rate (linking to /danh-gia-hai-long/) and the
same figures as open data (CSV, JSON). Every figure is a sum over the statistics rollups."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dichvucong.agencies.selectors import list_active_agencies
from dichvucong.core import clock
from dichvucong.evaluations.periods import current_quarter
from dichvucong.evaluations.selectors import get_city_satisfaction
from dichvucong.procedures.models import Field
from dichvucong.reports.constants import GroupBy, PeriodKind
from dichvucong.reports.errors import ReportError
from dichvucong.reports.opendata import OPEN_DATA_COLUMNS, to_csv, to_json
from dichvucong.reports.periods import period_bounds
from dichvucong.reports.selectors import Form06, ReportScope, get_form06

PUBLIC_PERIODS = (
    PeriodKind.MONTH,
    PeriodKind.QUARTER,
    PeriodKind.YEAR,
    PeriodKind.LEGAL_MONTH,
    PeriodKind.LEGAL_QUARTER,
    PeriodKind.LEGAL_YEAR,
)
PUBLIC_GROUPS = (GroupBy.FIELD, GroupBy.AGENCY)
SATISFACTION_CACHE_SECONDS = 300
CHART_WIDTH = 600  # SVG user units of the resolved split bar


def _params(request: HttpRequest) -> dict[str, Any]:
    """The filters from the query string; anything unknown falls back to the default (no error page:
    a public page always shows figures)."""
    kind = request.GET.get("ky", "")
    kind = kind if kind in PUBLIC_PERIODS else PeriodKind.MONTH
    group = request.GET.get("nhom", "")
    group = group if group in PUBLIC_GROUPS else GroupBy.FIELD
    try:
        on = date.fromisoformat(request.GET.get("ngay", "").strip())
    except ValueError:
        on = timezone.localdate(clock.now())
    field_code = request.GET.get("linh-vuc", "").strip()[:100]
    field = Field.objects.filter(code=field_code).first() if field_code else None
    agency_code = request.GET.get("co-quan", "").strip()[:40]
    agency = list_active_agencies().filter(code=agency_code).first() if agency_code else None
    return {"kind": kind, "group": group, "on": on, "field": field, "agency": agency}


def _report(params: dict[str, Any]) -> Form06:
    period_from, period_to = period_bounds(params["kind"], params["on"])
    return get_form06(
        period_from=period_from,
        period_to=period_to,
        scope=ReportScope(agency=params["agency"], field=params["field"]),
        group_by=params["group"],
    )


def _query(params: dict[str, Any]) -> str:
    query = {"ky": params["kind"], "ngay": params["on"].isoformat(), "nhom": params["group"]}
    if params["field"] is not None:
        query["linh-vuc"] = params["field"].code
    if params["agency"] is not None:
        query["co-quan"] = params["agency"].code
    return urlencode(query)


def _bars(report: Form06) -> list[dict[str, Any]]:
    """The on-time rate of each group that resolved something (drawn as bars next to the table)."""
    return [
        {"label": row.label, "rate": row.on_time_rate} for row in report.rows if row.figures["resolved_total"]
    ]


def _satisfaction() -> float | None:
    """The city's satisfaction rate this quarter (evaluations reads ratings and dossiers for it, so a
    busy public page reuses it for a few minutes)."""
    period = current_quarter()
    cached = cache.get_or_set(
        f"portal:statistics:satisfaction:{period.key}",
        lambda: (get_city_satisfaction(period),),
        SATISFACTION_CACHE_SECONDS,
    )
    return cached[0]


@require_GET
def statistics_page(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    try:
        report = _report(params)
    except ReportError:  # only an absurd date can get here; show the current period instead
        params["on"] = timezone.localdate(clock.now())
        report = _report(params)
    assert report.total is not None
    figures = report.total.figures
    resolved = figures["resolved_total"]
    split = [
        (_("Trước hạn"), figures["resolved_early"], "early"),
        (_("Đúng hạn"), figures["resolved_on_time"], "on-time"),
        (_("Quá hạn"), figures["resolved_late"], "late"),
    ]
    x = 0
    segments = []
    for label, value, css in split:
        width = round(value * CHART_WIDTH / resolved) if resolved else 0
        segments.append({"label": label, "value": value, "css": css, "x": x, "width": width})
        x += width
    query = _query(params)
    bars = _bars(report)
    context = {
        "report": report,
        "total": report.total,
        "figures": figures,
        "params": params,
        "periods": [(k, PeriodKind(k).label) for k in PUBLIC_PERIODS],
        "groups": [(g, GroupBy(g).label) for g in PUBLIC_GROUPS],
        "fields": Field.objects.order_by("name").only("code", "name"),
        "agencies": list_active_agencies().exclude(parent__isnull=True).order_by("path").only("code", "name"),
        "segments": segments,
        "bars": bars,
        "chart_width": CHART_WIDTH,
        "satisfaction_period": current_quarter(),
        "satisfaction_rate": _satisfaction(),
        "csv_url": f"{reverse('portal:statistics_data', args=['csv'])}?{query}",
        "json_url": f"{reverse('portal:statistics_data', args=['json'])}?{query}",
        "columns": OPEN_DATA_COLUMNS,
    }
    return render(request, "portal/statistics/page.html", context)


@require_GET
def statistics_data(request: HttpRequest, kind: str) -> HttpResponse:
    """The page's figures as open data: ``csv`` or ``json`` (columns documented on the page)."""
    if kind not in ("csv", "json"):
        return HttpResponse(_("Định dạng tệp không được hỗ trợ."), status=404, content_type="text/plain")
    params = _params(request)
    try:
        report = _report(params)
    except ReportError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    if kind == "csv":
        response = HttpResponse(to_csv(report), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(to_json(report), content_type="application/json")
    name = f"thong-ke-tthc_{report.period_from:%Y%m%d}-{report.period_to:%Y%m%d}_{report.group_by}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
