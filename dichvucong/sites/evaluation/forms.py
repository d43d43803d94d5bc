"""The kiosk's one form: the dossier code printed on the receipt (giấy tiếp nhận và hẹn trả kết quả)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

# Circular 01/2018/TT-VPCP Art. 19: agency code, date (yymmdd) and a sequence number, e.g.
# 000.00.00.H29-241127-0001. Checked loosely here; the evaluation issue looks the dossier up.
DOSSIER_CODE_PATTERN = re.compile(r"^[0-9A-Z.\-]{6,40}$")


class DossierCodeForm(forms.Form):
    code = forms.CharField(label=_("Mã hồ sơ"), max_length=40, strip=True)

    def clean_code(self) -> str:
        code = re.sub(r"\s+", "", self.cleaned_data["code"]).upper()
        if not DOSSIER_CODE_PATTERN.match(code):
            raise forms.ValidationError(
                _("Mã hồ sơ chỉ gồm chữ, số, dấu chấm và dấu gạch ngang, như trên giấy tiếp nhận."),
                code="invalid_dossier_code",
            )
        return code
