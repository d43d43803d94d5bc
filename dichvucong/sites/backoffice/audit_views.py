"""The audit trail for auditors and city admins (nhật ký hệ thống): browse, filter, verify the chain.

Reads through ``core.selectors.list_audit_entries``; verification runs ``core.audit`` and is itself
recorded in the trail, so who checked the chain and what they found stays on record.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dichvucong.accounts.constants import Role
from dichvucong.accounts.models import User
from dichvucong.core.audit import record_audit, verify_audit_chain
from dichvucong.core.selectors import list_audit_entries
from dichvucong.sites.backoffice.access import officer_required

PAGE_SIZE = 50
AUDIT_ROLES = (Role.CITY_ADMIN, Role.AUDITOR)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(
        label=gettext_lazy("Tên đăng nhập người thực hiện"), max_length=150, required=False
    )
    action = forms.CharField(
        label=gettext_lazy("Hành động (bắt đầu bằng)"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Ví dụ: agencies. hoặc agencies.create_assignment"),
    )
    target_type = forms.CharField(label=gettext_lazy("Loại đối tượng"), max_length=100, required=False)
    since = forms.DateField(
        label=gettext_lazy("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."))
        return data


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@officer_required(roles=AUDIT_ROLES)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = list_audit_entries()
    if form.is_valid():
        data = form.cleaned_data
        actor_id = None
        if data["actor"]:
            actor_id = User.objects.filter(username=data["actor"]).values_list("pk", flat=True).first() or 0
        entries = list_audit_entries(
            actor_id=actor_id,
            action_prefix=data["action"] or None,
            target_type=data["target_type"] or None,
            since=_day_start(data["since"]) if data["since"] else None,
            until=_day_start(data["until"] + dt.timedelta(days=1)) if data["until"] else None,
        )
    elif form.is_bound:
        entries = entries.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/audit/list.html",
        {"form": form, "page": page, "query_string": query.urlencode()},
    )


@require_POST
@officer_required(roles=AUDIT_ROLES)
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Check the whole chain now; the result is shown and recorded as an ``audit.verify`` entry."""
    problems = verify_audit_chain()
    record_audit(
        actor=request.user,
        action="audit.verify",
        note=f"{len(problems)} problem(s)" + "".join(f"\n{p}" for p in problems[:50]),
    )
    if problems:
        messages.error(
            request,
            _("Phát hiện %(count)s sai lệch trong nhật ký: %(first)s")
            % {"count": len(problems), "first": problems[0]},
        )
    else:
        messages.success(request, _("Chuỗi nhật ký toàn vẹn: không có bản ghi nào bị sửa hoặc xóa."))
    return redirect("backoffice:audit_log")
