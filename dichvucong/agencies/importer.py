"""Reading and checking the agency list CSV before anything is written (used by ``services.import_agencies``).

The agency file has the columns ``agency_code, name, kind, parent_code, nso_unit_code, unit_name``
(optional: ``name_en``). The units file is the national statistics office's list of ward-level units
(``ward_code, ward_name``; the project keeps the HCMC rows in ``data/hcmc-units-2025.csv``).

Every problem is reported as an ``AgencyImportError`` naming the row (the header is row 1, the first
data row is row 2, as a spreadsheet shows them) and the column. Parsing is pure: it reads the
database only through the ``existing`` map it is given.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from dichvucong.agencies.constants import AGENCY_CODE_REGEX, WARD_LEVEL_KINDS, AgencyKind
from dichvucong.agencies.errors import AgencyImportError
from dichvucong.core.text import nfc

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_AGENCIES_CSV = DATA_DIR / "hcmc-agencies-2025.csv"
DEFAULT_UNITS_CSV = DATA_DIR / "hcmc-units-2025.csv"

AGENCY_COLUMNS = ("agency_code", "name", "kind", "parent_code", "nso_unit_code", "unit_name")
UNIT_COLUMNS = ("ward_code", "ward_name")
_CODE_RE = re.compile(AGENCY_CODE_REGEX)

CsvSource = str | Path | IO[str]


@dataclass(frozen=True)
class AgencyRow:
    row: int
    code: str
    name: str
    name_en: str
    kind: str
    parent_code: str | None
    nso_unit_code: str | None


def _read(source: CsvSource) -> tuple[list[str], list[dict[str, str]]]:
    if isinstance(source, Path):
        text = source.read_text(encoding="utf-8-sig")
    elif isinstance(source, str):
        text = source
    else:
        text = source.read()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    return header, [{k: (v or "").strip() for k, v in r.items() if k is not None} for r in reader]


def _error(row: int, column: str, message: str) -> AgencyImportError:
    return AgencyImportError(
        _("Dòng %(row)s, cột %(column)s: %(message)s") % {"row": row, "column": column, "message": message},
        row=row,
        column=column,
    )


def _require_columns(header: list[str], columns: tuple[str, ...], file_label: str) -> None:
    for column in columns:
        if column not in header:
            raise AgencyImportError(
                _("Dòng 1, cột %(column)s: tệp %(file)s thiếu cột “%(column)s”.")
                % {"column": column, "file": file_label},
                row=1,
                column=column,
            )


def read_units(source: CsvSource) -> dict[str, str]:
    """NSO ward code (as text, no leading zeros) → ward name."""
    header, rows = _read(source)
    _require_columns(header, UNIT_COLUMNS, _("danh mục đơn vị hành chính"))
    units: dict[str, str] = {}
    for number, raw in enumerate(rows, start=2):
        code = raw["ward_code"].lstrip("0")
        if not code.isdigit():
            raise _error(
                number,
                "ward_code",
                _("mã đơn vị hành chính “%(code)s” không hợp lệ.") % {"code": raw["ward_code"]},
            )
        units[code] = nfc(raw["ward_name"])
    return units


def parse_agencies(
    source: CsvSource,
    *,
    units: Mapping[str, str],
    existing: Mapping[str, str | None],
) -> list[AgencyRow]:
    """Checks the whole file and returns its rows ordered parents first.

    ``existing`` maps the code of each agency already in the database to its parent's code; a row
    may name such an agency as parent, and cycles are checked on the tree as it will be after import.
    """
    header, raw_rows = _read(source)
    _require_columns(header, AGENCY_COLUMNS, _("danh sách cơ quan"))
    rows: list[AgencyRow] = []
    first_row_of_code: dict[str, int] = {}
    first_row_of_nso: dict[str, int] = {}
    for number, raw in enumerate(raw_rows, start=2):
        code = raw["agency_code"]
        if not _CODE_RE.match(code):
            raise _error(
                number,
                "agency_code",
                _("mã định danh “%(code)s” không đúng dạng 000.00.00.H29.") % {"code": code},
            )
        if code in first_row_of_code:
            raise _error(
                number,
                "agency_code",
                _("mã định danh %(code)s bị trùng với dòng %(first)s.")
                % {"code": code, "first": first_row_of_code[code]},
            )
        first_row_of_code[code] = number
        name = nfc(raw["name"])
        if not name:
            raise _error(number, "name", _("tên cơ quan không được để trống."))
        if len(name) > 300:
            raise _error(number, "name", _("tên cơ quan dài quá 300 ký tự."))
        kind = raw["kind"]
        if kind not in AgencyKind.values:
            raise _error(number, "kind", _("loại cơ quan “%(kind)s” không hợp lệ.") % {"kind": kind})
        parent_code = raw["parent_code"] or None
        if parent_code is not None and not _CODE_RE.match(parent_code):
            raise _error(
                number,
                "parent_code",
                _("mã cơ quan cấp trên “%(code)s” không đúng dạng 000.00.00.H29.") % {"code": parent_code},
            )
        if parent_code == code:
            raise _error(number, "parent_code", _("cơ quan không thể là cấp trên của chính nó (vòng lặp)."))
        nso = raw["nso_unit_code"].lstrip("0") or None
        if kind in WARD_LEVEL_KINDS and nso is None:
            raise _error(number, "nso_unit_code", _("phường, xã, đặc khu phải có mã đơn vị hành chính."))
        if nso is not None:
            if nso not in units:
                raise _error(
                    number,
                    "nso_unit_code",
                    _("mã đơn vị hành chính %(nso)s không có trong danh mục đơn vị hành chính.")
                    % {"nso": nso},
                )
            if nso in first_row_of_nso:
                raise _error(
                    number,
                    "nso_unit_code",
                    _("mã đơn vị hành chính %(nso)s bị trùng với dòng %(first)s.")
                    % {"nso": nso, "first": first_row_of_nso[nso]},
                )
            first_row_of_nso[nso] = number
            unit_name = nfc(raw["unit_name"])
            if unit_name and unit_name != units[nso]:
                raise _error(
                    number,
                    "unit_name",
                    _("tên đơn vị “%(name)s” không khớp với mã %(nso)s (“%(expected)s”).")
                    % {"name": unit_name, "nso": nso, "expected": units[nso]},
                )
        rows.append(
            AgencyRow(
                row=number,
                code=code,
                name=name,
                name_en=nfc(raw.get("name_en", ""))[:300],
                kind=kind,
                parent_code=parent_code,
                nso_unit_code=nso,
            )
        )

    # The tree after import: the file's rows over the agencies already stored.
    parent_of: dict[str, str | None] = dict(existing)
    parent_of.update({r.code: r.parent_code for r in rows})
    for r in rows:
        if r.parent_code is not None and r.parent_code not in parent_of:
            raise _error(
                r.row,
                "parent_code",
                _("không tìm thấy cơ quan cấp trên có mã %(code)s.") % {"code": r.parent_code},
            )
    for r in rows:
        seen = {r.code}
        current = r.parent_code
        while current is not None:
            if current in seen:
                raise _error(
                    r.row,
                    "parent_code",
                    _("cơ quan cấp trên %(code)s tạo thành vòng lặp trong cây cơ quan.")
                    % {"code": r.parent_code},
                )
            seen.add(current)
            current = parent_of.get(current)
    return _parents_first(rows)


def _parents_first(rows: list[AgencyRow]) -> list[AgencyRow]:
    by_code = {r.code: r for r in rows}
    depth: dict[str, int] = {}

    def depth_of(code: str) -> int:
        if code not in depth:
            parent = by_code[code].parent_code
            depth[code] = 0 if parent is None or parent not in by_code else depth_of(parent) + 1
        return depth[code]

    return sorted(rows, key=lambda r: (depth_of(r.code), r.row))
