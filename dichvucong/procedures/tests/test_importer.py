"""Importing the national catalog: structured versions, idempotent, all or nothing, local variants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency
from dichvucong.core.audit import AuditEntry
from dichvucong.procedures.constants import CatalogScope, Channel, OnlineLevel, VersionStatus
from dichvucong.procedures.importer import import_catalog, read_lines
from dichvucong.procedures.models import Procedure, ProcedureAgency, ProcedureVersion

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "fixtures" / "catalog-sample.jsonl"
NAMES = {"1.001193": ("Birth registration", 1), "2.002042": ("Registration of a partnership", 2)}


def _lines() -> list[str]:
    return list(read_lines(SAMPLE))


@pytest.fixture
def city(db):
    root = make_agency(
        kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố Hồ Chí Minh", code="000.00.00.H29"
    )
    department = make_agency(
        parent=root, kind=AgencyKind.DEPARTMENT, name="Sở Tài chính", code="000.00.12.H29"
    )
    ward = make_agency(parent=root, name="Ủy ban nhân dân Phường Bến Thành", code="000.50.68.H29")
    commune = make_agency(
        parent=root, kind=AgencyKind.COMMUNE, name="Ủy ban nhân dân Xã Cần Giờ", code="000.50.70.H29"
    )
    return {"root": root, "department": department, "ward": ward, "commune": commune}


def test_import_creates_published_versions_with_structured_content(city):
    """Given the real sample records, when imported, then each is a procedure with a structured
    published version."""
    report = import_catalog(_lines(), actor=None, names_en=NAMES)
    assert report.ok and report.created == 6 and report.total == 6
    birth = Procedure.objects.get(code="1.001193")
    version = birth.current_version
    assert version.status == VersionStatus.PUBLISHED and version.number == 1
    assert version.name == "Thủ tục đăng ký khai sinh" and version.name_en == "Birth registration"
    assert version.field.code == "ho-tich" and version.level_ward and not version.level_central
    assert birth.scope == CatalogScope.LOCAL and birth.usage_rank == 1 and birth.popularity > 0
    assert birth.national_url.startswith("https://dichvucong.gov.vn/")
    assert {option.channel for option in version.options.all()} == {
        Channel.ONLINE,
        Channel.POSTAL,
        Channel.DIRECT,
    }
    assert version.online_level == OnlineLevel.PARTIAL
    assert version.documents.count() > 3 and version.results[0]["code"] == "KQ.G15.000031"
    assert version.raw["ma_thu_tuc"] == "1.001193"
    assert "dang ky khai sinh" in version.search_name and "birth registration" in version.search_text
    central = Procedure.objects.get(code="1.000178")
    assert central.scope == CatalogScope.CENTRAL
    assert {
        "number": "02/2011/QH13",
        "title": "Luật Khiếu nại năm 2011",
    } in central.current_version.legal_basis
    usd = Procedure.objects.get(code="1.000931").current_version.fees.get()
    assert (usd.amount, usd.currency) == (10, "USD")


def test_local_variants_for_ward_and_city_procedures(city):
    """Given wards and a department, when imported, then ward procedures exist at every ward-level unit and
    city ones at the department named in the record, with code + agency code."""
    import_catalog(_lines(), actor=None, names_en={})
    codes = set(ProcedureAgency.objects.values_list("local_code", flat=True))
    assert {"1.001193.000.50.68.H29", "1.001193.000.50.70.H29"} <= codes
    assert not any(code.startswith("1.000178.") for code in codes)  # central only
    city_variants = ProcedureAgency.objects.filter(procedure__code="1.001651").values_list(
        "agency__code", flat=True
    )
    assert set(city_variants) <= {"000.00.12.H29", "000.00.00.H29"} and city_variants


def test_reimport_is_idempotent_and_audited_once_per_run(city):
    """Given an imported catalog, when the same file is imported again, then nothing changes or duplicates."""
    import_catalog(_lines(), actor=None, names_en=NAMES)
    variants = ProcedureAgency.objects.count()
    report = import_catalog(_lines(), actor=None, names_en=NAMES)
    assert (report.created, report.updated, report.unchanged, report.variants_created) == (0, 0, 6, 0)
    assert ProcedureVersion.objects.count() == 6 and ProcedureAgency.objects.count() == variants
    assert AuditEntry.objects.filter(action="procedure_catalog.import").count() == 2


def test_changed_record_updates_the_unreferenced_published_version_in_place(city):
    """Given an imported procedure, when its record changes, then the published version shows the new name."""
    import_catalog(_lines(), actor=None, names_en={})
    lines = _lines()
    record = json.loads(lines[0])
    record["ten_thu_tuc"] = "Đăng ký khai sinh (sửa đổi)"
    lines[0] = json.dumps(record, ensure_ascii=False)
    report = import_catalog(lines, actor=None, names_en={})
    assert (report.updated, report.unchanged) == (1, 5)
    versions = ProcedureVersion.objects.filter(procedure__code="1.001193")
    assert versions.count() == 1 and versions.get().name == "Đăng ký khai sinh (sửa đổi)"
    assert versions.get().options.count() == 3  # children replaced, not duplicated


def test_malformed_line_writes_nothing_and_names_the_line(city):
    """Given a file whose third line is broken JSON and fifth has no code, then nothing is imported."""
    lines = _lines()
    lines[2] = "{not json"
    record = json.loads(lines[4])
    record["ma_thu_tuc"] = ""
    lines[4] = json.dumps(record, ensure_ascii=False)
    report = import_catalog(lines, actor=None, names_en={})
    assert not report.ok
    assert [line for line, _message in report.errors] == [3, 5]
    assert (
        Procedure.objects.count() == 0
        and not AuditEntry.objects.filter(action="procedure_catalog.import").exists()
    )


def test_structured_national_format_is_detected_by_its_keys(city):
    """Given a LayThuTuc record (MATTHC, TENTTHC, …), when imported, then its nested lists become the
    version."""
    record = {
        "MATTHC": "1.999001",
        "TENTTHC": "Cấp bản sao trích lục hộ tịch",
        "CAPTHUCHIEN": "Cấp xã",
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "G15-HT", "TENLINHVUC": "Hộ tịch"}],
        "CACHTHUCTHUCHIEN": [
            {
                "KENH": "Trực tuyến",
                "THOIGIAN": [
                    {
                        "THOIGIANGIAIQUYET": 1,
                        "DONVITINH": "Ngày làm việc",
                        "PHILEPHI": [{"SOTIEN": "8000", "DONVI": "Đồng", "MOTA": "8.000 đồng/bản"}],
                    }
                ],
            }
        ],
        "THANHPHANHOSO": [
            {
                "TRUONGHOP": "",
                "GIAYTO": [
                    {"TENGIAYTO": "Tờ khai", "TENMAUDON": "TK.docx", "URL": "https://example.org/tk.docx"}
                ],
            }
        ],
        "KETQUATHUCHIEN": [{"MAKETQUA": "KQ.G15.000040", "TENKETQUA": "Bản sao trích lục"}],
        "CANCUPHAPLY": [{"SOVANBAN": "04/2020/TT-BTP", "TENVANBAN": "Thông tư hộ tịch"}],
        "COQUANTHUCHIEN": [{"MADONVI": "000.50.68.H29", "TENDONVI": "Ủy ban nhân dân cấp xã"}],
        "MUCDO": "4",
    }
    report = import_catalog([json.dumps(record, ensure_ascii=False)], actor=None, names_en={})
    assert report.ok and report.created == 1
    version = Procedure.objects.get(code="1.999001").current_version
    assert version.level_ward and version.online_level == OnlineLevel.FULL
    option = version.options.get()
    assert (option.channel, option.duration, option.fees.get().amount) == (Channel.ONLINE, 1, 8000)
    document = version.documents.get()
    assert (document.template_name, document.template_url) == ("TK.docx", "https://example.org/tk.docx")
    assert version.results == [{"code": "KQ.G15.000040", "name": "Bản sao trích lục"}]


def test_import_command_prints_summary_and_fails_on_bad_file(city, tmp_path, capsys):
    """Given the command, when run on the sample, then it prints counts; on a broken file it exits
    non-zero."""
    from django.core.management import CommandError, call_command

    call_command("import_catalog", str(SAMPLE), "--names-en", str(tmp_path / "none.csv"))
    assert "6 created" in capsys.readouterr().out
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_catalog", str(bad))
