"""Django admin for city admins only (X8): the technical back door to agencies, office hours,
assignments, accounts and organisations.

``admin.site`` is opened to active superusers and active users with a city-admin assignment, and to
nobody else (``is_staff`` alone is not enough). Changes made here go through the same services as
the back-office pages, so they are scope-checked, keep the tree paths right and are audited. The
account models are registered here rather than in ``accounts`` because only this layer knows who
is a city admin.
"""

from __future__ import annotations

import itertools
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.models import Membership, Organisation, User
from dichvucong.agencies import services
from dichvucong.agencies.constants import default_office_hours
from dichvucong.agencies.models import Agency, Assignment, OfficeHours
from dichvucong.agencies.permissions import is_city_admin
from dichvucong.core.audit import record_audit


def city_admin_has_permission(request: HttpRequest) -> bool:
    """Replaces ``AdminSite.has_permission``: only active city admins (and superusers) get in."""
    return bool(request.user.is_active and is_city_admin(request.user))


class CityAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin login form, accepting city admins rather than ``is_staff`` users."""

    def confirm_login_allowed(self, user: Any) -> None:
        AuthenticationForm.confirm_login_allowed(self, user)
        if not is_city_admin(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


admin.site.has_permission = city_admin_has_permission  # type: ignore[method-assign]
admin.site.login_form = CityAdminAuthenticationForm
admin.site.site_header = _("Quản trị hệ thống Dịch vụ công")
admin.site.site_title = _("Quản trị hệ thống Dịch vụ công")


class CityAdminOnly:
    """Model admin permissions granted by the city-admin role instead of Django model permissions."""

    allow_delete = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_city_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_city_admin(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_city_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_city_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.allow_delete and is_city_admin(request.user)


class OfficeHoursFormSet(BaseInlineFormSet):
    """Refuses overlapping windows on one day before the service would."""

    def clean(self) -> None:
        super().clean()
        windows = sorted(
            (form.cleaned_data["weekday"], form.cleaned_data["opens"], form.cleaned_data["closes"])
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not self._should_delete_form(form)
            and {"weekday", "opens", "closes"} <= form.cleaned_data.keys()
        )
        for (day_a, _opens_a, closes_a), (day_b, opens_b, _closes_b) in itertools.pairwise(windows):
            if day_a == day_b and opens_b < closes_a:
                raise ValidationError(
                    _("Các khung giờ làm việc trong cùng một ngày không được chồng lên nhau.")
                )


class OfficeHoursInline(CityAdminOnly, admin.TabularInline):
    model = OfficeHours
    formset = OfficeHoursFormSet
    extra = 0
    allow_delete = True


class AgencyAdminForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "name_en",
            "kind",
            "parent",
            "nso_unit_code",
            "valid_from",
            "valid_until",
            "superseded_by",
        ]

    def clean_parent(self) -> Agency | None:
        parent = self.cleaned_data.get("parent")
        agency = self.instance
        if (
            parent is not None
            and agency.pk is not None
            and (parent.pk == agency.pk or parent.path.startswith(agency.path))
        ):
            raise ValidationError(_("Không thể chọn cơ quan cấp dưới (hoặc chính nó) làm cơ quan cấp trên."))
        return parent


@admin.register(Agency)
class AgencyAdmin(CityAdminOnly, admin.ModelAdmin):
    form = AgencyAdminForm
    list_display = ["code", "name", "kind", "parent", "nso_unit_code", "valid_until"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_en", "search_name", "nso_unit_code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent", "superseded_by"]
    inlines = [OfficeHoursInline]

    def save_model(self, request: HttpRequest, obj: Agency, form: forms.ModelForm, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in AgencyAdminForm.Meta.fields}
        if change:
            changed = {name: data[name] for name in form.changed_data if name in data}
            saved = services.update_agency(actor=request.user, agency=obj, **changed)
        else:
            saved = services.create_agency(
                actor=request.user,
                code=data["code"],
                name=data["name"],
                name_en=data["name_en"],
                kind=data["kind"],
                parent=data["parent"],
                nso_unit_code=data["nso_unit_code"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                office_hours=(),
            )
            if data["superseded_by"] is not None:
                saved = services.update_agency(
                    actor=request.user, agency=saved, superseded_by=data["superseded_by"]
                )
        obj.pk, obj.path, obj.search_name = saved.pk, saved.path, saved.search_name

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not OfficeHours:
            super().save_formset(request, form, formset, change)
            return
        # Start from the stored windows and apply the formset's edits, as a plain inline would.
        stored = {h.pk: (h.weekday, h.opens, h.closes) for h in form.instance.office_hours.all()}
        added = []
        for inline_form in formset.forms:
            data = getattr(inline_form, "cleaned_data", None) or {}
            pk = inline_form.instance.pk
            if pk is not None and pk in stored:
                if formset._should_delete_form(inline_form):
                    del stored[pk]
                elif data:
                    stored[pk] = (data["weekday"], data["opens"], data["closes"])
            elif data and inline_form.has_changed() and not formset._should_delete_form(inline_form):
                added.append((data["weekday"], data["opens"], data["closes"]))
        windows = [*stored.values(), *added]
        if not windows and not change:
            windows = list(default_office_hours(form.instance.kind))
        services.set_office_hours(actor=request.user, agency=form.instance, windows=windows)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(Assignment)
class AssignmentAdmin(CityAdminOnly, admin.ModelAdmin):
    list_display = ["user", "agency", "role", "include_subtree", "active"]
    list_filter = ["role", "active"]
    search_fields = ["user__username", "user__full_name", "agency__code", "agency__name"]
    list_select_related = ["user", "agency"]
    autocomplete_fields = ["user", "agency"]
    fields = ["user", "agency", "role", "fields", "include_subtree", "active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Assignment | None = None) -> list[str]:
        return ["user", "agency", "role"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Assignment, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        if change:
            saved = services.update_assignment(
                actor=request.user,
                assignment=Assignment.objects.get(pk=obj.pk),
                fields=data["fields"] or [],
                include_subtree=data["include_subtree"],
                active=data["active"],
            )
        else:
            saved = services.create_assignment(
                actor=request.user,
                user=data["user"],
                agency=data["agency"],
                role=data["role"],
                fields=data["fields"] or [],
                include_subtree=data["include_subtree"],
            )
        obj.pk = saved.pk


@admin.register(User)
class UserAdmin(CityAdminOnly, DjangoUserAdmin):
    list_display = ["username", "full_name", "kind", "email", "is_active"]
    list_filter = ["kind", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email", "phone"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("kind", "full_name", "email", "phone", "preferred_language")}),
        (_("Trạng thái"), {"fields": ("is_active", "is_superuser", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "kind", "full_name", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = list(self.readonly_fields)
        if not request.user.is_superuser:
            readonly.append("is_superuser")  # only a superuser makes another one
        return readonly

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record_audit(
            actor=request.user,
            action="accounts.admin_change_user" if change else "accounts.admin_create_user",
            target=obj,
            after={
                name: str(form.cleaned_data.get(name)) for name in form.changed_data if "password" not in name
            },
        )


class MembershipInline(CityAdminOnly, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    allow_delete = True


@admin.register(Organisation)
class OrganisationAdmin(CityAdminOnly, admin.ModelAdmin):
    list_display = ["name", "tax_code", "created_at"]
    search_fields = ["name", "tax_code"]
    inlines = [MembershipInline]
