"""/thong-ke/: the published Decree 61 figures (Biểu 06) for anyone — received, resolved early / on
time / late, pending — by period (month, quarter, year or the legal reporting period 15th–14th), by
field or agency, with simple charts, the satisfaction rate (linking to /danh-gia-hai-long/) and the
same figures as open data (CSV, JSON). Every figure is a sum over the statistics rollups.

The figures of a period, scope and grouping are the same for every visitor, so they are computed once
and kept in the public cache (``public_cache``) for :data:`FIGURES_SECONDS` (an hour for a period that
is over); the page says when they were computed. The filter lists are cached the same way.
"""

from __future__ import annotations

from datetime import date, datetime
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
from dichvucong.reports.constants import PUBLISHED_PERIODS, GroupBy, PeriodKind
from dichvucong.reports.errors import ReportError
from dichvucong.reports.opendata import OPEN_DATA_COLUMNS, to_csv, to_json
from dichvucong.reports.periods import period_bounds
from dichvucong.reports.selectors import Form06, ReportScope, get_form06
from dichvucong.sites.portal import public_cache

PUBLIC_PERIODS = PUBLISHED_PERIODS
PUBLIC_GROUPS = (GroupBy.FIELD, GroupBy.AGENCY)
SATISFACTION_CACHE_SECONDS = 300
FIGURES_SECONDS = 300  # a period that is still running: new dossiers show within five minutes
CLOSED_FIGURES_SECONDS = 3600  # a period that ended before today changes only by late corrections
CHOICES_SECONDS = 300
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


def _report(params: dict[str, Any]) -> tuple[Form06, datetime]:
    """Biểu 06 for the chosen period, scope and grouping, and when it was computed (cached)."""
    period_from, period_to = period_bounds(params["kind"], params["on"])

    def build() -> tuple[Form06, datetime]:
        report = get_form06(
            period_from=period_from,
            period_to=period_to,
            scope=ReportScope(agency=params["agency"], field=params["field"]),
            group_by=params["group"],
        )
        return report, timezone.localtime(clock.now())

    agency, field = params["agency"], params["field"]
    key = ":".join(
        (
            "statistics",
            period_from.isoformat(),
            period_to.isoformat(),
            params["group"],
            agency.code if agency is not None else "-",
            field.code if field is not None else "-",
            public_cache.language(),
        )
    )
    closed = period_to < timezone.localdate(clock.now())
    return public_cache.cached(key, build, seconds=CLOSED_FIGURES_SECONDS if closed else FIGURES_SECONDS)


def _choices() -> dict[str, list[tuple[str, str]]]:
    """The field and agency lists of the filter form (the same for everyone)."""

    def build() -> dict[str, list[tuple[str, str]]]:
        fields = Field.objects.order_by("name").values_list("code", "name")
        agencies = (
            list_active_agencies().exclude(parent__isnull=True).order_by("path").values_list("code", "name")
        )
        return {"fields": list(fields), "agencies": list(agencies)}

    return public_cache.cached(
        f"statistics:choices:{public_cache.language()}", build, seconds=CHOICES_SECONDS
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
        report, computed_at = _report(params)
    except ReportError:  # only an absurd date can get here; show the current period instead
        params["on"] = timezone.localdate(clock.now())
        report, computed_at = _report(params)
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
    choices = _choices()
    context = {
        "report": report,
        "computed_at": computed_at,
        "refresh_minutes": FIGURES_SECONDS // 60,
        "total": report.total,
        "figures": figures,
        "params": params,
        "periods": [(k, PeriodKind(k).label) for k in PUBLIC_PERIODS],
        "groups": [(g, GroupBy(g).label) for g in PUBLIC_GROUPS],
        "fields": choices["fields"],
        "agencies": choices["agencies"],
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
        report, _computed_at = _report(params)
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
