"""The agency importer: the real fixture, idempotency, all-or-nothing, and every kind of bad input."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.errors import AgencyImportError
from dichvucong.agencies.importer import DEFAULT_AGENCIES_CSV, DEFAULT_UNITS_CSV, read_units
from dichvucong.agencies.models import Agency, OfficeHours
from dichvucong.agencies.services import import_agencies, update_agency
from dichvucong.core.models import AuditEntry

pytestmark = pytest.mark.django_db

HEADER = "agency_code,name,kind,parent_code,nso_unit_code,unit_name\n"
UNITS = (
    "province_code,province_name,province_type,ward_code,ward_name,ward_type,ward_codename\n"
    "79,Thành phố Hồ Chí Minh,thành phố trung ương,26743,Phường Bến Thành,phường,phuong_ben_thanh\n"
    "79,Thành phố Hồ Chí Minh,thành phố trung ương,26734,Phường Sài Gòn,phường,phuong_sai_gon\n"
)
CITY = "000.00.00.H29,Ủy ban nhân dân Thành phố Hồ Chí Minh,city,,,\n"
BEN_THANH = "000.50.68.H29,Ủy ban nhân dân Phường Bến Thành,ward,000.00.00.H29,26743,Phường Bến Thành\n"
SAI_GON = "000.50.69.H29,Ủy ban nhân dân Phường Sài Gòn,ward,000.00.00.H29,26734,Phường Sài Gòn\n"
GOOD = HEADER + CITY + BEN_THANH + SAI_GON


def _import(text: str):
    return import_agencies(actor=None, agencies_csv=text, units_csv=UNITS)


def test_real_fixture_imports_the_city_tree(db):
    """Given the project's HCMC fixture (189 agencies), when imported, then 1 city, 20 city-level bodies and
    168 ward-level units (113 wards, 54 communes, 1 special zone) exist, all under the city."""
    result = import_agencies(actor=None)
    assert (result.created, result.updated, result.unchanged) == (189, 0, 0)
    kinds = Counter(Agency.objects.values_list("kind", flat=True))
    assert kinds[AgencyKind.CITY] == 1
    assert kinds[AgencyKind.WARD] + kinds[AgencyKind.COMMUNE] + kinds[AgencyKind.SPECIAL_ZONE] == 168
    assert (kinds[AgencyKind.WARD], kinds[AgencyKind.COMMUNE], kinds[AgencyKind.SPECIAL_ZONE]) == (113, 54, 1)
    assert sum(kinds.values()) == 189
    city = Agency.objects.get(code="000.00.00.H29")
    assert Agency.objects.filter(path__startswith=city.path).count() == 189
    ben_thanh = Agency.objects.get(code="000.50.68.H29")
    assert (ben_thanh.nso_unit_code, ben_thanh.parent_id) == ("26743", city.pk)
    assert ben_thanh.office_hours.filter(weekday=5).exists()
    assert ben_thanh.search_name == "uy ban nhan dan phuong ben thanh"
    entry = AuditEntry.objects.get(action="agencies.import_agencies")
    assert len(entry.after["created"]) == 189 and "000.50.68.H29" in entry.after["created"]


def test_real_fixture_matches_units_file(db):
    """The project's units fixture holds exactly HCMC's 168 ward-level units (province 79)."""
    assert len(read_units(DEFAULT_UNITS_CSV)) == 168
    assert DEFAULT_AGENCIES_CSV.is_file()


def test_reimport_is_idempotent(db):
    """Given an imported file, when imported again, then nothing is created or updated and counts stay."""
    _import(GOOD)
    counts = (Agency.objects.count(), OfficeHours.objects.count())
    result = _import(GOOD)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert (Agency.objects.count(), OfficeHours.objects.count()) == counts


def test_reimport_updates_changed_rows(db):
    """Given an imported file, when a name changes and a ward moves, then rows update in place."""
    _import(GOOD)
    moved = SAI_GON.replace("Sài Gòn,ward,000.00.00.H29", "Sài Gòn,ward,000.50.68.H29").replace(
        "Ủy ban nhân dân Phường Sài Gòn", "UBND Phường Sài Gòn"
    )
    result = _import(HEADER + CITY + BEN_THANH + moved)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    sai_gon = Agency.objects.get(code="000.50.69.H29")
    assert sai_gon.name == "UBND Phường Sài Gòn"
    assert sai_gon.path.startswith(Agency.objects.get(code="000.50.68.H29").path)


def test_reimport_matches_ward_by_nso_code_after_code_edit(db):
    """Given an admin changed a ward's placeholder code, when the file is imported again, then the ward is
    matched by its NSO code (updated, not duplicated)."""
    _import(GOOD)
    update_agency(actor=None, agency=Agency.objects.get(code="000.50.68.H29"), code="000.50.68.H30")
    result = _import(GOOD)
    assert result.created == 0
    assert Agency.objects.filter(nso_unit_code="26743").count() == 1


def test_new_rows_under_a_moved_agency_get_fresh_paths(db):
    """Given a stored ward with a stored child, when the file moves the ward and adds a unit under the
    child, then the new unit's path is under the ward's new place."""
    _import(GOOD + "000.50.68.A01,Bộ phận Một cửa,office,000.50.68.H29,,\n")
    moved = BEN_THANH.replace(",000.00.00.H29,", ",000.50.69.H29,")
    _import(
        HEADER
        + CITY
        + SAI_GON
        + moved
        + "000.50.68.A01,Bộ phận Một cửa,office,000.50.68.H29,,\n"
        + "000.50.68.A02,Tổ tiếp nhận,office,000.50.68.A01,,\n"
    )
    sai_gon = Agency.objects.get(code="000.50.69.H29")
    assert Agency.objects.get(code="000.50.68.A02").path.startswith(sai_gon.path)
    assert Agency.objects.filter(path__startswith=sai_gon.path).count() == 4


def _assert_fails(text: str, *, row: int, column: str, units: str = UNITS) -> None:
    with pytest.raises(AgencyImportError) as exc:
        import_agencies(actor=None, agencies_csv=text, units_csv=units)
    assert (exc.value.row, exc.value.column) == (row, column)
    assert f"Dòng {row}" in exc.value.message and column in exc.value.message
    assert not Agency.objects.exists()


def test_unknown_parent_code_fails(db):
    """Given a row whose parent code is neither in the file nor stored, then row 3 / parent_code is named."""
    _assert_fails(
        HEADER + CITY + BEN_THANH.replace(",000.00.00.H29,", ",000.00.99.H29,"), row=3, column="parent_code"
    )


def test_duplicate_code_fails(db):
    """Given the same code twice, then the second row is named in agency_code."""
    _assert_fails(GOOD + BEN_THANH.replace("26743", ""), row=5, column="agency_code")


def test_malformed_code_fails(db):
    """Given a code that is not QCVN 102, then the row and agency_code are named."""
    _assert_fails(
        HEADER + CITY + BEN_THANH.replace("000.50.68.H29", "50.68.H29"), row=3, column="agency_code"
    )


def test_malformed_parent_code_fails(db):
    """Given a parent code that is not QCVN 102, then the row and parent_code are named."""
    _assert_fails(HEADER + CITY + BEN_THANH.replace(",000.00.00.H29,", ",H29,"), row=3, column="parent_code")


def test_cycle_fails(db):
    """Given two rows that are each other's parent, then the first of them is named in parent_code."""
    a = "000.00.02.H29,Sở A,department,000.00.03.H29,,\n"
    b = "000.00.03.H29,Sở B,department,000.00.02.H29,,\n"
    _assert_fails(HEADER + CITY + a + b, row=3, column="parent_code")


def test_self_parent_fails(db):
    """Given a row that is its own parent, then it is named in parent_code."""
    _assert_fails(HEADER + "000.00.02.H29,Sở A,department,000.00.02.H29,,\n", row=2, column="parent_code")


def test_cycle_through_stored_agency_fails(db):
    """Given stored A → B (B under A), when the file puts A under B, then the cycle is found, no change."""
    _import(
        GOOD
        + "000.00.02.H29,Sở A,department,000.00.00.H29,,\n"
        + "000.00.03.H29,Sở B,department,000.00.02.H29,,\n"
    )
    before = list(Agency.objects.values_list("code", "path"))
    with pytest.raises(AgencyImportError) as exc:
        _import(HEADER + "000.00.02.H29,Sở A,department,000.00.03.H29,,\n")
    assert (exc.value.row, exc.value.column) == (2, "parent_code")
    assert list(Agency.objects.values_list("code", "path")) == before


def test_nso_code_not_in_units_file_fails(db):
    """Given a ward whose NSO code is not a HCMC unit, then the row and nso_unit_code are named."""
    _assert_fails(HEADER + CITY + BEN_THANH.replace("26743", "99999"), row=3, column="nso_unit_code")


def test_ward_without_nso_code_fails(db):
    """Given a ward row without NSO code, then nso_unit_code is named."""
    _assert_fails(HEADER + CITY + BEN_THANH.replace("26743", ""), row=3, column="nso_unit_code")


def test_unit_name_mismatch_fails(db):
    """Given a ward whose unit name differs from the units file, then unit_name is named."""
    _assert_fails(
        HEADER + CITY + BEN_THANH.replace(",Phường Bến Thành\n", ",Phường Sài Gòn\n"),
        row=3,
        column="unit_name",
    )


def test_unknown_kind_fails(db):
    """Given an unknown kind, then kind is named."""
    _assert_fails(HEADER + CITY.replace(",city,", ",district,"), row=2, column="kind")


def test_missing_column_fails(db):
    """Given a file without the parent_code column, then the header row and the column are named."""
    text = "agency_code,name,kind,nso_unit_code,unit_name\n000.00.00.H29,UBND,city,,\n"
    _assert_fails(text, row=1, column="parent_code")


def test_missing_units_column_fails(db):
    """Given a units file without ward_name, then the header row and the column are named."""
    _assert_fails(GOOD, row=1, column="ward_name", units="ward_code\n26743\n")


def test_bad_row_late_in_file_writes_nothing(db):
    """Given good rows followed by a bad one, when imported, then not even the good rows are stored."""
    _assert_fails(GOOD + "000.00.02.H29,,department,000.00.00.H29,,\n", row=5, column="name")


def test_command_imports_and_reports_errors(db, tmp_path):
    """The management command imports a file and turns a bad row into a CommandError naming it."""
    good, bad, units = tmp_path / "good.csv", tmp_path / "bad.csv", tmp_path / "units.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(HEADER + CITY + BEN_THANH.replace("26743", "1"), encoding="utf-8")
    units.write_text(UNITS, encoding="utf-8")
    out = StringIO()
    call_command("import_agencies", "--file", str(good), "--units", str(units), stdout=out)
    assert "3 created" in out.getvalue()
    with pytest.raises(CommandError, match="Dòng 3, cột nso_unit_code"):
        call_command("import_agencies", "--file", str(bad), "--units", str(units), stdout=out)
    assert Agency.objects.count() == 3
