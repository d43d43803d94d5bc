"""Normalising and checking what people type: e-mail, phone, CCCD number, tax code.

Each ``clean_*`` returns the one stored form or raises ``AccountError`` with a translated message,
so the same input is refused the same way by the portal, the back office and the API.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from dichvucong.clients.sms import InvalidPhoneNumber, normalize_phone_number
from dichvucong.core.crypto import blind_index


class AccountError(Exception):
    """A refused account change, with a translated message (``field`` names the form field, if any)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


_CCCD = re.compile(r"^\d{12}$")
_SEPARATORS = re.compile(r"[\s.\-]")


def clean_email(raw: str, *, field: str = "email") -> str:
    email = (raw or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise AccountError(_("Địa chỉ thư điện tử không hợp lệ."), field=field) from None
    return email


def clean_phone(raw: str, *, field: str = "phone") -> str:
    """A Vietnamese mobile number in its national form ``0912345678``."""
    try:
        e164 = normalize_phone_number(raw or "")
    except InvalidPhoneNumber:
        e164 = ""
    if not e164.startswith("+84"):
        raise AccountError(_("Số điện thoại di động không hợp lệ (ví dụ: 0912 345 678)."), field=field)
    return "0" + e164[3:]


def clean_cccd(raw: str, *, field: str = "cccd") -> str:
    """The 12-digit personal identification number printed on the CCCD card."""
    number = _SEPARATORS.sub("", raw or "")
    if not _CCCD.match(number):
        raise AccountError(_("Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."), field=field)
    return number


def clean_tax_code(raw: str, *, field: str = "tax_code") -> str:
    """10 digits, or 13 for a branch (written ``0123456789-001`` or without the dash)."""
    code = (raw or "").strip()
    digits = code.replace("-", "")
    if not digits.isdigit() or len(digits) not in (10, 13):
        raise AccountError(_("Mã số thuế phải gồm 10 hoặc 13 chữ số."), field=field)
    return digits if len(digits) == 10 else f"{digits[:10]}-{digits[10:]}"


def phone_index(phone: str) -> str | None:
    return blind_index(phone, purpose="accounts.phone") if phone else None


def cccd_index(cccd: str) -> str | None:
    return blind_index(cccd, purpose="accounts.cccd") if cccd else None


def mask_cccd(value: str) -> str:
    """``079012345612`` → ``0790******12``: enough to tell two people apart at a counter."""
    if not value:
        return ""
    if len(value) <= 6:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 6) + value[-2:]


def mask_phone(value: str) -> str:
    """``0912345689`` → ``09******89``."""
    if not value:
        return ""
    if len(value) <= 4:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]
