"""Biểu 06 files: the XLSX and DOCX read back with the numbers, the PDF is a PDF with the title."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

from docx import Document
from openpyxl import load_workbook

from dichvucong.reports.exports import FORM_NUMBER, export
from dichvucong.reports.officers import OfficerReport, OfficerRow
from dichvucong.reports.selectors import Form06, Form06Row, ReportScope

COLUMNS = (
    "received_total",
    "received_online",
    "received_direct",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending_total",
    "pending_in_time",
    "pending_overdue",
    "withdrawn",
    "refused",
    "supplement_waiting",
    "returned",
)


def _report() -> Form06:
    hotich = dict.fromkeys(COLUMNS, 0) | {"received_total": 7, "resolved_total": 4, "resolved_early": 3}
    hotich |= {"resolved_late": 1}
    chungthuc = dict.fromkeys(COLUMNS, 0) | {"received_total": 5, "pending_total": 5, "pending_overdue": 2}
    total = {c: hotich[c] + chungthuc[c] for c in COLUMNS}
    return Form06(
        period_from=date(2025, 12, 15),
        period_to=date(2026, 3, 14),
        scope=ReportScope(),
        group_by="field",
        rows=[
            Form06Row(key="chung-thuc", code="chung-thuc", label="Chứng thực", figures=chungthuc),
            Form06Row(key="ho-tich", code="ho-tich", label="Hộ tịch", figures=hotich),
        ],
        total=Form06Row(key=None, code="", label="Tổng cộng", figures=total),
    )


def test_the_xlsx_has_the_form_layout_and_reads_back_the_numbers() -> None:
    """Given a report, when exported to XLSX, then openpyxl reads the form number, the period, the
    grouped headers, each row's figures and the totals row."""
    sheet = load_workbook(io.BytesIO(export(_report(), unit="Toàn Thành phố", kind="xlsx"))).active
    cells = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert cells[0][0] == FORM_NUMBER
    assert "từ ngày 15/12/2025 đến ngày 14/03/2026" in cells[2][0]
    assert cells[6][2] == "Số hồ sơ nhận giải quyết"
    rows = {row[1]: row for row in cells[8:]}
    assert rows["Hộ tịch"][2] == 7 and rows["Hộ tịch"][-1] == "75,0"
    assert rows["Tổng cộng"][2] == 12 and rows["Tổng cộng"][2 + COLUMNS.index("pending_overdue")] == 2


def test_the_docx_reads_back_the_numbers() -> None:
    """Given a report, when exported to DOCX, then python-docx finds the title and the totals row."""
    document = Document(io.BytesIO(export(_report(), unit="Phường Bến Thành", kind="docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert FORM_NUMBER in text and "Đơn vị báo cáo: Phường Bến Thành" in text
    table = document.tables[0]
    last = [cell.text for cell in table.rows[-1].cells]
    assert last[1] == "Tổng cộng" and last[2] == "12"
    assert table.rows[0].cells[2].text == "Số hồ sơ nhận giải quyết"


def test_the_pdf_is_a_pdf_with_the_title(tmp_path) -> None:
    """Given a report, when exported to PDF, then the bytes are a PDF (and, where pdftotext exists, its
    text has the form number and the totals)."""
    data = export(_report(), unit="Toàn Thành phố", kind="pdf")
    assert data.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        path = tmp_path / "bieu-06.pdf"
        path.write_bytes(data)
        command = ["pdftotext", "-layout", str(path), "-"]
        text = subprocess.run(command, capture_output=True, check=True, text=True).stdout  # noqa: S603
        assert "Biểu số 06/VPCP/KSTT" in text and "Tổng cộng" in text


def _officer_report() -> OfficerReport:
    names = ("received", "resolved_total", "resolved_early", "resolved_on_time", "resolved_late")
    names += ("refused", "supplement_in", "returned", "stopped", "steps")
    reception = dict.fromkeys(names, 0) | {"received": 3, "steps": 3}
    specialist = dict.fromkeys(names, 0) | {"resolved_total": 2, "resolved_early": 1, "resolved_late": 1}
    specialist |= {"steps": 4}
    total = {c: reception[c] + specialist[c] for c in names}
    return OfficerReport(
        period_from=date(2026, 3, 1),
        period_to=date(2026, 3, 31),
        scope=ReportScope(),
        group_by="officer",
        rows=[
            OfficerRow(
                key=(1, 1), code="1", label="Lê Văn Cường", agency="Phường Bến Thành", figures=reception
            ),
            OfficerRow(
                key=(2, 1), code="2", label="Trần Thị Bình", agency="Phường Bến Thành", figures=specialist
            ),
        ],
        total=OfficerRow(key=None, code="", label="Tổng cộng", agency="", figures=total),
    )


def test_the_officer_xlsx_has_its_own_headers_and_totals() -> None:
    """Given the officer measures, when exported to XLSX, then openpyxl reads the officer heading, the
    grouped headers (received, resolved, other work), each officer with the agency, the totals row and
    the on-time rate; the DOCX and PDF carry the same title."""
    book = load_workbook(io.BytesIO(export(_officer_report(), unit="Phường Bến Thành", kind="xlsx")))
    sheet = book.active
    assert sheet.title == "Theo cán bộ"
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[1][0] == "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THEO CÁN BỘ, CÔNG CHỨC"
    assert (cells[6][1], cells[6][2], cells[6][3]) == (
        "Cán bộ",
        "Số hồ sơ tiếp nhận",
        "Số hồ sơ đã giải quyết",
    )
    assert cells[7][2:8] == (
        "Tiếp nhận",
        "Đã giải quyết",
        "Trước hạn",
        "Đúng hạn",
        "Quá hạn",
        "Từ chối tiếp nhận",
    )
    assert cells[7][-2] == "Số bước đã xử lý"
    rows = {row[1]: row for row in cells[8:]}
    assert rows["Trần Thị Bình (Phường Bến Thành)"][3:7] == (2, 1, 0, 1)
    assert rows["Trần Thị Bình (Phường Bến Thành)"][-1] == "50,0"
    assert rows["Tổng cộng"][2] == 3 and rows["Tổng cộng"][-2] == 7
    docx = Document(io.BytesIO(export(_officer_report(), unit="Phường Bến Thành", kind="docx")))
    assert "THEO CÁN BỘ" in "\n".join(p.text for p in docx.paragraphs)
    assert [c.text for c in docx.tables[0].rows[-1].cells][1:3] == ["Tổng cộng", "3"]
    assert export(_officer_report(), unit="Phường Bến Thành", kind="pdf").startswith(b"%PDF")
