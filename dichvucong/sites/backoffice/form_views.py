"""Back-office form builder: the forms an admin may see, the drag-and-drop builder with a live preview
rendered by the server, drafts, publishing, version history, import/export as JSON, cloning and
field templates.

Who may do what (checked here for every object, before any service is called):
- city admins see and edit every form, city-wide forms (no owner agency) included;
- agency admins see their agencies' forms (editable) and the city-wide ones (read-only: clone them);
- everyone else gets the 403 page. A form outside what the admin may see is a 404.
Writes go through ``forms.services`` (which check, version and audit). The preview never writes.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dichvucong.agencies.constants import ADMIN_ROLES
from dichvucong.agencies.models import Agency
from dichvucong.forms import selectors, services
from dichvucong.forms.constants import MAX_DEFINITION_BYTES, Binding, FieldType
from dichvucong.forms.definition import check_definition
from dichvucong.forms.errors import FormError, Problem
from dichvucong.forms.models import FormDefinition, FormVersion
from dichvucong.forms.palette import build_schema
from dichvucong.forms.rendering import render_form
from dichvucong.forms.spec import FormSpec
from dichvucong.sites.backoffice.access import forbidden, officer_required

# Keys that are URL segments of the builder's own pages (``forms/field-templates/``).
RESERVED_KEYS = frozenset({"field-templates"})

# --- permissions ----------------------------------------------------------------------------------


def _visible_or_404(request: HttpRequest, key: str) -> FormDefinition:
    definition = selectors.list_form_definitions(scope=request.data_scope).filter(key=key).first()  # type: ignore[attr-defined]
    if definition is None:
        raise Http404
    return definition


def _editable_or_403(request: HttpRequest, key: str) -> FormDefinition | HttpResponse:
    definition = _visible_or_404(request, key)
    if not selectors.may_edit_definition(request.data_scope, definition):  # type: ignore[attr-defined]
        return forbidden(request)
    return definition


def _owner_agencies(scope: Any) -> Any:
    ids = selectors.admin_agency_ids(scope)
    return (
        Agency.objects.order_by("path") if ids is None else Agency.objects.filter(pk__in=ids).order_by("path")
    )


# --- forms -----------------------------------------------------------------------------------------


class DefinitionForm(forms.Form):
    key = forms.SlugField(
        label=gettext_lazy("Mã biểu mẫu"),
        max_length=100,
        help_text=gettext_lazy("Chữ không dấu, số và gạch ngang, ví dụ: to-khai-cu-tru."),
    )
    name = forms.CharField(label=gettext_lazy("Tên biểu mẫu"), max_length=300)
    owner_agency = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan sở hữu"), queryset=Agency.objects.none(), required=False
    )

    def __init__(self, *args: Any, scope: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner_agency"]
        field.queryset = _owner_agencies(scope)
        if selectors.admin_agency_ids(scope) is None:
            field.empty_label = _("Biểu mẫu dùng chung của Thành phố")
        else:
            field.required = True
            field.empty_label = None

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip().lower()
        if key in RESERVED_KEYS or FormDefinition.objects.filter(key=key).exists():
            raise forms.ValidationError(_("Mã biểu mẫu này đã được dùng."))
        return key


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp biểu mẫu (.json)"))


class PublishForm(forms.Form):
    change_note = forms.CharField(label=gettext_lazy("Ghi chú thay đổi"), max_length=500, required=False)


# --- helpers ---------------------------------------------------------------------------------------


def _posted_ui_schema(request: HttpRequest) -> tuple[dict[str, Any] | None, list[Problem]]:
    raw = request.POST.get("ui_schema", "")
    if len(raw) > MAX_DEFINITION_BYTES:
        return None, [Problem("", "too_large", _("Biểu mẫu quá lớn."))]
    try:
        ui_schema = json.loads(raw)
    except ValueError:
        return None, [Problem("/ui_schema", "json", _("Dữ liệu biểu mẫu gửi lên không đọc được."))]
    if not isinstance(ui_schema, dict) or not isinstance(ui_schema.get("fields"), list):
        return None, [Problem("/ui_schema/fields", "type", _("Dữ liệu biểu mẫu gửi lên không đọc được."))]
    return ui_schema, []


def _describe(problems: list[Problem], ui_schema: dict[str, Any] | None) -> list[dict[str, str]]:
    """Problems with the field they concern in words ("Trường 3 “Họ và tên”")."""
    fields = (ui_schema or {}).get("fields") or []
    described = []
    for problem in problems:
        parts = problem.path.strip("/").split("/")
        where = problem.path
        if len(parts) >= 3 and parts[0] == "ui_schema" and parts[1] == "fields" and parts[2].isdigit():
            index = int(parts[2])
            item = fields[index] if index < len(fields) and isinstance(fields[index], dict) else {}
            label = (item.get("label") or {}).get("vi") if isinstance(item.get("label"), dict) else ""
            where = _("Trường %(number)s “%(label)s”") % {
                "number": index + 1,
                "label": label or item.get("key", ""),
            }
        described.append({"path": problem.path, "where": where, "message": problem.message})
    return described


def _builder_data(request: HttpRequest, ui_schema: dict[str, Any]) -> dict[str, Any]:
    templates = selectors.list_field_templates(scope=request.data_scope)  # type: ignore[attr-defined]
    return {
        "fields": ui_schema.get("fields") or [],
        "types": [{"value": value, "label": str(label)} for value, label in FieldType.choices],
        "bindings": [{"value": value, "label": str(label)} for value, label in Binding.choices],
        "templates": [{"id": item.pk, "name": item.name, "field": item.field} for item in templates[:200]],
        "template_url": reverse("backoffice:form_field_template_create"),
        "labels": {
            "up": _("Lên"),
            "down": _("Xuống"),
            "edit": _("Sửa"),
            "remove": _("Xóa"),
            "key": _("Mã trường"),
            "label_vi": _("Nhãn (tiếng Việt)"),
            "label_en": _("Nhãn (tiếng Anh)"),
            "help_vi": _("Hướng dẫn (tiếng Việt)"),
            "help_en": _("Hướng dẫn (tiếng Anh)"),
            "required": _("Bắt buộc"),
            "binding": _("Lấy sẵn từ hồ sơ cá nhân"),
            "no_binding": _("— Không —"),
            "locked": _("Không cho sửa giá trị lấy sẵn"),
            "options": _("Các lựa chọn (mỗi dòng: giá trị|nhãn tiếng Việt|nhãn tiếng Anh)"),
            "min_length": _("Số ký tự tối thiểu"),
            "max_length": _("Số ký tự tối đa"),
            "minimum": _("Giá trị nhỏ nhất"),
            "maximum": _("Giá trị lớn nhất"),
            "document_key": _("Mã thành phần hồ sơ"),
            "wallet_type": _("Loại giấy tờ dùng lại từ kho dữ liệu (không bắt buộc)"),
            "min_items": _("Số dòng tối thiểu"),
            "max_items": _("Số dòng tối đa"),
            "visible_if": _("Chỉ hiện khi trường"),
            "always": _("— Luôn hiện —"),
            "equals": _("có giá trị"),
            "yes": _("Có"),
            "no": _("Không"),
            "save_template": _("Lưu thành mẫu trường"),
            "template_saved": _("Đã lưu mẫu trường."),
            "empty": _("Chưa có trường nào. Kéo một loại trường từ bảng bên trái vào đây, hoặc bấm vào nó."),
            "empty_group": _("Nhóm chưa có trường. Kéo một loại trường vào đây."),
            "no_selection": _("Chọn một trường để sửa thuộc tính."),
            "moved": _("Đã chuyển “%(label)s” tới vị trí %(position)s."),
            "added": _("Đã thêm “%(label)s”."),
            "removed": _("Đã xóa “%(label)s”."),
            "new_field": _("Trường mới"),
            "field_count": _("%(count)s trường"),
        },
    }


def _preview_spec(definition: FormDefinition, ui_schema: dict[str, Any]) -> FormSpec:
    return FormSpec(
        schema=build_schema(ui_schema["fields"]), ui_schema=ui_schema, key=definition.key, number=0
    )


def _edit_context(
    request: HttpRequest,
    definition: FormDefinition,
    version: FormVersion | None,
    *,
    ui_schema: dict[str, Any] | None = None,
    problems: list[Problem] = (),  # type: ignore[assignment]
) -> dict[str, Any]:
    ui_schema = (
        ui_schema
        if ui_schema is not None
        else (version.ui_schema if version else {"version": 1, "fields": []})
    )
    return {
        "definition": definition,
        "version": version,
        "editable": selectors.may_edit_definition(request.data_scope, definition),  # type: ignore[attr-defined]
        "versions": list(selectors.list_versions(definition)),
        "builder_data": _builder_data(request, ui_schema),
        "ui_schema_json": json.dumps(ui_schema, ensure_ascii=False),
        "problems": _describe(list(problems), ui_schema),
        "publish_form": PublishForm(),
        "import_form": ImportForm(),
        "clone_form": DefinitionForm(scope=request.data_scope, prefix="clone"),  # type: ignore[attr-defined]
    }


# --- views -----------------------------------------------------------------------------------------


@officer_required(roles=ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def form_list(request: HttpRequest) -> HttpResponse:
    """The forms the admin may see, and a new blank form."""
    scope = request.data_scope  # type: ignore[attr-defined]
    create_form = DefinitionForm(request.POST or None, scope=scope)
    if request.method == "POST" and create_form.is_valid():
        data = create_form.cleaned_data
        try:
            definition = services.create_form_definition(
                key=data["key"], name=data["name"], owner_agency=data["owner_agency"], actor=request.user
            )
        except FormError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("backoffice:form_edit", key=definition.key)
    definitions = list(selectors.list_form_definitions(scope=scope).prefetch_related("versions"))
    rows = []
    for definition in definitions:
        versions = list(definition.versions.all())
        rows.append(
            {
                "definition": definition,
                "published": next((v for v in versions if v.status == "published"), None),
                "draft": next((v for v in versions if v.status == "draft"), None),
                "editable": selectors.may_edit_definition(scope, definition),
            }
        )
    status = 400 if request.method == "POST" else 200
    return render(
        request, "backoffice/forms/list.html", {"rows": rows, "create_form": create_form}, status=status
    )


@officer_required(roles=ADMIN_ROLES)
@require_GET
def form_edit(request: HttpRequest, key: str) -> HttpResponse:
    """The builder for the form's working version (its draft, else the published one)."""
    definition = _visible_or_404(request, key)
    version = selectors.get_working_version(definition)
    return render(request, "backoffice/forms/edit.html", _edit_context(request, definition, version))


@officer_required(roles=ADMIN_ROLES)
@require_POST
def form_save(request: HttpRequest, key: str) -> HttpResponse:
    definition = _editable_or_403(request, key)
    if isinstance(definition, HttpResponse):
        return definition
    ui_schema, problems = _posted_ui_schema(request)
    if ui_schema is not None:
        try:
            version = services.save_form_draft(definition=definition, actor=request.user, ui_schema=ui_schema)
        except FormError as exc:
            problems = exc.problems
        else:
            messages.success(
                request, _("Đã lưu bản nháp (phiên bản %(number)s).") % {"number": version.number}
            )
            return redirect("backoffice:form_edit", key=key)
    context = _edit_context(
        request, definition, selectors.get_working_version(definition), ui_schema=ui_schema, problems=problems
    )
    return render(request, "backoffice/forms/edit.html", context, status=400)


@officer_required(roles=ADMIN_ROLES)
@require_POST
def form_publish(request: HttpRequest, key: str) -> HttpResponse:
    definition = _editable_or_403(request, key)
    if isinstance(definition, HttpResponse):
        return definition
    ui_schema, problems = _posted_ui_schema(request)
    publish_form = PublishForm(request.POST)
    note = publish_form.cleaned_data["change_note"] if publish_form.is_valid() else ""
    if ui_schema is not None:
        try:
            version = services.save_and_publish_form(
                definition=definition, actor=request.user, ui_schema=ui_schema, change_note=note
            )
        except FormError as exc:
            problems = exc.problems or [Problem("", exc.code, exc.message)]
        else:
            messages.success(request, _("Đã công bố phiên bản %(number)s.") % {"number": version.number})
            return redirect("backoffice:form_edit", key=key)
    context = _edit_context(
        request, definition, selectors.get_working_version(definition), ui_schema=ui_schema, problems=problems
    )
    return render(request, "backoffice/forms/edit.html", context, status=400)


@officer_required(roles=ADMIN_ROLES)
@require_POST
def form_discard(request: HttpRequest, key: str) -> HttpResponse:
    definition = _editable_or_403(request, key)
    if isinstance(definition, HttpResponse):
        return definition
    draft = selectors.get_draft(definition)
    if draft is not None:
        services.discard_form_draft(version=draft, actor=request.user)
        messages.success(request, _("Đã hủy bản nháp."))
    return redirect("backoffice:form_edit", key=key)


@officer_required(roles=ADMIN_ROLES)
@require_POST
def form_preview(request: HttpRequest, key: str) -> HttpResponse:
    """The form as citizens will see it, rendered from the posted fields (htmx; nothing is stored)."""
    definition = _visible_or_404(request, key)
    ui_schema, problems = _posted_ui_schema(request)
    if ui_schema is not None:
        try:
            schema = build_schema(ui_schema["fields"])
        except (KeyError, TypeError, ValueError, AttributeError):
            schema = {}
        problems = check_definition(schema, ui_schema)
    context: dict[str, Any] = {"problems": _describe(problems, ui_schema), "count": 0}
    if not problems and ui_schema is not None:
        spec = _preview_spec(definition, ui_schema)
        context["form_html"] = render_form(spec, prefix="preview", heading_level=3)
        context["count"] = len(ui_schema["fields"])
    return render(request, "backoffice/forms/_preview.html", context)


@officer_required(roles=ADMIN_ROLES)
@require_GET
def form_version(request: HttpRequest, key: str, number: int) -> HttpResponse:
    """One version, read-only: the rendered form and its JSON."""
    definition = _visible_or_404(request, key)
    version = definition.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return render(
        request,
        "backoffice/forms/version.html",
        {
            "definition": definition,
            "version": version,
            "form_html": render_form(version.spec, prefix="view", heading_level=3),
            "schema_json": json.dumps(version.schema, ensure_ascii=False, indent=2),
        },
    )


@officer_required(roles=ADMIN_ROLES)
@require_GET
def form_export(request: HttpRequest, key: str) -> HttpResponse:
    definition = _visible_or_404(request, key)
    number = request.GET.get("number")
    version = (
        definition.versions.filter(number=int(number)).first()
        if number and number.isdigit()
        else selectors.get_working_version(definition)
    )
    if version is None:
        raise Http404
    body = json.dumps(selectors.export_form_version(version), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{definition.key}-v{version.number}.json"'
    return response


@officer_required(roles=ADMIN_ROLES)
@require_POST
def form_import(request: HttpRequest, key: str) -> HttpResponse:
    definition = _editable_or_403(request, key)
    if isinstance(definition, HttpResponse):
        return definition
    upload = request.FILES.get("file")
    problems: list[Problem]
    if upload is None:
        problems = [Problem("", "file", _("Hãy chọn tệp .json để nhập."))]
    elif upload.size > MAX_DEFINITION_BYTES:
        problems = [Problem("", "too_large", _("Tệp quá lớn."))]
    else:
        try:
            services.import_form_draft(definition=definition, payload=upload.read(), actor=request.user)
        except FormError as exc:
            problems = exc.problems or [Problem("", exc.code, exc.message)]
        else:
            messages.success(request, _("Đã nhập biểu mẫu vào bản nháp."))
            return redirect("backoffice:form_edit", key=key)
    context = _edit_context(request, definition, selectors.get_working_version(definition), problems=problems)
    return render(request, "backoffice/forms/edit.html", context, status=400)


@officer_required(roles=ADMIN_ROLES)
@require_POST
def form_clone(request: HttpRequest, key: str) -> HttpResponse:
    definition = _visible_or_404(request, key)
    source = selectors.get_working_version(definition)
    clone_form = DefinitionForm(request.POST, scope=request.data_scope, prefix="clone")  # type: ignore[attr-defined]
    if source is not None and clone_form.is_valid():
        data = clone_form.cleaned_data
        copy = services.clone_form_definition(
            source=source,
            key=data["key"],
            name=data["name"],
            owner_agency=data["owner_agency"],
            actor=request.user,
        )
        messages.success(request, _("Đã sao chép thành biểu mẫu mới."))
        return redirect("backoffice:form_edit", key=copy.key)
    context = _edit_context(request, definition, source)
    context["clone_form"] = clone_form
    return render(request, "backoffice/forms/edit.html", context, status=400)


@officer_required(roles=ADMIN_ROLES)
@require_POST
def form_field_template_create(request: HttpRequest) -> HttpResponse:
    """Keep a field for reuse (called by the builder; JSON in, JSON out)."""
    try:
        field = json.loads(request.POST.get("field", ""))
    except ValueError:
        return JsonResponse({"error": _("Dữ liệu không đọc được.")}, status=400)
    scope = request.data_scope  # type: ignore[attr-defined]
    ids = selectors.admin_agency_ids(scope)
    owner = None if ids is None else Agency.objects.filter(pk__in=ids).order_by("path").first()
    name = (request.POST.get("name") or "").strip() or str((field.get("label") or {}).get("vi") or "")
    try:
        template = services.create_field_template(
            name=name, field=field, owner_agency=owner, actor=request.user
        )
    except FormError as exc:
        return JsonResponse(
            {"error": exc.message, "problems": [p.as_dict() for p in exc.problems]}, status=400
        )
    return JsonResponse({"id": template.pk, "name": template.name, "field": template.field}, status=201)
