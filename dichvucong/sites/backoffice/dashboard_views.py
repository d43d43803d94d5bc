"""Leaders' dashboards (operation-centre screens): one for the whole city and one per agency.

Today's received / resolved / overdue, a 30-day trend, the procedures and units with the most overdue
dossiers and the grid of wards coloured by on-time rate, with drill-down links: each figure opens the
back-office dossier list filtered the way the figure counts (overdue now by procedure or unit, resolved
in the grid's 30 days by ward subtree), within the screen's agency and the officer's scope. Every
figure is a sum over the statistics rollups (``reports.dashboards``). The city screen needs a
city-wide reporting scope; an agency screen needs the agency inside the officer's scope, and its
figures are restricted to that scope on the server (a ward leader sees only their ward's subtree).
The figures are an htmx fragment polled every 60 seconds; the charts (ECharts) read their data from
``json_script``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dichvucong.agencies.models import Agency
from dichvucong.agencies.scopes import restrict
from dichvucong.core import clock
from dichvucong.dossiers.constants import DossierStatus
from dichvucong.reports import dashboards
from dichvucong.reports.constants import GroupBy
from dichvucong.reports.selectors import ReportScope, get_form06
from dichvucong.sites.backoffice.access import forbidden, officer_required
from dichvucong.sites.backoffice.report_views import REPORT_ROLES

REFRESH_SECONDS = 60
GRID_DAYS = 30  # the ward grid's on-time rate covers the last 30 days


def _search(within: Agency | None = None, /, **params: Any) -> str:
    """The dossier list filtered as a figure counts (within ``within``'s subtree on an agency screen,
    unless the link names its own agency)."""
    if within is not None and "agency" not in params:
        params = {"agency": within.code, **params}
    return f"{reverse('backoffice:dossier_search')}?{urlencode(params)}"


def _context(request: HttpRequest, agency: Agency | None) -> dict[str, Any]:
    scope = ReportScope(agency=agency, data_scope=request.data_scope, roles=REPORT_ROLES)  # type: ignore[attr-defined]
    today = timezone.localdate(clock.now())
    window = max(GRID_DAYS, dashboards.TREND_DAYS)
    activity = dashboards.recent_activity(
        period_from=today - timedelta(days=window - 1), period_to=today, scope=scope
    )
    trend = dashboards.list_daily_trend(until=today, scope=scope, activity=activity)
    grid = dashboards.list_ward_grid(
        period_from=today - timedelta(days=GRID_DAYS - 1), period_to=today, scope=scope, activity=activity
    )
    day = today.isoformat()
    grid_from = (today - timedelta(days=GRID_DAYS - 1)).isoformat()
    by_procedure = get_form06(period_from=today, period_to=today, scope=scope, group_by=GroupBy.PROCEDURE)
    top_procedures = dashboards.list_top_overdue(
        day=today, scope=scope, group_by=GroupBy.PROCEDURE, report=by_procedure
    )
    top_units = dashboards.list_top_overdue(day=today, scope=scope, group_by=GroupBy.AGENCY)
    return {
        "agency": agency,
        "today": dashboards.get_today(day=today, scope=scope, report=by_procedure),
        "trend": trend,
        "trend_data": {
            "days": [point.day.strftime("%d/%m") for point in trend],
            "received": [point.received for point in trend],
            "resolved": [point.resolved for point in trend],
            "labels": {"received": _("Tiếp nhận"), "resolved": _("Đã giải quyết")},
        },
        "top_procedures": top_procedures,
        "top_units": top_units,
        # Drill-down: each row or cell with the dossier list that makes up its figure.
        "top_procedure_links": [
            (row, _search(agency, overdue="on", procedure=row.code)) for row in top_procedures
        ],
        "top_unit_links": [
            (row, _search(overdue="on", agency=row.code, agency_scope="only")) for row in top_units
        ],
        "grid": grid,
        "grid_links": [
            (cell, _search(agency=cell.agency.code, resolved_from=grid_from, resolved_to=day))
            for cell in grid
        ],
        "grid_days": GRID_DAYS,
        "bands": [
            ("good", _("Từ %(rate)s%% trở lên") % {"rate": int(dashboards.GOOD_RATE)}),
            (
                "fair",
                _("Từ %(low)s%% đến dưới %(high)s%%")
                % {"low": int(dashboards.FAIR_RATE), "high": int(dashboards.GOOD_RATE)},
            ),
            ("poor", _("Dưới %(rate)s%%") % {"rate": int(dashboards.FAIR_RATE)}),
            ("none", _("Chưa có hồ sơ giải quyết")),
        ],
        "links": {
            "received": _search(agency, date_from=day, date_to=day),
            "resolved": _search(agency, resolved_from=day, resolved_to=day),
            "processing": _search(agency, status=DossierStatus.PROCESSING),
            "overdue": _search(agency, overdue="on"),
        },
        "refreshed_at": timezone.localtime(clock.now()),
        "refresh_seconds": REFRESH_SECONDS,
        "fragment_url": (
            reverse("backoffice:dashboard_agency", args=[agency.code])
            if agency is not None
            else reverse("backoffice:dashboard_city")
        ),
    }


def _render(request: HttpRequest, agency: Agency | None) -> HttpResponse:
    context = _context(request, agency)
    fragment = bool(request.headers.get("HX-Request"))
    template = "backoffice/dashboards/_figures.html" if fragment else "backoffice/dashboards/dashboard.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@officer_required(roles=REPORT_ROLES)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The leader's own screen: the city's with a city-wide scope, else their top agency's."""
    scope = request.data_scope  # type: ignore[attr-defined]
    if scope.agency_ids_for(*REPORT_ROLES) is None:
        return redirect("backoffice:dashboard_city")
    agency = restrict(Agency.objects.order_by("path"), scope, agency_path="pk", roles=REPORT_ROLES).first()
    if agency is None:
        return forbidden(request)
    return redirect("backoffice:dashboard_agency", code=agency.code)


@officer_required(roles=REPORT_ROLES)
@require_GET
def dashboard_city(request: HttpRequest) -> HttpResponse:
    """The whole city: only for officers whose reporting scope is city-wide."""
    if request.data_scope.agency_ids_for(*REPORT_ROLES) is not None:  # type: ignore[attr-defined]
        return forbidden(request)
    return _render(request, None)


@officer_required(roles=REPORT_ROLES)
@require_GET
def dashboard_agency(request: HttpRequest, code: str) -> HttpResponse:
    """One agency's subtree, when the agency is in the officer's reporting scope."""
    agency = get_object_or_404(Agency, code=code)
    if not request.data_scope.allows(agency_id=agency.pk, roles=REPORT_ROLES):  # type: ignore[attr-defined]
        return forbidden(request)
    return _render(request, agency)
