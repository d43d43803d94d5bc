"""Printable declarations (``forms.documents``): DOCX and PDF, blank or filled with a submission."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from docx import Document

from dichvucong.forms import services
from dichvucong.forms.documents import DOTS, build_declaration, declaration_docx, declaration_pdf
from dichvucong.forms.models import FormVersion
from dichvucong.forms.palette import ui_schema_for
from dichvucong.forms.tests.factories import HCMC_WARD, household_fields, make_spec

pytestmark = pytest.mark.django_db

DATA = {
    "ho_ten": "Nguyễn Thị Hoa",
    "cccd": "079203001234",
    "ngay_sinh": "1990-05-17",
    "le_phi": 150000,
    "gioi_tinh": "female",
    "co_thay_doi": False,
    "dia_chi": {"province": "79", "ward": HCMC_WARD, "street": "12 Lê Lợi"},
    "thanh_vien": [{"ho_ten": "Trần Văn Bình", "quan_he": "con"}],
    "cam_doan": True,
}


@pytest.fixture
def version() -> FormVersion:
    definition = services.create_form_definition(
        key="cu-tru", name="Tờ khai thay đổi thông tin cư trú", owner_agency=None, actor=None
    )
    return services.save_and_publish_form(
        definition=definition,
        actor=None,
        ui_schema=ui_schema_for(household_fields()),
        document_keys=["to_khai_ct01"],
    )


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def test_docx_holds_labels_and_filled_values(version: FormVersion) -> None:
    """The DOCX opens with python-docx and shows each label with the applicant's value, choices and
    dates as written on paper, the group's rows in a table and the consent ticked."""
    text = _docx_text(declaration_docx(version, data=DATA))
    assert "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ" in text
    assert "Họ và tên: Nguyễn Thị Hoa" in text
    assert "Ngày sinh: 17/05/1990" in text
    assert "Giới tính: Nữ" in text
    assert "Lệ phí đã nộp: 150.000 đồng" in text
    assert "12 Lê Lợi, Phường Sài Gòn" in text
    assert "Trần Văn Bình" in text
    assert "☒ Tôi cam đoan những lời khai trên là đúng sự thật" in text
    assert "Tờ khai" in text  # the file slot, listed among the documents to attach


def test_blank_docx_has_dotted_lines_and_empty_table_rows(version: FormVersion) -> None:
    """Without data every answer is a dotted line to fill by hand and the group has blank rows."""
    content = declaration_docx(version)
    text = _docx_text(content)
    assert f"Họ và tên: {DOTS}" in text
    assert "☐ Tôi cam đoan" in text
    table = Document(io.BytesIO(content)).tables[0]
    assert [cell.text for cell in table.rows[0].cells] == [
        "STT",
        "Họ và tên",
        "Số định danh cá nhân",
        "Quan hệ với chủ hộ",
    ]
    assert len(table.rows) == 4


def test_pdf_is_a_pdf_with_the_values(version: FormVersion) -> None:
    """The PDF starts with %PDF and (when pdftotext is installed) holds the filled values."""
    content = declaration_pdf(version, data=DATA)
    assert content.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed")
    text = subprocess.run(  # noqa: S603 - a fixed command, no shell
        [pdftotext, "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    assert "Nguyễn Thị Hoa" in text
    assert "079203001234" in text
    assert "Trần Văn Bình" in text


def test_declaration_ignores_values_of_the_wrong_shape() -> None:
    """Crafted data (an address that is not an object, group rows that are not objects) gives blanks,
    never an error."""
    declaration = build_declaration(
        make_spec(), title="T", data={"dia_chi": "x", "thanh_vien": ["x"], "ho_ten": {"a": 1}}
    )
    values = {line.label: line.value for line in declaration.lines if line.kind == "field"}
    assert values["Nơi thường trú"] == ""
    assert values["Họ và tên"] == ""
    group = next(line for line in declaration.lines if line.kind == "group")
    assert group.rows == [["", "", ""]] * 3
