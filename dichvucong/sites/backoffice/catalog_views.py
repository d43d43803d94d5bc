"""Back-office catalog editing: list, version history, draft editing and publishing.

City admins edit every procedure; agency admins only those with a local variant at an agency in their
scope (``procedures.selectors.list_editable_procedures``). A procedure outside the scope is a 404,
exactly like one that does not exist. Writes go through ``procedures.services`` (audited).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from dichvucong.accounts.constants import AssuranceLevel
from dichvucong.agencies.constants import ADMIN_ROLES
from dichvucong.core.text import fold
from dichvucong.forms.constants import FormVersionStatus
from dichvucong.forms.models import FormVersion
from dichvucong.forms.selectors import list_form_definitions
from dichvucong.procedures import selectors, services
from dichvucong.procedures.constants import CatalogScope, Channel, DurationUnit, OnlineLevel, VersionStatus
from dichvucong.procedures.models import Field, Procedure, ProcedureVersion
from dichvucong.sites.backoffice.access import officer_required

PAGE_SIZE = 50
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
TEMPLATE_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".rtf")


def _mark_errors(form: forms.BaseForm) -> None:
    """Ties each field's error message to its control (aria-invalid, aria-describedby)."""
    for name in form.errors:
        if name in form.fields:
            bound = form[name]
            attrs = form.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{bound.auto_id}_error"


def _procedure_or_404(user: Any, code: str) -> Procedure:
    procedure = selectors.list_editable_procedures(user).filter(code=code).first()
    if procedure is None:
        raise Http404
    return procedure


class FilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Tên hoặc mã thủ tục"), max_length=200, required=False)
    field = forms.ModelChoiceField(
        label=gettext_lazy("Lĩnh vực"), queryset=Field.objects.order_by("name"), required=False
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Phạm vi"),
        choices=[("", gettext_lazy("Tất cả")), *CatalogScope.choices],
        required=False,
    )
    draft = forms.BooleanField(label=gettext_lazy("Chỉ thủ tục đang có bản nháp"), required=False)


@officer_required(roles=ADMIN_ROLES)
def catalog_list(request: HttpRequest) -> HttpResponse:
    """The procedures the admin may edit, filterable by name/code (accents optional), field and scope."""
    form = FilterForm(request.GET or None)
    procedures = selectors.list_editable_procedures(request.user).order_by("code")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            query = data["q"].strip()
            procedures = procedures.filter(
                Q(code__startswith=query) | Q(current_version__search_name__contains=fold(query))
            )
        if data["field"]:
            procedures = procedures.filter(current_version__field=data["field"])
        if data["scope"]:
            procedures = procedures.filter(scope=data["scope"])
        if data["draft"]:
            procedures = procedures.filter(versions__status=VersionStatus.DRAFT)
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("page"))
    drafts = set(
        ProcedureVersion.objects.filter(
            status=VersionStatus.DRAFT, procedure__in=[p.pk for p in page.object_list]
        ).values_list("procedure_id", flat=True)
    )
    return render(request, "backoffice/catalog/list.html", {"form": form, "page": page, "drafts": drafts})


@officer_required(roles=ADMIN_ROLES)
def catalog_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A procedure's version history with status, author, dates and change notes."""
    procedure = _procedure_or_404(request.user, code)
    versions = list(selectors.list_versions(procedure))
    draft = next((version for version in versions if version.status == VersionStatus.DRAFT), None)
    return render(
        request,
        "backoffice/catalog/detail.html",
        {"procedure": procedure, "versions": versions, "draft": draft, "publish_form": PublishForm()},
    )


@officer_required(roles=ADMIN_ROLES)
def catalog_version(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """One version, with what changed since the version before it."""
    procedure = _procedure_or_404(request.user, code)
    version = selectors.list_versions(procedure).filter(number=number).first()
    if version is None:
        raise Http404
    previous = selectors.list_versions(procedure).filter(number__lt=number).first()
    return render(
        request,
        "backoffice/catalog/version.html",
        {
            "procedure": procedure,
            "version": version,
            "previous": previous,
            "changes": selectors.diff_versions(previous, version),
        },
    )


@officer_required(roles=ADMIN_ROLES)
@require_POST
def catalog_start_draft(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure_or_404(request.user, code)
    try:
        services.start_draft(procedure=procedure, actor=request.user)
    except services.CatalogError as exc:
        messages.error(request, exc.message)
        return redirect("backoffice:catalog_detail", code=code)
    return redirect("backoffice:catalog_edit", code=code)


class DraftForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Tên thủ tục"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    name_en = forms.CharField(
        label=gettext_lazy("Tên tiếng Anh"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    field = forms.ModelChoiceField(label=gettext_lazy("Lĩnh vực"), queryset=Field.objects.order_by("name"))
    online_level = forms.ChoiceField(
        label=gettext_lazy("Mức độ dịch vụ công trực tuyến"), choices=OnlineLevel.choices
    )
    min_assurance_level = forms.TypedChoiceField(
        label=gettext_lazy("Mức xác thực tối thiểu để nộp trực tuyến"),
        choices=AssuranceLevel.choices,
        coerce=int,
    )
    level_central = forms.BooleanField(label=gettext_lazy("Cấp bộ"), required=False)
    level_city = forms.BooleanField(label=gettext_lazy("Cấp tỉnh"), required=False)
    level_ward = forms.BooleanField(label=gettext_lazy("Cấp xã"), required=False)
    for_citizens = forms.BooleanField(label=gettext_lazy("Công dân"), required=False)
    for_businesses = forms.BooleanField(label=gettext_lazy("Doanh nghiệp, tổ chức"), required=False)
    conditions = forms.CharField(
        label=gettext_lazy("Yêu cầu, điều kiện"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    steps = forms.CharField(
        label=gettext_lazy("Trình tự thực hiện"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Mỗi bước một dòng, ví dụ: Bước 1: Nộp hồ sơ tại Bộ phận Một cửa."),
    )
    legal_basis = forms.CharField(
        label=gettext_lazy("Căn cứ pháp lý"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Mỗi văn bản một dòng: số hiệu | tên văn bản, ví dụ 04/2020/TT-BTP | Thông tư hộ tịch."
        ),
    )
    fee_exemptions = forms.CharField(
        label=gettext_lazy("Đối tượng được miễn, giảm phí"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_steps(self) -> list[dict[str, str]]:
        steps = []
        for line in self.cleaned_data["steps"].splitlines():
            line = line.strip()
            if line:
                title, separator, text = line.partition(":")
                steps.append(
                    {"title": title.strip(), "text": text.strip()}
                    if separator
                    else {"title": "", "text": line}
                )
        return steps

    def clean_legal_basis(self) -> list[dict[str, str]]:
        items = []
        for number_line, line in enumerate(self.cleaned_data["legal_basis"].splitlines(), start=1):
            if not line.strip():
                continue
            number, separator, title = line.partition("|")
            if not separator or not number.strip():
                raise forms.ValidationError(
                    _("Dòng %(line)s phải có dạng “số hiệu | tên văn bản”.") % {"line": number_line}
                )
            items.append({"number": number.strip(), "title": title.strip()})
        return items

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("level_central") or data.get("level_city") or data.get("level_ward")):
            self.add_error("level_ward", _("Hãy chọn ít nhất một cấp thực hiện."))
        if not (data.get("for_citizens") or data.get("for_businesses")):
            self.add_error("for_citizens", _("Hãy chọn ít nhất một đối tượng thực hiện."))
        return data


class OptionForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("Hình thức nộp"), choices=Channel.choices)
    duration = forms.DecimalField(
        label=gettext_lazy("Thời hạn giải quyết"), required=False, min_value=0, max_digits=8, decimal_places=2
    )
    duration_unit = forms.ChoiceField(label=gettext_lazy("Đơn vị thời gian"), choices=DurationUnit.choices)
    description = forms.CharField(label=gettext_lazy("Mô tả"), required=False, max_length=2000)


class FeeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Tên phí, lệ phí"), max_length=300, required=False)
    amount = forms.DecimalField(
        label=gettext_lazy("Mức thu"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    currency = forms.ChoiceField(label=gettext_lazy("Đơn vị"), choices=[("VND", "VND"), ("USD", "USD")])
    description = forms.CharField(label=gettext_lazy("Mô tả"), required=False, max_length=2000)


class DocumentForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Tên giấy tờ"), max_length=2000)
    case = forms.CharField(label=gettext_lazy("Trường hợp"), max_length=500, required=False)
    originals = forms.IntegerField(label=gettext_lazy("Số bản chính"), min_value=0, max_value=100, initial=1)
    copies = forms.IntegerField(label=gettext_lazy("Số bản sao"), min_value=0, max_value=100, initial=0)
    template_name = forms.CharField(label=gettext_lazy("Mẫu đơn, tờ khai"), max_length=500, required=False)
    template_file = forms.FileField(
        label=gettext_lazy("Tệp mẫu đơn"),
        required=False,
        help_text=gettext_lazy("PDF, Word, Excel hoặc ODT; tối đa 5 MB."),
    )

    def clean_template_file(self) -> Any:
        upload = self.cleaned_data.get("template_file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the file already saved
            if not upload.name.lower().endswith(TEMPLATE_EXTENSIONS):
                raise forms.ValidationError(_("Chỉ nhận tệp PDF, Word, Excel hoặc ODT."))
            if upload.size > MAX_TEMPLATE_BYTES:
                raise forms.ValidationError(_("Tệp mẫu đơn tối đa 5 MB."))
        return upload


OptionFormSet = forms.formset_factory(OptionForm, extra=1, can_delete=True, max_num=10, validate_max=True)
FeeFormSet = forms.formset_factory(FeeForm, extra=1, can_delete=True, max_num=20, validate_max=True)
DocumentFormSet = forms.formset_factory(
    DocumentForm, extra=1, can_delete=True, max_num=100, validate_max=True
)


def _draft_initial(draft: ProcedureVersion) -> dict[str, Any]:
    return {
        "name": draft.name,
        "name_en": draft.name_en,
        "field": draft.field,
        "online_level": draft.online_level,
        "min_assurance_level": draft.min_assurance_level,
        "level_central": draft.level_central,
        "level_city": draft.level_city,
        "level_ward": draft.level_ward,
        "for_citizens": draft.for_citizens,
        "for_businesses": draft.for_businesses,
        "conditions": draft.conditions,
        "steps": "\n".join(
            f"{step.get('title')}: {step.get('text')}" if step.get("title") else str(step.get("text", ""))
            for step in draft.steps
            if isinstance(step, dict)
        ),
        "legal_basis": "\n".join(
            f"{item.get('number', '')} | {item.get('title', '')}"
            for item in draft.legal_basis
            if isinstance(item, dict)
        ),
        "fee_exemptions": draft.fee_exemptions,
    }


def _rows(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The filled-in, not deleted rows of a valid formset (blank extra rows have no cleaned data)."""
    return [
        {key: value for key, value in form.cleaned_data.items() if key != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


@officer_required(roles=ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def catalog_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Edit the draft: content, channels and times, fees, documents (with template files), legal basis."""
    procedure = _procedure_or_404(request.user, code)
    draft = services.get_draft(procedure)
    if draft is None:
        messages.info(request, _("Hãy tạo bản nháp trước khi sửa."))
        return redirect("backoffice:catalog_detail", code=code)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = DraftForm(data, initial=_draft_initial(draft))
    options = OptionFormSet(
        data,
        prefix="options",
        initial=[
            {
                "channel": o.channel,
                "duration": o.duration,
                "duration_unit": o.duration_unit,
                "description": o.description,
            }
            for o in draft.options.all()
        ],
    )
    fees = FeeFormSet(
        data,
        prefix="fees",
        initial=[
            {"name": f.name, "amount": f.amount, "currency": f.currency, "description": f.description}
            for f in draft.fees.all()
        ],
    )
    documents = DocumentFormSet(
        data,
        files,
        prefix="documents",
        initial=[
            {
                "name": d.name,
                "case": d.case,
                "originals": d.originals,
                "copies": d.copies,
                "template_name": d.template_name,
                "template_file": d.template_file or None,
            }
            for d in draft.documents.all()
        ],
    )
    if request.method == "POST":
        valid = all([form.is_valid(), options.is_valid(), fees.is_valid(), documents.is_valid()])
        if valid:
            changes = {key: value for key, value in form.cleaned_data.items()}
            option_rows = [dict(row, fees=[]) for row in _rows(options)]
            document_rows = []
            for row in _rows(documents):
                if not row.get("template_file"):
                    row.pop("template_file", None)
                document_rows.append(row)
            try:
                services.update_draft(
                    version=draft,
                    actor=request.user,
                    changes=changes,
                    options=option_rows,
                    fees=_rows(fees),
                    documents=document_rows,
                )
            except services.CatalogError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Đã lưu bản nháp."))
                return redirect("backoffice:catalog_detail", code=code)
        _mark_errors(form)
        for formset in (options, fees, documents):
            for subform in formset.forms:
                _mark_errors(subform)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "backoffice/catalog/edit.html",
        {
            "procedure": procedure,
            "draft": draft,
            "form": form,
            "formsets": [
                (_("Cách thức thực hiện"), options),
                (_("Phí, lệ phí"), fees),
                (_("Thành phần hồ sơ"), documents),
            ],
        },
        status=status,
    )


class PublishForm(forms.Form):
    change_note = forms.CharField(
        label=gettext_lazy("Ghi chú thay đổi"),
        max_length=500,
        help_text=gettext_lazy("Nội dung đã thay đổi so với phiên bản đang áp dụng."),
    )


@officer_required(roles=ADMIN_ROLES)
@require_POST
def catalog_publish(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure_or_404(request.user, code)
    draft = services.get_draft(procedure)
    form = PublishForm(request.POST)
    if draft is None:
        raise Http404
    if not form.is_valid():
        _mark_errors(form)
        versions = list(selectors.list_versions(procedure))
        return render(
            request,
            "backoffice/catalog/detail.html",
            {"procedure": procedure, "versions": versions, "draft": draft, "publish_form": form},
            status=400,
        )
    services.publish_draft(version=draft, actor=request.user, change_note=form.cleaned_data["change_note"])
    messages.success(request, _("Đã công bố phiên bản %(number)s.") % {"number": draft.number})
    return redirect("backoffice:catalog_detail", code=code)


@officer_required(roles=ADMIN_ROLES)
@require_POST
def catalog_discard(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure_or_404(request.user, code)
    draft = services.get_draft(procedure)
    if draft is not None:
        services.discard_draft(version=draft, actor=request.user)
        messages.success(request, _("Đã hủy bản nháp."))
    return redirect("backoffice:catalog_detail", code=code)


# --- the application form of a procedure version ------------------------------------------------------


class FormChoiceForm(forms.Form):
    form_version = forms.ModelChoiceField(
        label=gettext_lazy("Biểu mẫu tờ khai"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Không dùng biểu mẫu (chỉ nội dung yêu cầu)"),
    )

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["form_version"]
        field.queryset = choices
        field.label_from_instance = lambda version: f"{version.definition.name} (v{version.number})"


@officer_required(roles=ADMIN_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def catalog_form(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """Which application form a procedure version uses: chosen on a draft (published forms only)."""
    procedure = _procedure_or_404(request.user, code)
    version = (
        selectors.list_versions(procedure)
        .select_related("form_version__definition")
        .filter(number=number)
        .first()
    )
    if version is None:
        raise Http404
    choices = FormVersion.objects.filter(
        status=FormVersionStatus.PUBLISHED,
        definition__in=list_form_definitions(scope=request.data_scope),  # type: ignore[attr-defined]
    ).select_related("definition")
    form = FormChoiceForm(
        request.POST or None, choices=choices, initial={"form_version": version.form_version}
    )
    editable = version.status == VersionStatus.DRAFT
    status = 200
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                services.choose_form(
                    version=version, form_version=form.cleaned_data["form_version"], actor=request.user
                )
            except services.CatalogError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Đã chọn biểu mẫu tờ khai cho phiên bản này."))
                return redirect("backoffice:catalog_version", code=code, number=number)
        status = 400
        _mark_errors(form)
    return render(
        request,
        "backoffice/catalog/form_choice.html",
        {"procedure": procedure, "version": version, "form": form, "editable": editable},
        status=status,
    )
