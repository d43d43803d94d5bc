"""Back-office FAQ management: agency admins manage their agencies' questions, city admins all of them.

Thin views over ``procedures.faq`` (which checks the scope again and writes the audit trail). An entry
outside the user's admin scope is a 404, exactly like one that does not exist.
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

from dichvucong.agencies.constants import ADMIN_ROLES
from dichvucong.agencies.models import Agency
from dichvucong.agencies.selectors import list_agencies_administered
from dichvucong.core.text import fold
from dichvucong.procedures import faq as faq_services
from dichvucong.procedures.models import Faq, Field, Procedure
from dichvucong.sites.backoffice.access import officer_required

PAGE_SIZE = 50


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


class FaqForm(forms.Form):
    procedure_code = forms.CharField(
        label=gettext_lazy("Mã thủ tục"),
        max_length=32,
        required=False,
        help_text=gettext_lazy("Ví dụ 1.001193; để trống nếu câu hỏi về cả lĩnh vực."),
    )
    field = forms.ModelChoiceField(
        label=gettext_lazy("Lĩnh vực"), queryset=Field.objects.order_by("name"), required=False
    )
    agency = forms.ModelChoiceField(label=gettext_lazy("Cơ quan quản lý"), queryset=Agency.objects.none())
    question = forms.CharField(
        label=gettext_lazy("Câu hỏi"),
        max_length=faq_services.MAX_QUESTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    answer = forms.CharField(
        label=gettext_lazy("Trả lời"),
        max_length=faq_services.MAX_ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    question_en = forms.CharField(
        label=gettext_lazy("Câu hỏi tiếng Anh"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    answer_en = forms.CharField(
        label=gettext_lazy("Trả lời tiếng Anh"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    position = forms.IntegerField(label=gettext_lazy("Thứ tự"), min_value=0, max_value=32767, initial=0)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = list_agencies_administered(user).order_by("path")
        if faq_services.can_manage_faqs_of(user, None):
            self.fields["agency"].required = False
            self.fields["agency"].empty_label = _("Toàn Thành phố")

    def clean_procedure_code(self) -> Procedure | None:
        code = self.cleaned_data["procedure_code"].strip()
        if not code:
            return None
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None:
            raise forms.ValidationError(_("Không có thủ tục mã “%(code)s”.") % {"code": code})
        return procedure

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("procedure_code") and not data.get("field") and "procedure_code" not in self.errors:
            self.add_error("procedure_code", _("Hãy chọn thủ tục hoặc lĩnh vực của câu hỏi."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp CSV hoặc JSON"),
        help_text=gettext_lazy(
            "Cột: procedure_code, field_code, question, answer, question_en, answer_en, position, "
            "is_published. UTF-8, tối đa 2 MB."
        ),
    )
    agency = forms.ModelChoiceField(label=gettext_lazy("Cơ quan quản lý"), queryset=Agency.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = list_agencies_administered(user).order_by("path")
        if faq_services.can_manage_faqs_of(user, None):
            self.fields["agency"].required = False
            self.fields["agency"].empty_label = _("Toàn Thành phố")


def _faq_or_404(user: Any, pk: int) -> Faq:
    faq = faq_services.list_managed_faqs(user).filter(pk=pk).first()
    if faq is None:
        raise Http404
    return faq


def _write_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "procedure": data["procedure_code"],
        "field": data["field"],
        "agency": data["agency"],
        "question": data["question"],
        "answer": data["answer"],
        "question_en": data["question_en"],
        "answer_en": data["answer_en"],
        "position": data["position"] or 0,
    }


@officer_required(roles=ADMIN_ROLES)
def faq_list(request: HttpRequest) -> HttpResponse:
    """The entries the admin manages, searchable (accents optional)."""
    query = request.GET.get("q", "").strip()[:100]
    faqs = faq_services.list_managed_faqs(request.user)
    if query:
        faqs = faqs.filter(Q(search_text__contains=fold(query)) | Q(procedure__code=query))
    page = Paginator(faqs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/faq/list.html", {"page": page, "query": query})


@officer_required(roles=ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def faq_create(request: HttpRequest) -> HttpResponse:
    form = FaqForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                faq_services.create_faq(actor=request.user, **_write_kwargs(form.cleaned_data))
            except faq_services.FaqError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Đã thêm câu hỏi."))
                return redirect("backoffice:faq_list")
        _mark_errors(form)
    return render(
        request, "backoffice/faq/edit.html", {"form": form, "faq": None}, status=400 if form.errors else 200
    )


@officer_required(roles=ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def faq_edit(request: HttpRequest, pk: int) -> HttpResponse:
    faq = _faq_or_404(request.user, pk)
    initial = {
        "procedure_code": faq.procedure.code if faq.procedure_id else "",
        "field": faq.field,
        "agency": faq.agency,
        "question": faq.question,
        "answer": faq.answer,
        "question_en": faq.question_en,
        "answer_en": faq.answer_en,
        "position": faq.position,
    }
    form = FaqForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                faq_services.update_faq(actor=request.user, faq=faq, **_write_kwargs(form.cleaned_data))
            except faq_services.FaqError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Đã lưu câu hỏi."))
                return redirect("backoffice:faq_list")
        _mark_errors(form)
    return render(
        request, "backoffice/faq/edit.html", {"form": form, "faq": faq}, status=400 if form.errors else 200
    )


@officer_required(roles=ADMIN_ROLES)
@require_POST
def faq_set_published(request: HttpRequest, pk: int) -> HttpResponse:
    faq = _faq_or_404(request.user, pk)
    published = request.POST.get("published") == "1"
    faq_services.set_faq_published(actor=request.user, faq=faq, published=published)
    messages.success(request, _("Đã công khai câu hỏi.") if published else _("Đã ngừng công khai câu hỏi."))
    return redirect("backoffice:faq_list")


@officer_required(roles=ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def faq_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV/JSON file: every line is checked; any problem → a per-line report, nothing imported."""
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    problems: list[faq_services.ImportProblem] = []
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            name = (upload.name or "").lower()
            file_format = "json" if name.endswith((".json", ".jsonl")) else "csv"
            try:
                result = faq_services.import_faqs(
                    actor=request.user,
                    content=upload.read(faq_services.MAX_IMPORT_BYTES + 1),
                    file_format=file_format,
                    agency=form.cleaned_data["agency"],
                )
            except faq_services.FaqImportError as exc:
                problems = exc.problems
                form.add_error(None, exc.message)
            except faq_services.FaqError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Đã nhập %(count)s câu hỏi.") % {"count": result.created})
                return redirect("backoffice:faq_list")
        _mark_errors(form)
    return render(
        request,
        "backoffice/faq/import.html",
        {"form": form, "problems": problems},
        status=400 if form.errors else 200,
    )
