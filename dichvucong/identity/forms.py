"""Forms of the token page (portal) and of the OIDC client registration (back office)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dichvucong.identity.constants import API_SCOPES, Scope

EXPIRY_CHOICES = [
    ("30", _("30 ngày")),
    ("90", _("90 ngày")),
    ("365", _("1 năm")),
]


class PersonalTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tên gợi nhớ"),
        max_length=100,
        help_text=_("Ví dụ: “Phần mềm kế toán” — để bạn nhận ra mã này sau này."),
        error_messages={"required": _("Hãy đặt tên cho mã truy cập.")},
    )
    scopes = forms.MultipleChoiceField(
        label=_("Phạm vi"),
        choices=[(scope, Scope(scope).label) for scope in API_SCOPES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Hãy chọn ít nhất một phạm vi.")},
    )
    expires_in_days = forms.ChoiceField(label=_("Hết hạn sau"), choices=EXPIRY_CHOICES, initial="90")

    def expires_delta(self) -> dt.timedelta:
        return dt.timedelta(days=int(self.cleaned_data["expires_in_days"]))


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.replace(",", "\n").split() if line.strip()]


class OidcClientForm(forms.Form):
    name = forms.CharField(label=_("Tên ứng dụng"), max_length=255)
    redirect_uris = forms.CharField(
        label=_("Địa chỉ chuyển hướng (mỗi dòng một địa chỉ)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Địa chỉ đầy đủ mà ứng dụng nhận mã ủy quyền, ví dụ https://ungdung.example/oidc/callback."
        ),
    )
    post_logout_redirect_uris = forms.CharField(
        label=_("Địa chỉ quay về sau khi đăng xuất (không bắt buộc)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    confidential = forms.TypedChoiceField(
        label=_("Loại ứng dụng"),
        choices=[
            ("1", _("Có máy chủ riêng, giữ được khóa bí mật")),
            ("0", _("Ứng dụng công khai (di động, trình duyệt) — dùng PKCE, không có khóa bí mật")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    allowed_scopes = forms.MultipleChoiceField(
        label=_("Phạm vi được phép"),
        choices=[(scope.value, scope.label) for scope in Scope if scope != Scope.OPENID],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    may_see_cccd = forms.BooleanField(
        label=_("Được xem số CCCD của người dùng (chỉ khi có căn cứ pháp lý)"), required=False
    )
    skip_consent = forms.BooleanField(
        label=_("Ứng dụng nội bộ của Thành phố: bỏ qua màn hình xin phép"), required=False
    )

    def clean_redirect_uris(self) -> list[str]:
        return _lines(self.cleaned_data["redirect_uris"])

    def clean_post_logout_redirect_uris(self) -> list[str]:
        return _lines(self.cleaned_data["post_logout_redirect_uris"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        scopes = data.get("allowed_scopes") or []
        if Scope.CCCD in scopes and not data.get("may_see_cccd"):
            self.add_error(
                "allowed_scopes", _("Chỉ ứng dụng được phép xem số CCCD mới được yêu cầu phạm vi CCCD.")
            )
        return data
