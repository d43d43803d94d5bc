"""Forms of the one-stop counter: decisions on a dossier, counter intake, results and the search.

Forms only check what people typed (required fields, the 12-digit CCCD, the deadline range); the rules
of the dossier lifecycle stay in ``dossiers.services``, whose ``DossierError`` the views show on the form.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dichvucong.accounts.validation import AccountError, clean_cccd, clean_phone
from dichvucong.dossiers.constants import ApplicantKind, DossierStatus, ReturnMethod, SubmissionChannel
from dichvucong.dossiers.uploads import allowed_extensions, max_upload_bytes

# Free-text rows of a supplement request, besides the procedure's required documents.
FREE_SUPPLEMENT_ROWS = 3
MAX_REASON = 1000


def mark_errors(form: forms.BaseForm) -> None:
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


class HelpTextMixin:
    """Points every field with a help text at it (aria-describedby) before any error does."""

    def _describe_help(self) -> None:
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if field.help_text:
                field.widget.attrs.setdefault("aria-describedby", f"id_{self.add_prefix(name)}_helptext")  # type: ignore[attr-defined]


class AcceptForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Ghi chú tiếp nhận (không bắt buộc)"),
        max_length=MAX_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do từ chối tiếp nhận"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Lý do được in trên Phiếu từ chối (Mẫu 03) và gửi cho người nộp."),
        error_messages={"required": gettext_lazy("Hãy nêu lý do từ chối tiếp nhận hồ sơ.")},
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Hãy nêu lý do từ chối tiếp nhận hồ sơ."))
        return reason


class SupplementForm(HelpTextMixin, forms.Form):
    """The exact list of what is missing: required items ticked with a reason each, plus free rows."""

    note = forms.CharField(
        label=gettext_lazy("Hướng dẫn chung cho người nộp"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    deadline_days = forms.IntegerField(
        label=gettext_lazy("Hạn bổ sung (số ngày làm việc)"),
        min_value=1,
        max_value=60,
        initial=3,
    )
    guided_once = forms.BooleanField(
        label=gettext_lazy(
            "Tôi xác nhận danh sách trên là đầy đủ: người nộp chỉ phải bổ sung một lần "
            "theo đúng hướng dẫn này."
        ),
        error_messages={"required": gettext_lazy("Hãy xác nhận đã hướng dẫn đầy đủ, một lần.")},
    )

    def __init__(self, *args: Any, required_documents: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.required_documents = list(required_documents)
        for document in self.required_documents:
            self.fields[f"item_{document.pk}"] = forms.BooleanField(label=document.name, required=False)
            self.fields[f"reason_{document.pk}"] = forms.CharField(
                label=_("Lý do, yêu cầu cụ thể (%(name)s)") % {"name": Truncator(document.name).chars(60)},
                max_length=MAX_REASON,
                required=False,
            )
        for row in range(1, FREE_SUPPLEMENT_ROWS + 1):
            self.fields[f"free_title_{row}"] = forms.CharField(
                label=_("Giấy tờ, nội dung khác %(row)s") % {"row": row}, max_length=500, required=False
            )
            self.fields[f"free_reason_{row}"] = forms.CharField(
                label=_("Lý do %(row)s") % {"row": row}, max_length=MAX_REASON, required=False
            )
        self._describe_help()

    def document_rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [(d, self[f"item_{d.pk}"], self[f"reason_{d.pk}"]) for d in self.required_documents]

    def free_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"free_title_{row}"], self[f"free_reason_{row}"])
            for row in range(1, FREE_SUPPLEMENT_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        items: list[dict[str, str]] = []
        for document in self.required_documents:
            reason = (data.get(f"reason_{document.pk}") or "").strip()
            if data.get(f"item_{document.pk}"):
                if not reason:
                    self.add_error(f"reason_{document.pk}", _("Hãy ghi rõ lý do cần bổ sung giấy tờ này."))
                items.append({"title": document.name, "reason": reason})
        for row in range(1, FREE_SUPPLEMENT_ROWS + 1):
            title = (data.get(f"free_title_{row}") or "").strip()
            reason = (data.get(f"free_reason_{row}") or "").strip()
            if title and not reason:
                self.add_error(f"free_reason_{row}", _("Hãy ghi rõ lý do cần bổ sung nội dung này."))
            elif reason and not title:
                self.add_error(f"free_title_{row}", _("Hãy ghi tên giấy tờ hoặc nội dung cần bổ sung."))
            if title:
                items.append({"title": title, "reason": reason})
        if not items:
            raise forms.ValidationError(
                _("Hãy chọn ít nhất một giấy tờ hoặc ghi một nội dung cần bổ sung, kèm lý do.")
            )
        data["items"] = items
        return data


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Tên hoặc mã thủ tục"), max_length=200, required=False)


class CounterIntakeForm(HelpTextMixin, forms.Form):
    """A walk-in dossier: where it is received, who files it, what they ask, the scanned documents."""

    agency = forms.TypedChoiceField(label=gettext_lazy("Cơ quan tiếp nhận"), coerce=int)
    applicant_kind = forms.TypedChoiceField(
        label=gettext_lazy("Đối tượng nộp hồ sơ"),
        choices=ApplicantKind.choices,
        coerce=int,
        initial=ApplicantKind.CITIZEN,
    )
    name = forms.CharField(
        label=gettext_lazy("Họ và tên người nộp (hoặc tên tổ chức)"),
        max_length=200,
        error_messages={"required": gettext_lazy("Hãy nhập họ và tên người nộp.")},
    )
    id_number = forms.CharField(
        label=gettext_lazy("Số định danh cá nhân (CCCD) của người nộp"),
        max_length=20,
        help_text=gettext_lazy("12 chữ số, in trên thẻ căn cước."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": gettext_lazy("Hãy nhập số định danh cá nhân (CCCD).")},
    )
    phone = forms.CharField(
        label=gettext_lazy("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=gettext_lazy("Thư điện tử"), required=False)
    address = forms.CharField(label=gettext_lazy("Địa chỉ"), max_length=300, required=False)
    content = forms.CharField(
        label=gettext_lazy("Nội dung yêu cầu giải quyết"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Hãy ghi nội dung yêu cầu giải quyết.")},
    )
    queue_ticket = forms.CharField(
        label=gettext_lazy("Số thứ tự lấy số (nếu có)"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # Made when the empty form is shown: sending the same form twice records the dossier once.
    idempotency_key = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        agencies: Iterable[Any] = (),
        required_documents: Iterable[Any] = (),
        with_content: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not with_content:  # the procedure's own form (``forms`` engine) is filled instead
            del self.fields["content"]
        if not self.is_bound:
            self.fields["idempotency_key"].initial = uuid.uuid4().hex
        agencies = list(agencies)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]
        if len(agencies) == 1:
            self.fields["agency"].initial = agencies[0].pk
        self.required_documents = list(required_documents)
        extensions = allowed_extensions()
        scan_help = _("Bản quét: %(types)s; tối đa %(size)s MB.") % {
            "types": ", ".join(ext.upper() for ext in extensions),
            "size": max_upload_bytes() // (1024 * 1024),
        }
        for document in self.required_documents:
            self.fields[f"doc_{document.pk}"] = forms.FileField(
                label=document.name,
                required=False,
                help_text=scan_help,
                widget=forms.ClearableFileInput(attrs={"accept": ",".join(f".{ext}" for ext in extensions)}),
            )
        self._describe_help()

    def document_fields(self) -> list[tuple[Any, forms.BoundField]]:
        return [(d, self[f"doc_{d.pk}"]) for d in self.required_documents]

    def identity_fields(self) -> list[forms.BoundField]:
        names = ("applicant_kind", "name", "id_number", "phone", "email", "address")
        return [self[name] for name in names]

    def clean_id_number(self) -> str:
        try:
            return clean_cccd(self.cleaned_data["id_number"])
        except AccountError as error:
            raise forms.ValidationError(error.message) from None

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        try:
            return clean_phone(raw)
        except AccountError as error:
            raise forms.ValidationError(error.message) from None

    def uploads(self) -> dict[int, Any]:
        """RequiredDocument id → the scanned file, for the documents that were given."""
        return {
            d.pk: self.cleaned_data[f"doc_{d.pk}"]
            for d in self.required_documents
            if self.cleaned_data.get(f"doc_{d.pk}")
        }


class ResultForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Tên kết quả"),
        max_length=500,
        error_messages={"required": gettext_lazy("Hãy nhập tên giấy tờ kết quả.")},
    )
    upload = forms.FileField(
        label=gettext_lazy("Tệp kết quả"),
        error_messages={"required": gettext_lazy("Hãy chọn tệp kết quả.")},
    )


class ResolveForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Ghi chú"), max_length=MAX_REASON, required=False)


class ReturnForm(forms.Form):
    method = forms.TypedChoiceField(
        label=gettext_lazy("Hình thức trả kết quả"),
        choices=[
            (ReturnMethod.COUNTER.value, ReturnMethod.COUNTER.label),
            (ReturnMethod.POSTAL.value, ReturnMethod.POSTAL.label),
        ],
        coerce=int,
        initial=ReturnMethod.COUNTER,
        widget=forms.RadioSelect,
    )
    tracking_number = forms.CharField(
        label=gettext_lazy("Số hiệu bưu gửi (khi trả qua bưu chính)"), max_length=64, required=False
    )
    note = forms.CharField(label=gettext_lazy("Ghi chú"), max_length=MAX_REASON, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("method") == ReturnMethod.POSTAL and not (data.get("tracking_number") or "").strip():
            self.add_error("tracking_number", _("Hãy nhập số hiệu bưu gửi khi trả kết quả qua bưu chính."))
        return data

    def full_note(self) -> str:
        data = self.cleaned_data
        parts = []
        if data["method"] == ReturnMethod.POSTAL:
            parts.append(_("Số hiệu bưu gửi: %(number)s") % {"number": data["tracking_number"].strip()})
        if data["note"].strip():
            parts.append(data["note"].strip())
        return "\n".join(parts)


STATUS_CHOICES = [("", gettext_lazy("Tất cả"))] + [(str(v), label) for v, label in DossierStatus.choices]
CHANNEL_CHOICES = [("", gettext_lazy("Tất cả"))] + [(str(v), label) for v, label in SubmissionChannel.choices]


AGENCY_SUBTREE = "subtree"
AGENCY_ONLY = "only"
AGENCY_SCOPE_CHOICES = [
    (AGENCY_SUBTREE, gettext_lazy("Cơ quan và các đơn vị trực thuộc")),
    (AGENCY_ONLY, gettext_lazy("Chỉ riêng cơ quan này")),
]


class DossierSearchForm(HelpTextMixin, forms.Form):
    """The officer's dossier search; also the target of the dashboards' drill-down links, so every
    figure there (overdue by procedure or unit, resolved by ward) opens as exactly this list.

    ``agencies`` are the (code, name) pairs of the officer's data scope offered in the agency list; a
    code typed into the address bar that is not among them is kept and answered by the view with a
    clear notice and no rows (never a 500, never another agency's dossiers)."""

    code = forms.CharField(
        label=gettext_lazy("Mã hồ sơ"),
        max_length=64,
        required=False,
        help_text=gettext_lazy("Nhập hoặc quét mã vạch trên giấy tiếp nhận."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(label=gettext_lazy("Tên người nộp"), max_length=200, required=False)
    status = forms.TypedChoiceField(
        label=gettext_lazy("Trạng thái"), choices=STATUS_CHOICES, coerce=int, empty_value=None, required=False
    )
    channel = forms.TypedChoiceField(
        label=gettext_lazy("Kênh nộp"), choices=CHANNEL_CHOICES, coerce=int, empty_value=None, required=False
    )
    agency = forms.CharField(
        label=gettext_lazy("Cơ quan, đơn vị tiếp nhận"), max_length=40, required=False, widget=forms.Select
    )
    agency_scope = forms.ChoiceField(
        label=gettext_lazy("Phạm vi cơ quan"), choices=AGENCY_SCOPE_CHOICES, required=False
    )
    procedure = forms.CharField(
        label=gettext_lazy("Mã thủ tục hành chính"),
        max_length=32,
        required=False,
        help_text=gettext_lazy("Ví dụ: 1.001193. Để trống để xem mọi thủ tục."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "decimal"}),
    )
    overdue = forms.BooleanField(
        label=gettext_lazy("Chỉ hồ sơ đang quá hạn"),
        required=False,
        help_text=gettext_lazy(
            "Hồ sơ đang giải quyết có ngày hẹn trả từ hôm nay trở về trước, như số “Đang quá hạn” trên "
            "bảng điều hành (hồ sơ chờ bổ sung không tính)."
        ),
    )
    date_from = forms.DateField(
        label=gettext_lazy("Nộp hoặc tiếp nhận từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    resolved_from = forms.DateField(
        label=gettext_lazy("Giải quyết xong từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    resolved_to = forms.DateField(
        label=gettext_lazy("Giải quyết xong đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, agencies: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].widget.choices = [("", _("Mọi cơ quan trong phạm vi của tôi")), *agencies]
        self._describe_help()

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    def clean_agency(self) -> str:
        return self.cleaned_data["agency"].strip()

    def clean_agency_scope(self) -> str:
        return self.cleaned_data["agency_scope"] or AGENCY_SUBTREE

    def clean_procedure(self) -> str:
        return self.cleaned_data["procedure"].strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for start_name, end_name in (("date_from", "date_to"), ("resolved_from", "resolved_to")):
            start, end = data.get(start_name), data.get(end_name)
            if start and end and start > end:
                self.add_error(end_name, _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data


# --- Processing: task actions, assignment, rescheduling, transfers, worklist filters ----------------


class TaskActionForm(forms.Form):
    """One action on an open task; which fields matter depends on ``action`` (checked in ``clean``)."""

    action = forms.CharField(widget=forms.HiddenInput, max_length=40)
    note = forms.CharField(
        label=gettext_lazy("Ý kiến xử lý"),
        max_length=MAX_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    items = forms.CharField(
        label=gettext_lazy("Giấy tờ cần bổ sung (mỗi dòng một giấy tờ: tên: lý do)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    deadline_days = forms.IntegerField(
        label=gettext_lazy("Thời hạn bổ sung (ngày làm việc)"),
        min_value=1,
        max_value=60,
        initial=3,
        required=False,
    )
    target_agency = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan nhận liên thông"), queryset=None, required=False
    )
    transfer_days = forms.IntegerField(
        label=gettext_lazy("Thời hạn liên thông (ngày làm việc)"),
        min_value=1,
        max_value=30,
        initial=3,
        required=False,
    )
    return_method = forms.TypedChoiceField(
        label=gettext_lazy("Hình thức trả kết quả"),
        choices=ReturnMethod.choices,
        coerce=int,
        required=False,
    )
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Giao bước tiếp theo cho (không bắt buộc)"), queryset=None, required=False
    )

    # Which optional fields each action shows.
    FIELDS = {
        "approve": ("note",),
        "sign": ("note",),
        "return_previous": ("note",),
        "request_supplement": ("items", "note", "deadline_days"),
        "transfer": ("target_agency", "transfer_days", "note"),
        "return_result": ("return_method", "note"),
        "refuse": ("note",),
    }

    def __init__(self, *args: Any, agencies: Any = None, assignees: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from dichvucong.accounts.models import User
        from dichvucong.agencies.models import Agency

        self.fields["target_agency"].queryset = agencies if agencies is not None else Agency.objects.all()
        self.fields["assignee"].queryset = assignees if assignees is not None else User.objects.none()
        self.fields["assignee"].label_from_instance = lambda user: user.display_name
        self.offers_assignee = assignees is not None

    def visible(self) -> list[forms.BoundField]:
        action = self.initial.get("action") or self.data.get("action", "")
        names = list(self.FIELDS.get(action, ()))
        if action == "approve" and self.offers_assignee:
            names.insert(0, "assignee")
        return [self[name] for name in names]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        action = data.get("action", "")
        if action not in self.FIELDS:
            raise forms.ValidationError(_("Thao tác không hợp lệ."))
        note = (data.get("note") or "").strip()
        data["note"] = note
        if action in ("return_previous", "refuse") and not note:
            self.add_error("note", _("Hãy nêu lý do."))
        if action == "request_supplement":
            items = []
            for line in (data.get("items") or "").splitlines():
                title, _sep, reason = line.partition(":")
                if title.strip():
                    items.append({"title": title.strip(), "reason": reason.strip()})
            if not items:
                self.add_error("items", _("Hãy liệt kê ít nhất một giấy tờ cần bổ sung."))
            data["item_list"] = items
        if action == "transfer" and data.get("target_agency") is None:
            self.add_error("target_agency", _("Hãy chọn cơ quan nhận liên thông."))
        return data


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=gettext_lazy("Giao cho cán bộ"), queryset=None)

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = candidates
        self.fields["assignee"].label_from_instance = lambda user: user.display_name


class RescheduleForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do chậm trả kết quả"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "In trên Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04), gửi cho người nộp."
        ),
    )
    extra_days = forms.IntegerField(
        label=gettext_lazy("Gia hạn thêm (ngày làm việc)"), min_value=1, max_value=30, initial=2
    )


class TransferReturnForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Tên kết quả xử lý"), max_length=300)
    file = forms.FileField(label=gettext_lazy("Tệp kết quả"))
    note = forms.CharField(
        label=gettext_lazy("Ghi chú"),
        max_length=MAX_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WorklistFilterForm(forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("Giai đoạn"), required=False)
    sla = forms.ChoiceField(label=gettext_lazy("Thời hạn"), required=False)
    procedure = forms.CharField(label=gettext_lazy("Mã thủ tục"), max_length=100, required=False)
    q = forms.CharField(label=gettext_lazy("Mã hồ sơ hoặc tên người nộp"), max_length=200, required=False)
    sort = forms.ChoiceField(label=gettext_lazy("Sắp xếp"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from dichvucong.agencies.constants import SlaState
        from dichvucong.workflows.constants import TaskStage

        self.fields["stage"].choices = [("", _("Tất cả")), *TaskStage.choices]
        self.fields["sla"].choices = [("", _("Tất cả")), *SlaState.choices]
        self.fields["sort"].choices = [
            ("due", _("Hạn xử lý gần nhất trước")),
            ("-due", _("Hạn xử lý xa nhất trước")),
            ("started", _("Nhận việc sớm nhất trước")),
        ]


class ProcessChoiceForm(forms.Form):
    process = forms.ModelChoiceField(
        label=gettext_lazy("Quy trình xử lý"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Quy trình mẫu của thành phố (chọn theo thời hạn giải quyết)"),
    )

    def __init__(self, *args: Any, processes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["process"].queryset = processes
        self.fields["process"].label_from_instance = lambda version: (
            f"{version.definition.name} (v{version.number})"
        )
