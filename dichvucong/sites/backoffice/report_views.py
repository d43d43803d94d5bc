"""Back-office statistics: Biểu số 06/VPCP/KSTT with filters, totals and the on-time rate, exported to
XLSX, DOCX and PDF. Leaders, unit heads, city admins and auditors see only their data scope: the
agency list offers only agencies in scope, and the figures are filtered by the scope on the server
(``reports.selectors`` applies ``agencies.scopes.restrict``), whatever the query string says."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from dichvucong.accounts.constants import Role
from dichvucong.agencies.models import Agency
from dichvucong.agencies.scopes import restrict
from dichvucong.core import clock
from dichvucong.procedures.models import Field
from dichvucong.reports.constants import FORM06_GROUPS, GroupBy, PeriodKind
from dichvucong.reports.errors import ReportError
from dichvucong.reports.exports import CONTENT_TYPES, export
from dichvucong.reports.periods import period_bounds
from dichvucong.reports.selectors import Form06, Form06Row, ReportScope, check_period, get_form06
from dichvucong.sites.backoffice.access import officer_required

REPORT_ROLES = (Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.CITY_ADMIN, Role.AUDITOR)
DEFAULT_FILTERS = {"period": PeriodKind.MONTH, "group_by": GroupBy.FIELD}


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

    def __init__(self, *args: Any, scope: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = restrict(
            Agency.objects.order_by("path"), scope, agency_path="pk", roles=REPORT_ROLES
        )
        self.fields["agency"].empty_label = _("Tất cả cơ quan trong phạm vi")
        self.fields["field"].empty_label = _("Tất cả lĩnh vực")
        self.fields["group_by"].choices = [("", _("Không nhóm (chỉ dòng tổng)")), *GroupBy.choices]

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
        return data


def _unit(form: ReportForm, scope: Any) -> str:
    agency = form.cleaned_data.get("agency")
    if agency is not None:
        return agency.name
    if scope.is_city_wide:
        return _("Toàn Thành phố")
    return _("Các cơ quan thuộc phạm vi dữ liệu của tài khoản")


def _report(request: HttpRequest) -> tuple[ReportForm, Form06 | None]:
    scope = request.data_scope  # type: ignore[attr-defined]
    form = ReportForm(request.GET or DEFAULT_FILTERS, scope=scope)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    report = get_form06(
        period_from=data["period_from"],
        period_to=data["period_to"],
        scope=ReportScope(agency=data["agency"], field=data["field"], data_scope=scope, roles=REPORT_ROLES),
        group_by=data["group_by"] or None,
    )
    return form, report


def _table_row(row: Form06Row, columns: list[str]) -> dict[str, Any]:
    return {"label": row.label, "values": [row.figures[c] for c in columns], "rate": row.on_time_rate}


def _filename(report: Form06, kind: str) -> str:
    start: date = report.period_from
    end: date = report.period_to
    return f"bieu-06-vpcp-kstt_{start:%Y%m%d}-{end:%Y%m%d}.{kind}"


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
    columns = [column for _title, cols in FORM06_GROUPS for column, _label in cols]
    context = {
        "form": form,
        "report": report,
        "groups": FORM06_GROUPS,
        "first_header": GroupBy(report.group_by).label if report and report.group_by else _("Nội dung"),
        "rows": [_table_row(row, columns) for row in report.rows] if report else [],
        "total": _table_row(report.total, columns) if report and report.total else None,
        "unit": _unit(form, request.data_scope) if report is not None else "",  # type: ignore[attr-defined]
        "exports": exports,
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
    content = export(report, unit=_unit(form, request.data_scope), kind=kind)  # type: ignore[attr-defined]
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, kind)}"'
    return response
