"""Biểu số 06/VPCP/KSTT as files: XLSX (openpyxl), DOCX (python-docx) and PDF (WeasyPrint).

The layout is the form's (Circular 01/2020/TT-VPCP): the form number, the title, the reporting unit
and period, then one table whose column headers are grouped Received / Resolved / Pending (and the
other counts), a row per group and a totals row, with the on-time rate. The form is an official
document in Vietnamese, so the files are always written in Vietnamese (like the counter slips).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from dichvucong.reports.constants import FORM06_GROUPS, GroupBy
from dichvucong.reports.selectors import Form06, Form06Row

FORM_NUMBER = "Biểu số 06/VPCP/KSTT"
TITLE = (
    "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC "
    "HÀNH CHÍNH"
)
UNIT_OF_MEASURE = "Đơn vị tính: Số hồ sơ TTHC"
ON_TIME = "Tỷ lệ giải quyết trước hạn, đúng hạn (%)"
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class Sheet:
    """The form's text, ready for any file format (in Vietnamese)."""

    unit: str
    period: str
    first_header: str
    groups: list[tuple[str, list[tuple[str, str]]]]
    rows: list[tuple[str, str, list[int], str]]  # (number, label, figures, on-time rate)

    @property
    def columns(self) -> list[str]:
        return [column for _title, columns in self.groups for column, _label in columns]


def _rate(row: Form06Row) -> str:
    rate = row.on_time_rate
    return "" if rate is None else f"{rate:.1f}".replace(".", ",")


def build_sheet(report: Form06, *, unit: str) -> Sheet:
    with translation.override("vi"):
        groups = [(str(title), [(c, str(label)) for c, label in columns]) for title, columns in FORM06_GROUPS]
        first = str(GroupBy(report.group_by).label) if report.group_by else "Nội dung"
        period = f"Kỳ báo cáo: từ ngày {report.period_from:%d/%m/%Y} đến ngày {report.period_to:%d/%m/%Y}"
        names = [column for _t, columns in groups for column, _l in columns]
        rows = [
            (str(n), row.label, [row.figures[c] for c in names], _rate(row))
            for n, row in enumerate(report.rows, start=1)
        ]
        assert report.total is not None
        rows.append(("", "Tổng cộng", [report.total.figures[c] for c in names], _rate(report.total)))
    return Sheet(unit=unit, period=period, first_header=first, groups=groups, rows=rows)


def to_xlsx(sheet: Sheet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    ws.title = "Biểu 06"
    width = 2 + len(sheet.columns) + 1
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws["A1"] = FORM_NUMBER
    ws["A1"].font = bold
    for row, text in (
        (2, TITLE),
        (3, sheet.period),
        (4, f"Đơn vị báo cáo: {sheet.unit}"),
        (5, UNIT_OF_MEASURE),
    ):
        ws.cell(row=row, column=1, value=text).alignment = centre
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws["A2"].font = Font(bold=True, size=13)
    ws.row_dimensions[2].height = 36
    header, sub = 7, 8
    for col, text in ((1, "STT"), (2, sheet.first_header), (width, ON_TIME)):
        ws.cell(row=header, column=col, value=text)
        ws.merge_cells(start_row=header, start_column=col, end_row=sub, end_column=col)
    col = 3
    for title, columns in sheet.groups:
        ws.cell(row=header, column=col, value=title)
        ws.merge_cells(start_row=header, start_column=col, end_row=header, end_column=col + len(columns) - 1)
        for offset, (_name, label) in enumerate(columns):
            ws.cell(row=sub, column=col + offset, value=label)
        col += len(columns)
    for r in (header, sub):
        for c in range(1, width + 1):
            cell = ws.cell(row=r, column=c)
            cell.font, cell.alignment, cell.border = bold, centre, box
    for offset, (number, label, figures, rate) in enumerate(sheet.rows):
        r = sub + 1 + offset
        values = [int(number) if number else None, label, *figures, rate]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.border = box
            if not number:
                cell.font = bold
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 40
    for c in range(3, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 12
    ws.freeze_panes = ws.cell(row=sub + 1, column=3)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_docx(sheet: Sheet) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(10)
    document.add_paragraph().add_run(FORM_NUMBER).bold = True
    for text, bold in ((TITLE, True), (sheet.period, False), (f"Đơn vị báo cáo: {sheet.unit}", False)):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(text).bold = bold
    document.add_paragraph(UNIT_OF_MEASURE).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    width = 2 + len(sheet.columns) + 1
    table = document.add_table(rows=2, cols=width)
    table.style = "Table Grid"
    top, sub = table.rows[0].cells, table.rows[1].cells
    for col, text in ((0, "STT"), (1, sheet.first_header), (width - 1, ON_TIME)):
        merged = top[col].merge(sub[col])
        merged.text = text
    col = 2
    for title, columns in sheet.groups:
        merged = top[col].merge(top[col + len(columns) - 1])
        merged.text = title
        for offset, (_name, label) in enumerate(columns):
            sub[col + offset].text = label
        col += len(columns)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for run in paragraph.runs:
                    run.bold = True
    for number, label, figures, rate in sheet.rows:
        cells = table.add_row().cells
        for c, value in enumerate([number, label, *(str(f) for f in figures), rate]):
            cells[c].text = value
            if not number:
                for run in cells[c].paragraphs[0].runs:
                    run.bold = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_pdf(sheet: Sheet) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "reports/form06_pdf.html",
        {
            "sheet": sheet,
            "form_number": FORM_NUMBER,
            "title": TITLE,
            "unit_of_measure": UNIT_OF_MEASURE,
            "on_time": ON_TIME,
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def export(report: Form06, *, unit: str, kind: str) -> bytes:
    """The report as ``kind`` (``xlsx``, ``docx`` or ``pdf``) file bytes."""
    sheet = build_sheet(report, unit=unit)
    return {"xlsx": to_xlsx, "docx": to_docx, "pdf": to_pdf}[kind](sheet)
