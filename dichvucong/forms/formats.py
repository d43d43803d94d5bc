"""Vietnamese formats registered on the ``jsonschema`` FormatChecker used for every submission.

- ``cccd``: the 12-digit personal identification number (số định danh cá nhân, Circular 59/2021/TT-BCA
  Art. 7): 3 digits of the province of birth registration (the 63 pre-2025 codes), 1 digit of century
  and gender (0/1 born 1900–1999 male/female, 2/3 born 2000–2099), 2 digits of the year of birth, 6
  random digits. The year may not lie in the future.
- ``tax-code``: 10 digits with the check digit of the tax authority (Circular 105/2020/TT-BTC), or 13
  for a dependent unit (``0100109106-001``, the hyphen optional).
- ``vn-phone``: a Vietnamese mobile (``0[35789]`` + 8 digits) or landline (``02`` + 9 digits) number,
  also written ``+84…``/``84…``; spaces, dots and hyphens are ignored.
- ``vn-ward``: the code of a ward-level unit after the 2025 reform (``units.py``).
"""

from __future__ import annotations

import re

from jsonschema import FormatChecker

from dichvucong.core import clock
from dichvucong.forms import units

FORMAT_CHECKER = FormatChecker()

# Province codes used in CCCD numbers: the 63 provinces before the 2025 merger (the 34 after it are
# a subset, so numbers issued later keep validating).
CCCD_PROVINCE_CODES = frozenset(
    f"{code:03d}"
    for code in (
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
        38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
        79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
    )
)  # fmt: skip
_CENTURY = {"0": 1900, "1": 1900, "2": 2000, "3": 2000}
_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"^0[35789]\d{8}$")
_LANDLINE = re.compile(r"^02\d{9}$")


def is_cccd(value: str) -> bool:
    if not (len(value) == 12 and value.isascii() and value.isdigit()):
        return False
    if value[:3] not in CCCD_PROVINCE_CODES or value[3] not in _CENTURY:
        return False
    return _CENTURY[value[3]] + int(value[4:6]) <= clock.now().year


def is_tax_code(value: str) -> bool:
    digits = value.replace("-", "", 1) if len(value) == 14 and value[10] == "-" else value
    if not (digits.isascii() and digits.isdigit() and len(digits) in (10, 13)):
        return False
    if len(digits) == 13 and digits[10:] == "000":
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], _TAX_WEIGHTS, strict=True))
    return 10 - total % 11 == int(digits[9])


def normalize_phone(value: str) -> str:
    number = _PHONE_SEPARATORS.sub("", value)
    if number.startswith("+84"):
        number = "0" + number[3:]
    elif number.startswith("84") and len(number) in (11, 12):
        number = "0" + number[2:]
    return number


def is_vn_phone(value: str) -> bool:
    number = normalize_phone(value)
    return bool(_MOBILE.match(number) or _LANDLINE.match(number))


def is_ward(value: str) -> bool:
    return units.ward(value) is not None


@FORMAT_CHECKER.checks("cccd")
def _check_cccd(instance: object) -> bool:
    return not isinstance(instance, str) or is_cccd(instance)


@FORMAT_CHECKER.checks("tax-code")
def _check_tax_code(instance: object) -> bool:
    return not isinstance(instance, str) or is_tax_code(instance)


@FORMAT_CHECKER.checks("vn-phone")
def _check_phone(instance: object) -> bool:
    return not isinstance(instance, str) or is_vn_phone(instance)


@FORMAT_CHECKER.checks("vn-ward")
def _check_ward(instance: object) -> bool:
    return not isinstance(instance, str) or is_ward(instance)
