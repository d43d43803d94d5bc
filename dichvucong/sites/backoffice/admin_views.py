"""Back-office administration pages (X8, E6, O17): agencies in scope with their office hours, and officers.

Thin views: reads through ``agencies.selectors``, writes through ``agencies.services``. Every object
is fetched through a scope-restricted selector, so anything outside the user's data scope is a 404,
and edits use the admin-only selectors (``list_agencies_administered``) so a read-only role gets a
404 on an edit page too. The services check the scope again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import formset_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from dichvucong.accounts import selectors as account_selectors
from dichvucong.accounts import services as account_services
from dichvucong.accounts.constants import Role
from dichvucong.accounts.models import User
from dichvucong.accounts.services import AccountError
from dichvucong.agencies import permissions, selectors, services
from dichvucong.agencies.constants import ADMIN_ROLES, CITY_ONLY_GRANTABLE_ROLES, AgencyKind, Weekday
from dichvucong.agencies.errors import AgencyError
from dichvucong.agencies.models import Agency
from dichvucong.sites.backoffice.access import officer_required
from dichvucong.sites.backoffice.security_views import login_history_context

PAGE_SIZE = 50


# --- Forms ----------------------------------------------------------------------------------------


class AgencyForm(forms.Form):
    """Names for agency admins; code, kind, parent and validity for city admins as well."""

    name = forms.CharField(label=gettext_lazy("Tên cơ quan"), max_length=300)
    name_en = forms.CharField(label=gettext_lazy("Tên tiếng Anh"), max_length=300, required=False)
    code = forms.CharField(label=gettext_lazy("Mã định danh (QCVN 102)"), max_length=13)
    kind = forms.ChoiceField(label=gettext_lazy("Loại cơ quan"), choices=AgencyKind.choices)
    parent = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan cấp trên"), queryset=Agency.objects.none(), required=False
    )
    valid_from = forms.DateField(
        label=gettext_lazy("Hiệu lực từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=gettext_lazy("Hết hiệu lực từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    STRUCTURE_FIELDS = ("code", "kind", "parent", "valid_from", "valid_until")

    def __init__(self, *args: Any, structure: bool, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if structure:
            self.fields["parent"].queryset = selectors.list_agencies(user)
        else:
            for name in self.STRUCTURE_FIELDS:
                del self.fields[name]


class OfficeHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(label=gettext_lazy("Thứ"), choices=Weekday.choices, coerce=int)
    opens = forms.TimeField(
        label=gettext_lazy("Giờ mở cửa"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    closes = forms.TimeField(
        label=gettext_lazy("Giờ đóng cửa"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )


OfficeHoursFormSet = formset_factory(OfficeHoursForm, extra=2, can_delete=True)


class OfficerForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=gettext_lazy("Họ và tên"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("Thư điện tử"), required=False)
    phone = forms.CharField(label=gettext_lazy("Số điện thoại"), max_length=20, required=False)
    password = forms.CharField(
        label=gettext_lazy("Mật khẩu ban đầu"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("Để trống nếu cán bộ sẽ đặt mật khẩu qua đăng nhập một lần (SSO)."),
    )
    agency = forms.ModelChoiceField(label=gettext_lazy("Cơ quan"), queryset=Agency.objects.none())
    role = forms.ChoiceField(label=gettext_lazy("Vai trò"))
    fields = forms.CharField(
        label=gettext_lazy("Lĩnh vực"),
        required=False,
        help_text=gettext_lazy("Mã lĩnh vực, cách nhau bởi dấu phẩy; để trống là tất cả lĩnh vực."),
    )
    include_subtree = forms.BooleanField(label=gettext_lazy("Gồm cả đơn vị trực thuộc"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = selectors.list_agencies_administered(user)
        city_admin = permissions.is_city_admin(user)
        self.fields["role"].choices = [
            (value, label)
            for value, label in Role.choices
            if city_admin or value not in CITY_ONLY_GRANTABLE_ROLES
        ]

    def field_codes(self) -> list[str]:
        return [code.strip() for code in self.cleaned_data.get("fields", "").split(",") if code.strip()]


# --- Agencies -------------------------------------------------------------------------------------


def _visibility(request: HttpRequest) -> dict[str, Any]:
    """What the templates need to name only agencies in scope (a parent outside it stays unnamed)."""
    ids = request.data_scope.agency_ids  # type: ignore[attr-defined]
    return {"scope_all": ids is None, "visible_agency_ids": ids or frozenset()}


def _agency_or_404(user: Any, pk: int) -> Agency:
    try:
        return selectors.get_agency(user, pk)
    except Agency.DoesNotExist:
        raise Http404 from None


@officer_required
def agency_list(request: HttpRequest) -> HttpResponse:
    """The agencies in the user's scope, in tree order, searchable by name (accents optional) or code."""
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.list_agencies(request.user, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "backoffice/admin/agency_list.html", {"page": page, "query": query, **_visibility(request)}
    )


@officer_required
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency_or_404(request.user, pk)
    context = {
        "agency": agency,
        "office_hours": selectors.list_office_hours(agency),
        "children": selectors.list_agencies(request.user).filter(parent=agency),
        "assignments": selectors.list_assignments(request.user, agency=agency),
        "can_edit": permissions.can_edit_agency(request.user, agency),
        **_visibility(request),
    }
    return render(request, "backoffice/admin/agency_detail.html", context)


@officer_required(roles=ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Agency admins change names and office hours of agencies in their subtree; city admins also the
    code, kind, parent and validity. Outside the user's admin scope: 404."""
    try:
        agency = selectors.list_agencies_administered(request.user).select_related("parent").get(pk=pk)
    except Agency.DoesNotExist:
        raise Http404 from None
    structure = permissions.can_edit_agency_structure(request.user)
    initial = {
        "name": agency.name,
        "name_en": agency.name_en,
        "code": agency.code,
        "kind": agency.kind,
        "parent": agency.parent,
        "valid_from": agency.valid_from,
        "valid_until": agency.valid_until,
    }
    hours_initial = [
        {"weekday": h.weekday, "opens": h.opens, "closes": h.closes}
        for h in selectors.list_office_hours(agency)
    ]
    if request.method == "POST":
        form = AgencyForm(request.POST, initial=initial, structure=structure, user=request.user)
        hours = OfficeHoursFormSet(request.POST, initial=hours_initial, prefix="hours")
        if form.is_valid() and hours.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            windows = [
                (f.cleaned_data["weekday"], f.cleaned_data["opens"], f.cleaned_data["closes"])
                for f in hours.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                services.update_agency(actor=request.user, agency=agency, **changes)
                if hours.has_changed():
                    services.set_office_hours(actor=request.user, agency=agency, windows=windows)
            except AgencyError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Đã lưu thông tin cơ quan."))
                return redirect("backoffice:agency_detail", pk=agency.pk)
    else:
        form = AgencyForm(initial=initial, structure=structure, user=request.user)
        hours = OfficeHoursFormSet(initial=hours_initial, prefix="hours")
    return render(
        request, "backoffice/admin/agency_edit.html", {"agency": agency, "form": form, "hours": hours}
    )


# --- Officers -------------------------------------------------------------------------------------


def _user_or_404(user: Any, pk: int) -> User:
    try:
        return selectors.get_user_in_scope(user, pk)
    except User.DoesNotExist:
        raise Http404 from None


@officer_required
def user_list(request: HttpRequest) -> HttpResponse:
    """Officers assigned within the user's scope (every account for city admins and auditors)."""
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.list_users_in_scope(request.user, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "backoffice/admin/user_list.html",
        {
            "page": page,
            "query": query,
            "can_create": permissions.can_administer(request.user),
            **_visibility(request),
        },
    )


@officer_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = _user_or_404(request.user, pk)
    context = {
        "target": target,
        # Only the assignments inside the viewer's scope: another ward's roles stay hidden.
        "assignments": selectors.list_assignments(request.user).filter(user=target),
        "can_manage": permissions.can_manage_officer(request.user, target),
        **login_history_context(request, target),  # sign-ins and the 2FA reset (security_views)
        **_personal_data_context(request, target),
    }
    return render(request, "backoffice/admin/user_detail.html", context)


# Roles whose work needs a person's full CCCD or phone number; everyone else sees them masked.
REVEAL_ROLES = frozenset({Role.AGENCY_ADMIN, Role.CITY_ADMIN})


def _personal_data_context(
    request: HttpRequest, target: User, *, revealed: dict[str, str] | None = None, reveal_error: str = ""
) -> dict[str, Any]:
    return {
        "masked": account_selectors.masked_identity(target),
        "can_reveal": bool(selectors.roles_of(request.user) & REVEAL_ROLES),
        "revealed": revealed or {},
        "reveal_error": reveal_error,
    }


@officer_required(roles=REVEAL_ROLES)
@require_POST
def user_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one full value (CCCD or phone) to an admin who gives a reason; logged for the person."""
    target = _user_or_404(request.user, pk)
    field = request.POST.get("field", "")
    if field not in account_services.REVEALABLE_FIELDS:
        raise Http404
    revealed, error = {}, ""
    try:
        revealed[field] = account_services.reveal_personal_data(
            actor=request.user, subject=target, field=field, reason=request.POST.get("reason", "")
        )
    except AccountError as exc:
        error = exc.message
    context = {
        "target": target,
        "assignments": selectors.list_assignments(request.user).filter(user=target),
        "can_manage": permissions.can_manage_officer(request.user, target),
        **login_history_context(request, target),
        **_personal_data_context(request, target, revealed=revealed, reveal_error=error),
    }
    response = render(request, "backoffice/admin/user_detail.html", context, status=400 if error else 200)
    response["Cache-Control"] = "no-store"
    return response


@officer_required(roles=ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    """An agency, ward or city admin creates an officer with a first assignment inside its scope."""
    form = OfficerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            officer, _assignment = services.create_officer(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                agency=data["agency"],
                role=data["role"],
                fields=form.field_codes(),
                include_subtree=data["include_subtree"],
                password=data["password"] or None,
                email=data["email"],
                phone=data["phone"],
            )
        except (AgencyError, AccountError) as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:  # the password validators
            form.add_error("password", exc)
        else:
            messages.success(request, _("Đã tạo tài khoản cán bộ %(name)s.") % {"name": officer.display_name})
            return redirect("backoffice:user_detail", pk=officer.pk)
    return render(request, "backoffice/admin/user_create.html", {"form": form})


@officer_required(roles=ADMIN_ROLES)
@require_http_methods(["POST"])
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Locks or unlocks an officer whose assignments all lie in the admin's scope."""
    target = _user_or_404(request.user, pk)
    if not permissions.can_manage_officer(request.user, target):
        raise Http404
    active = request.POST.get("active") == "1"
    services.set_officer_active(actor=request.user, officer=target, active=active)
    messages.success(request, _("Đã mở khóa tài khoản.") if active else _("Đã khóa tài khoản."))
    return redirect("backoffice:user_detail", pk=target.pk)


def admin_home(request: HttpRequest) -> HttpResponse:
    """The "Quản trị" menu entry: the agency list is the administration start page."""
    return redirect("backoffice:agencies")
