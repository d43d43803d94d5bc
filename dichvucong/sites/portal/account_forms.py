"""Forms of the portal's account pages. They only shape input; rules live in accounts.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.constants import Gender


class AccountForm(forms.Form):
    """Inputs styled for the portal, errors tied to their field (``aria-describedby``), and service
    errors added to the field they name (or to the whole form)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input")

    def full_clean(self) -> None:
        super().full_clean()
        self._describe_errors()

    def add_service_error(self, exc: Any) -> None:
        field = getattr(exc, "field", None)
        self.add_error(field if field in self.fields else None, exc.message)
        self._describe_errors()

    def _describe_errors(self) -> None:
        for name, field in self.fields.items():
            ids = []
            if field.help_text:
                ids.append(f"id_{name}_helptext")
            if self._errors and self._errors.get(name):
                ids.append(f"id_{name}_errors")
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


class RegistrationForm(AccountForm):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    contact = forms.CharField(
        label=_("Thư điện tử hoặc số điện thoại di động"),
        max_length=254,
        help_text=_("Chúng tôi gửi mã xác minh gồm 6 chữ số tới địa chỉ này."),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Ít nhất 10 ký tự, không quá đơn giản và không trùng thông tin cá nhân."),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    cccd = forms.CharField(
        label=_("Số định danh cá nhân (CCCD) – không bắt buộc"),
        max_length=20,
        required=False,
        help_text=_("12 chữ số in trên căn cước công dân."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        return data


class CodeForm(AccountForm):
    code = forms.CharField(
        label=_("Mã xác minh"),
        max_length=12,
        help_text=_("6 chữ số trong thư điện tử hoặc tin nhắn chúng tôi vừa gửi."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PhoneResetForm(AccountForm):
    phone = forms.CharField(label=_("Số điện thoại đã xác minh"), max_length=20)


class PhoneResetCodeForm(CodeForm):
    new_password = forms.CharField(
        label=_("Mật khẩu mới"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Ít nhất 10 ký tự, không quá đơn giản và không trùng thông tin cá nhân."),
    )


class ProfileForm(AccountForm):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    gender = forms.ChoiceField(
        label=_("Giới tính"), choices=[("", _("Không nêu")), *Gender.choices], required=False
    )
    address = forms.CharField(label=_("Địa chỉ liên hệ"), max_length=300, required=False)
    preferred_language = forms.ChoiceField(label=_("Ngôn ngữ nhận thông báo"), choices=settings.LANGUAGES)


class CccdForm(AccountForm):
    cccd = forms.CharField(
        label=_("Số định danh cá nhân (CCCD)"),
        max_length=20,
        help_text=_("12 chữ số in trên căn cước công dân."),
    )


class EmailChangeForm(AccountForm):
    email = forms.CharField(label=_("Thư điện tử mới"), max_length=254)


class PhoneChangeForm(AccountForm):
    phone = forms.CharField(label=_("Số điện thoại di động mới"), max_length=20)


class BusinessForm(AccountForm):
    name = forms.CharField(label=_("Tên doanh nghiệp, tổ chức"), max_length=300)
    tax_code = forms.CharField(
        label=_("Mã số thuế"), max_length=20, help_text=_("10 chữ số, hoặc 13 chữ số với chi nhánh.")
    )
    address = forms.CharField(label=_("Địa chỉ trụ sở"), max_length=300, required=False)


class MemberForm(AccountForm):
    contact = forms.CharField(
        label=_("Thư điện tử hoặc số điện thoại của thành viên"),
        max_length=254,
        help_text=_("Người này phải có tài khoản đã xác minh trên Cổng."),
    )
