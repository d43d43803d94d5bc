"""Back-office working-day calendar: city admins list, declare and remove holidays, days off and
swapped working days (``agencies.calendar_days`` checks the role again and writes the audit trail)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from dichvucong.accounts.constants import Role
from dichvucong.agencies.calendar_days import (
    NAME_MAX_LENGTH,
    declare_calendar_day,
    list_calendar_days,
    remove_calendar_day,
)
from dichvucong.agencies.constants import CalendarDayKind
from dichvucong.agencies.errors import AgencyError
from dichvucong.agencies.models import Agency, CalendarDay
from dichvucong.core import clock
from dichvucong.sites.backoffice.access import officer_required

CITY_ADMIN = (Role.CITY_ADMIN,)
MIN_YEAR, MAX_YEAR = 2000, 2100


class CalendarDayForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Ngày"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Loại ngày"), choices=CalendarDayKind.choices)
    name = forms.CharField(
        label=gettext_lazy("Tên"),
        max_length=NAME_MAX_LENGTH,
        help_text=gettext_lazy("Ví dụ: Tết Nguyên Đán, Nghỉ bù Quốc khánh, Làm bù cho ngày 31/8."),
    )
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Áp dụng cho"),
        queryset=Agency.objects.order_by("path"),
        required=False,
        help_text=gettext_lazy("Để trống là áp dụng cho toàn Thành phố."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].empty_label = _("Toàn Thành phố")


def _mark_errors(form: forms.Form) -> None:
    """Ties each field's error message to its control (aria-invalid, aria-describedby)."""
    for name in form.errors:
        if name in form.fields:
            bound = form[name]
            attrs = form.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            described = [f"{bound.auto_id}_error"]
            if form.fields[name].help_text:
                described.append(f"{bound.auto_id}_helptext")
            attrs["aria-describedby"] = " ".join(described)


def _year(raw: str | None) -> int:
    try:
        year = int(raw) if raw else clock.now().year
    except ValueError:
        year = clock.now().year
    return min(max(year, MIN_YEAR), MAX_YEAR)


@officer_required(roles=CITY_ADMIN)
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    """The declared days of one year, with the form to declare another."""
    year = _year(request.GET.get("year"))
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                day = declare_calendar_day(
                    actor=request.user,
                    date=data["date"],
                    kind=data["kind"],
                    name=data["name"],
                    agency=data["agency"],
                )
            except AgencyError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("Đã thêm ngày %(date)s vào lịch.") % {"date": f"{day.date:%d/%m/%Y}"}
                )
                return redirect(f"{reverse('backoffice:calendar')}?year={day.date.year}")
        _mark_errors(form)
    context = {
        "form": form,
        "year": year,
        "previous_year": year - 1 if year > MIN_YEAR else None,
        "next_year": year + 1 if year < MAX_YEAR else None,
        "days": list_calendar_days(year=year),
    }
    return render(request, "backoffice/calendar/list.html", context, status=400 if form.errors else 200)


@officer_required(roles=CITY_ADMIN)
@require_POST
def calendar_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Removes a declared day (the weekly rhythm applies to that date again)."""
    day = CalendarDay.objects.filter(pk=pk).first()
    if day is None:
        raise Http404
    try:
        remove_calendar_day(actor=request.user, day=day)
    except AgencyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xóa ngày %(date)s khỏi lịch.") % {"date": f"{day.date:%d/%m/%Y}"})
    return redirect(f"{reverse('backoffice:calendar')}?year={day.date.year}")
