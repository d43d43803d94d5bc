"""Back-office statistics: Biểu số 06/VPCP/KSTT with filters, totals and the on-time rate, exported to
XLSX, DOCX and PDF. Leaders, unit heads, city admins and auditors see only their data scope: the
agency list offers only agencies in scope, and the figures are filtered by the scope on the server
(``reports.selectors`` applies ``agencies.scopes.restrict``), whatever the query string says.

Grouped by officer or by title (chức danh), the report builder shows the officer measures instead
(``reports.officers``): what each officer did in the period — flows only, no pending stock."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from dichvucong.accounts.constants import Role
from dichvucong.agencies.models import Agency
from dichvucong.agencies.scopes import restrict
from dichvucong.core import clock
from dichvucong.procedures.models import Field
from dichvucong.reports import services as report_services
from dichvucong.reports.constants import (
    FORM06_GROUPS,
    OFFICER_COLUMNS,
    ExportFormat,
    ExportStatus,
    GroupBy,
    OfficerGroupBy,
    PeriodKind,
)
from dichvucong.reports.errors import ReportError
from dichvucong.reports.exports import CONTENT_TYPES, export, export_filename
from dichvucong.reports.models import ExportJob, ReportSubscription
from dichvucong.reports.officers import OfficerReport, OfficerRow, get_officer_report
from dichvucong.reports.periods import period_bounds
from dichvucong.reports.selectors import Form06, Form06Row, ReportScope, check_period, get_form06
from dichvucong.sites.backoffice.access import officer_required

REPORT_ROLES = (Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.CITY_ADMIN, Role.AUDITOR)
DEFAULT_FILTERS = {"period": PeriodKind.MONTH, "group_by": GroupBy.FIELD}
# A file with more rows than this is made in the background only (a PDF of thousands of rows is slow).
SYNC_EXPORT_MAX_ROWS = 300
# Report builder measures: each shows one column group of Biểu 06 (same order), or the on-time rate.
MEASURES = (
    ("received", gettext_lazy("Tiếp nhận")),
    ("resolved", gettext_lazy("Đã giải quyết (trước hạn, đúng hạn, quá hạn)")),
    ("pending", gettext_lazy("Đang giải quyết (trong hạn, quá hạn)")),
    ("other", gettext_lazy("Khác (rút, từ chối, chờ bổ sung, đã trả)")),
    ("rate", gettext_lazy("Tỷ lệ trước hạn, đúng hạn (%)")),
)
# The officer measures each builder measure shows (Biểu 06's "pending" has none: a stock is a dossier's).
OFFICER_MEASURE_GROUPS = {
    "received": (gettext_lazy("Hồ sơ cán bộ tiếp nhận"), ("received",)),
    "resolved": (
        gettext_lazy("Hồ sơ cán bộ đã giải quyết"),
        ("resolved_total", "resolved_early", "resolved_on_time", "resolved_late"),
    ),
    "other": (
        gettext_lazy("Việc khác cán bộ đã làm"),
        ("refused", "supplement_in", "returned", "stopped", "steps"),
    ),
}


class ReportForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Kỳ báo cáo"), choices=PeriodKind.choices)
    on = forms.DateField(
        label=gettext_lazy("Ngày thuộc kỳ"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Kỳ (ngày, tuần, tháng, quý, năm) chứa ngày này; để trống là hôm nay."),
    )
    date_from = forms.DateField(
        label=gettext_lazy("Từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan"), queryset=Agency.objects.none(), required=False
    )
    field = forms.ModelChoiceField(
        label=gettext_lazy("Lĩnh vực"),
        queryset=Field.objects.order_by("name"),
        required=False,
        to_field_name="code",
    )
    group_by = forms.ChoiceField(label=gettext_lazy("Nhóm theo"), required=False)
    measures = forms.MultipleChoiceField(
        label=gettext_lazy("Chỉ tiêu hiển thị"),
        choices=MEASURES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Để trống là tất cả. Tệp tải về luôn có đủ các cột (mẫu Biểu 06, hoặc báo cáo theo cán bộ, "
            "chức danh)."
        ),
    )

    def __init__(self, *args: Any, scope: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = restrict(
            Agency.objects.order_by("path"), scope, agency_path="pk", roles=REPORT_ROLES
        )
        self.fields["agency"].empty_label = _("Tất cả cơ quan trong phạm vi")
        self.fields["field"].empty_label = _("Tất cả lĩnh vực")
        self.fields["group_by"].choices = [
            ("", _("Không nhóm (chỉ dòng tổng)")),
            (_("Biểu 06 theo"), GroupBy.choices),
            (_("Kết quả xử lý theo người làm"), OfficerGroupBy.choices),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        period = data.get("period")
        if not period:
            return data
        try:
            if period == PeriodKind.CUSTOM:
                if not data.get("date_from") or not data.get("date_to"):
                    raise forms.ValidationError(_("Vui lòng chọn cả từ ngày và đến ngày."))
                start, end = data["date_from"], data["date_to"]
            else:
                start, end = period_bounds(period, data.get("on") or timezone.localdate(clock.now()))
            check_period(start, end)
        except ReportError as exc:
            raise forms.ValidationError(exc.message) from exc
        data["period_from"], data["period_to"] = start, end
        data["measures"] = data.get("measures") or [key for key, _label in MEASURES]
        return data


def _unit(form: ReportForm, scope: Any) -> str:
    agency = form.cleaned_data.get("agency")
    if agency is not None:
        return agency.name
    if scope.is_city_wide:
        return _("Toàn Thành phố")
    return _("Các cơ quan thuộc phạm vi dữ liệu của tài khoản")


Report = Form06 | OfficerReport


def _report(request: HttpRequest) -> tuple[ReportForm, Report | None]:
    scope = request.data_scope  # type: ignore[attr-defined]
    form = ReportForm(request.GET or DEFAULT_FILTERS, scope=scope)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    report_scope = ReportScope(
        agency=data["agency"], field=data["field"], data_scope=scope, roles=REPORT_ROLES
    )
    group_by = data["group_by"] or None
    report: Report
    if group_by in OfficerGroupBy.values:
        report = get_officer_report(
            period_from=data["period_from"],
            period_to=data["period_to"],
            scope=report_scope,
            group_by=group_by,
        )
    else:
        report = get_form06(
            period_from=data["period_from"],
            period_to=data["period_to"],
            scope=report_scope,
            group_by=group_by,
        )
    return form, report


def _table_row(row: Form06Row | OfficerRow, columns: list[str]) -> dict[str, Any]:
    """A row of the on-screen table: its label, the other label cells (the officer's agency), figures."""
    extra = [row.agency] if isinstance(row, OfficerRow) and row.key is not None and row.agency else []
    return {
        "label": row.label,
        "extra": extra,
        "values": [row.figures[c] for c in columns],
        "rate": row.on_time_rate,
    }


def _table(report: Report | None, measures: list[str]) -> dict[str, Any]:
    """The header groups, the label columns' headers and the measures' columns of the table."""
    if isinstance(report, OfficerReport):
        titles = dict(OFFICER_COLUMNS)
        groups = [
            (title, [(c, titles[c]) for c in columns])
            for key, (title, columns) in OFFICER_MEASURE_GROUPS.items()
            if key in measures
        ]
        headers = [OfficerGroupBy(report.group_by).label]
        if report.group_by == OfficerGroupBy.OFFICER:
            headers.append(_("Cơ quan"))
    else:
        groups = [
            group for (key, _label), group in zip(MEASURES, FORM06_GROUPS, strict=False) if key in measures
        ]
        headers = [GroupBy(report.group_by).label if report and report.group_by else _("Nội dung")]
    return {"groups": groups, "label_headers": headers}


def _filename(report: Report, kind: str) -> str:
    start: date = report.period_from
    end: date = report.period_to
    return export_filename(report.group_by, start, end, kind)


@officer_required(roles=REPORT_ROLES)
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    """Biểu 06 on screen: filters, the grouped table, the totals row and links to the exports."""
    form, report = _report(request)
    query = request.GET.urlencode() or urlencode(DEFAULT_FILTERS)
    exports = [
        (kind.upper(), f"{reverse('backoffice:reports_export', args=[kind])}?{query}")
        for kind in CONTENT_TYPES
    ]
    measures = form.cleaned_data.get("measures") if report is not None else None
    measures = measures or [key for key, _label in MEASURES]
    table = _table(report, measures)
    columns = [column for _title, cols in table["groups"] for column, _label in cols]
    context = {
        "form": form,
        "report": report,
        "officer_report": isinstance(report, OfficerReport),
        **table,
        "show_rate": "rate" in measures,
        "query": query,
        "background_kinds": CONTENT_TYPES,
        "subscriptions": ReportSubscription.objects.filter(user=request.user, is_active=True).select_related(
            "agency"
        ),
        "formats": ExportFormat.choices,
        "rows": [_table_row(row, columns) for row in report.rows] if report else [],
        "total": _table_row(report.total, columns) if report and report.total else None,
        "unit": _unit(form, request.data_scope) if report is not None else "",  # type: ignore[attr-defined]
        "exports": exports,
        "background_only": report is not None and len(report.rows) > SYNC_EXPORT_MAX_ROWS,
    }
    return render(request, "backoffice/reports/form06.html", context, status=200 if report else 400)


@officer_required(roles=REPORT_ROLES)
@require_GET
def reports_export(request: HttpRequest, kind: str) -> HttpResponse:
    """The same report as an XLSX, DOCX or PDF file in the form's layout."""
    if kind not in CONTENT_TYPES:
        return HttpResponse(_("Định dạng tệp không được hỗ trợ."), status=404, content_type="text/plain")
    form, report = _report(request)
    if report is None:
        errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    if len(report.rows) > SYNC_EXPORT_MAX_ROWS:
        message = _("Báo cáo có %(rows)s dòng: hãy tạo tệp ở chế độ nền.") % {"rows": len(report.rows)}
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    content = export(report, unit=_unit(form, request.data_scope), kind=kind)  # type: ignore[attr-defined]
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, kind)}"'
    return response


# --- background exports and monthly subscriptions (report builder) ----------------------------------


@officer_required(roles=REPORT_ROLES)
@require_POST
def reports_export_background(request: HttpRequest, kind: str) -> HttpResponse:
    """Queue the report of the query string's filters as a file made in the background, then show its
    progress (for long periods or many rows)."""
    form, report = _report(request)
    if report is None or kind not in CONTENT_TYPES:
        messages.error(request, _("Không thể tạo tệp báo cáo với điều kiện lọc này."))
        return redirect(f"{reverse('backoffice:reports')}?{request.GET.urlencode()}")
    data = form.cleaned_data
    try:
        job = report_services.request_export(
            user=request.user,  # type: ignore[arg-type]
            kind=kind,
            period_from=report.period_from,
            period_to=report.period_to,
            unit=_unit(form, request.data_scope),  # type: ignore[attr-defined]
            agency=data["agency"],
            field=data["field"],
            group_by=report.group_by,
        )
    except ReportError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('backoffice:reports')}?{request.GET.urlencode()}")
    return redirect("backoffice:report_job", pk=job.pk)


def _own_job(request: HttpRequest, pk: int) -> ExportJob:
    """A job of the signed-in officer (anyone else's is "not found", not even its existence leaks)."""
    job = ExportJob.objects.filter(pk=pk, requested_by=request.user).first()
    if job is None:
        raise Http404
    return job


@officer_required(roles=REPORT_ROLES)
@require_GET
def report_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress bar (the status fragment is polled with htmx until the file is ready)."""
    job = _own_job(request, pk)
    context = {"job": job, "finished": job.status in (ExportStatus.DONE, ExportStatus.FAILED)}
    fragment = bool(request.headers.get("HX-Request"))
    template = "backoffice/reports/_job_status.html" if fragment else "backoffice/reports/job.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@officer_required(roles=REPORT_ROLES)
@require_GET
def report_job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    name = export_filename(job.group_by, job.period_from, job.period_to, job.kind)
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=name, content_type=CONTENT_TYPES[job.kind]
    )


@officer_required(roles=REPORT_ROLES)
@require_POST
def report_subscribe(request: HttpRequest) -> HttpResponse:
    """Receive the previous month's Biểu 06 by e-mail every month, for the filtered agency (or the
    whole scope) and grouping, in the chosen format."""
    form, report = _report(request)
    back = f"{reverse('backoffice:reports')}?{request.GET.urlencode()}"
    kind = request.POST.get("kind", "")
    # Subscriptions send Biểu 06 (the officer measures are exported on demand).
    if report is None or kind not in ExportFormat.values or isinstance(report, OfficerReport):
        messages.error(request, _("Không thể đăng ký nhận báo cáo với điều kiện này."))
        return redirect(back)
    try:
        report_services.subscribe_report(
            user=request.user,  # type: ignore[arg-type]
            kind=kind,
            agency=form.cleaned_data["agency"],
            group_by=report.group_by or "",
        )
    except ReportError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã đăng ký. Báo cáo tháng trước sẽ được gửi cho bạn vào đầu mỗi tháng."))
    return redirect(back)


@officer_required(roles=REPORT_ROLES)
@require_POST
def report_unsubscribe(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = ReportSubscription.objects.filter(pk=pk, user=request.user, is_active=True).first()
    if subscription is None:
        raise Http404
    report_services.cancel_subscription(subscription=subscription, user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Đã hủy đăng ký nhận báo cáo hằng tháng."))
    return redirect("backoffice:reports")
