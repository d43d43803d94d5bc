"""The 34 provinces and 3,321 ward-level units after the 2025 reform (national statistics office codes).

Read once from ``data/vn-admin-units-2025.csv`` (a packaged copy of the national list) and kept in
memory; codes are kept as written there, without leading zeros (``79``, ``26734``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

UNITS_CSV = Path(__file__).resolve().parent / "data" / "vn-admin-units-2025.csv"
DEFAULT_PROVINCE = "79"  # Thành phố Hồ Chí Minh


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    province_code: str


@dataclass(frozen=True)
class AdminUnits:
    provinces: dict[str, str]
    wards: dict[str, Unit]
    wards_by_province: dict[str, tuple[Unit, ...]]


@cache
def admin_units() -> AdminUnits:
    provinces: dict[str, str] = {}
    wards: dict[str, Unit] = {}
    by_province: dict[str, list[Unit]] = {}
    with UNITS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            province = row["province_code"].strip().lstrip("0") or "0"
            provinces[province] = row["province_name"].strip()
            unit = Unit(
                code=row["ward_code"].strip().lstrip("0") or "0",
                name=row["ward_name"].strip(),
                province_code=province,
            )
            wards[unit.code] = unit
            by_province.setdefault(province, []).append(unit)
    return AdminUnits(
        provinces=provinces,
        wards=wards,
        wards_by_province={code: tuple(units) for code, units in by_province.items()},
    )


def province_name(code: str) -> str:
    return admin_units().provinces.get(code, "")


def ward(code: str) -> Unit | None:
    return admin_units().wards.get(code)


def wards_of(province_code: str) -> tuple[Unit, ...]:
    return admin_units().wards_by_province.get(province_code, ())
