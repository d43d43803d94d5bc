"""Forms of the portal dossier pages: the steps of applying online, supplements, withdrawal, look-up.

They only shape input; ``dossiers.services`` decides and writes (its ``DossierError`` is shown with
:meth:`ServiceErrorMixin.add_service_error`).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dichvucong.dossiers.constants import DossierStatus, ReturnMethod

SELF = "self"
MAX_TEXT = 4000
MAX_CODE_LENGTH = 40


def _text_input(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "input", **attrs})


class ServiceErrorMixin:
    """Shows a service refusal on the form, and ties each field's errors to it (aria-describedby)."""

    def add_service_error(self, exc: Exception, field: str | None = None) -> None:
        self.add_error(field, str(getattr(exc, "message", exc)))  # type: ignore[attr-defined]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name not in self.fields:  # type: ignore[attr-defined]
                continue
            bound = self[name]  # type: ignore[index]
            ids = [f"{bound.auto_id}_helptext"] if bound.help_text else []
            ids.append(f"{bound.auto_id}_errors")
            bound.field.widget.attrs.update({"aria-describedby": " ".join(ids), "aria-invalid": "true"})


class WhereForm(ServiceErrorMixin, forms.Form):
    """Step 1: the receiving agency and who applies (the person, or an organisation they represent)."""

    agency = forms.ChoiceField(label=_("Nơi nộp hồ sơ"), widget=forms.Select(attrs={"class": "input"}))
    applicant = forms.ChoiceField(
        label=_("Người yêu cầu"), widget=forms.RadioSelect, initial=SELF, required=True
    )
    phone = forms.CharField(
        label=_("Số điện thoại liên hệ"),
        max_length=20,
        required=False,
        widget=_text_input(autocomplete="tel"),
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        widget=forms.EmailInput(attrs={"class": "input", "autocomplete": "email"}),
    )
    address = forms.CharField(
        label=_("Địa chỉ liên hệ"),
        max_length=300,
        required=False,
        widget=_text_input(autocomplete="street-address"),
    )

    def __init__(
        self,
        *args: Any,
        agencies: list[tuple[str, str]],
        organisations: list[tuple[str, str]],
        self_label: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = agencies
        self.fields["applicant"].choices = [(SELF, self_label), *organisations]


class RequestForm(ServiceErrorMixin, forms.Form):
    """Step 2: how the result is returned, and the request in words when the procedure has no form of
    its own (``with_content``); with a form, the ``forms`` engine renders the declaration beside it."""

    content = forms.CharField(
        label=_("Nội dung yêu cầu"),
        max_length=MAX_TEXT,
        help_text=_("Ghi rõ điều bạn đề nghị cơ quan giải quyết."),
        widget=forms.Textarea(attrs={"class": "input", "rows": 6}),
    )
    return_method = forms.TypedChoiceField(
        label=_("Hình thức nhận kết quả"),
        choices=ReturnMethod.choices,
        coerce=int,
        initial=ReturnMethod.COUNTER,
        widget=forms.RadioSelect,
    )
    return_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu chính"),
        max_length=300,
        required=False,
        help_text=_("Chỉ cần khi nhận kết quả qua dịch vụ bưu chính."),
        widget=_text_input(autocomplete="street-address"),
    )

    def __init__(self, *args: Any, with_content: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_content:  # the procedure's own form (``forms`` engine) asks what is needed
            del self.fields["content"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("return_method") == ReturnMethod.POSTAL
            and not (data.get("return_address") or "").strip()
        ):
            self.add_error("return_address", _("Vui lòng nhập địa chỉ để nhận kết quả qua bưu chính."))
        return data


class SubmitForm(forms.Form):
    """Step 5: the one-time token that makes a double click or a resent form harmless."""

    token = forms.CharField(max_length=100, widget=forms.HiddenInput)


class WithdrawForm(ServiceErrorMixin, forms.Form):
    reason = forms.CharField(
        label=_("Lý do rút hồ sơ"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"class": "input", "rows": 4}),
    )
    confirm = forms.BooleanField(label=_("Tôi xác nhận muốn rút hồ sơ này; việc rút không thể hoàn tác."))


class SupplementForm(forms.Form):
    note = forms.CharField(
        label=_("Ghi chú cho cán bộ"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"class": "input", "rows": 3}),
    )


class MyDossiersFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=[("", _("Tất cả")), ("draft", _("Bản nháp"))]
        + [(str(value), label) for value, label in DossierStatus.choices],
        required=False,
        widget=forms.Select(attrs={"class": "input"}),
    )
    q = forms.CharField(
        label=_("Mã hồ sơ hoặc tên thủ tục"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "input", "type": "search"}),
    )


def normalise_code(raw: str) -> str:
    """A dossier code as typed or scanned: spaces dropped, upper case (empty when too long)."""
    code = re.sub(r"\s+", "", raw or "").upper()
    return code if len(code) <= MAX_CODE_LENGTH else ""
