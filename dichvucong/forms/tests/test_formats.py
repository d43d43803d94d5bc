"""The Vietnamese formats on the FormatChecker: CCCD, tax code, phone, ward."""

from __future__ import annotations

import datetime

import pytest
from jsonschema import Draft202012Validator

from dichvucong.core import clock
from dichvucong.forms.formats import FORMAT_CHECKER, is_cccd, is_tax_code, is_vn_phone, is_ward


@pytest.mark.parametrize("value", ["079203001234", "001099012345", "096185000001"])
def test_cccd_accepts_province_century_and_year(value: str) -> None:
    """Given 12 digits with a known province code, century digit and past year, then it is a CCCD."""
    assert is_cccd(value)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("07920300123", "11 digits"),
        ("0792030012345", "13 digits"),
        ("07920300123a", "a letter"),
        ("003203001234", "003 is no province code"),
        ("079503001234", "century/gender digit 5 (born 2100+)"),
        ("０７９２０３００１２３４", "full-width digits"),
    ],
)
def test_cccd_refuses_malformed_numbers(value: str, why: str) -> None:
    """Given a number wrong in length, province, century digit or characters, then it is refused."""
    assert not is_cccd(value), why


def test_cccd_refuses_a_birth_year_in_the_future(monkeypatch: pytest.MonkeyPatch) -> None:
    """Given today in 2026, when a CCCD says born in 2030, then it is refused; 2026 itself is fine."""
    monkeypatch.setattr(clock, "now", lambda: datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC))
    assert not is_cccd("079230001234")
    assert is_cccd("079226001234")


@pytest.mark.parametrize("value", ["0100109106", "0100109106-001", "0100109106001"])
def test_tax_code_accepts_ten_and_thirteen_digits_with_check_digit(value: str) -> None:
    """Given Viettel's tax code (check digit 6) and a dependent unit's, then they are tax codes."""
    assert is_tax_code(value)


@pytest.mark.parametrize("value", ["0100109107", "010010910", "0100109106-000", "01001091066", "abcdefghij"])
def test_tax_code_refuses_wrong_check_digit_or_length(value: str) -> None:
    """Given a wrong check digit, length, unit suffix 000 or letters, then it is refused."""
    assert not is_tax_code(value)


@pytest.mark.parametrize(
    "value", ["0912345678", "0912 345 678", "+84 912 345 678", "84912345678", "028 3829 6052"]
)
def test_phone_accepts_mobile_and_landline_numbers(value: str) -> None:
    """Given mobile and Hồ Chí Minh City landline numbers in usual spellings, then they are phones."""
    assert is_vn_phone(value)


@pytest.mark.parametrize(
    "value", ["0123456789", "091234567", "09123456789", "+1 650 253 0000", "số điện thoại"]
)
def test_phone_refuses_other_numbers(value: str) -> None:
    """Given an unknown prefix, a wrong length or a foreign number, then it is refused."""
    assert not is_vn_phone(value)


def test_ward_knows_the_2025_units() -> None:
    """Given the 2025 list, then Phường Sài Gòn (26740) is a ward and 99999 is not."""
    assert is_ward("26740")
    assert not is_ward("99999")


def test_formats_are_enforced_by_the_validator() -> None:
    """Given a schema using the custom formats, when invalid values are validated, then each fails."""
    schema = {
        "type": "object",
        "properties": {
            name: {"type": "string", "format": name} for name in ("cccd", "tax-code", "vn-phone", "vn-ward")
        },
    }
    validator = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
    bad = {"cccd": "1", "tax-code": "1", "vn-phone": "1", "vn-ward": "1"}
    assert sorted(error.path[0] for error in validator.iter_errors(bad)) == sorted(bad)
