"""Biểu số 06/VPCP/KSTT as files: XLSX (openpyxl), DOCX (python-docx) and PDF (WeasyPrint).

The layout is the form's (Circular 01/2020/TT-VPCP): the form number, the title, the reporting unit
and period, then one table whose column headers are grouped Received / Resolved / Pending (and the
other counts), a row per group and a totals row, with the on-time rate. The form is an official
document in Vietnamese, so the files are always written in Vietnamese (like the counter slips).

The officer measures (``officers.OfficerReport``, grouped by officer or title) use the same layout
with their own heading and columns (``build_officer_sheet``): received / resolved / other work.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from dichvucong.reports.constants import FORM06_GROUPS, OFFICER_COLUMNS, GroupBy, OfficerGroupBy
from dichvucong.reports.officers import OfficerReport, OfficerRow
from dichvucong.reports.selectors import Form06, Form06Row

FORM_NUMBER = "Biểu số 06/VPCP/KSTT"
TITLE = (
    "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC "
    "HÀNH CHÍNH"
)
UNIT_OF_MEASURE = "Đơn vị tính: Số hồ sơ TTHC"
ON_TIME = "Tỷ lệ giải quyết trước hạn, đúng hạn (%)"
OFFICER_TITLE = "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THEO CÁN BỘ, CÔNG CHỨC"
OFFICER_TITLE_BY_ROLE = "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THEO CHỨC DANH"
OFFICER_FORM = "Báo cáo kết quả xử lý hồ sơ theo cán bộ"
# The officer columns' header groups: (group title, column names).
_OFFICER_GROUPS = (
    ("Số hồ sơ tiếp nhận", ("received",)),
    ("Số hồ sơ đã giải quyết", ("resolved_total", "resolved_early", "resolved_on_time", "resolved_late")),
    ("Khác", ("refused", "supplement_in", "returned", "stopped", "steps")),
)
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
    form_number: str = FORM_NUMBER
    title: str = TITLE
    sheet_name: str = "Biểu 06"

    @property
    def columns(self) -> list[str]:
        return [column for _title, columns in self.groups for column, _label in columns]


def _rate(row: Form06Row | OfficerRow) -> str:
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


def build_officer_sheet(report: OfficerReport, *, unit: str) -> Sheet:
    """The officer measures as a sheet: one row per officer (with the agency acted for) or title."""
    with translation.override("vi"):
        titles = {name: str(title) for name, title in OFFICER_COLUMNS}
        groups = [(group, [(c, titles[c]) for c in columns]) for group, columns in _OFFICER_GROUPS]
        by_title = report.group_by == OfficerGroupBy.TITLE
        first = str(OfficerGroupBy(report.group_by).label)
        period = f"Kỳ báo cáo: từ ngày {report.period_from:%d/%m/%Y} đến ngày {report.period_to:%d/%m/%Y}"
        names = [column for _t, columns in groups for column, _l in columns]
        rows = [
            (
                str(n),
                row.label if by_title or not row.agency else f"{row.label} ({row.agency})",
                [row.figures[c] for c in names],
                _rate(row),
            )
            for n, row in enumerate(report.rows, start=1)
        ]
        assert report.total is not None
        rows.append(("", "Tổng cộng", [report.total.figures[c] for c in names], _rate(report.total)))
    return Sheet(
        unit=unit,
        period=period,
        first_header=first,
        groups=groups,
        rows=rows,
        form_number=OFFICER_FORM,
        title=OFFICER_TITLE_BY_ROLE if by_title else OFFICER_TITLE,
        sheet_name="Theo chức danh" if by_title else "Theo cán bộ",
    )


def to_xlsx(sheet: Sheet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    ws.title = sheet.sheet_name
    width = 2 + len(sheet.columns) + 1
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws["A1"] = sheet.form_number
    ws["A1"].font = bold
    for row, text in (
        (2, sheet.title),
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
    # Printed (or opened and printed) as the paper form: A4 landscape, every column on one page wide.
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header}:{sub}"
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
    section.page_width, section.page_height = Cm(29.7), Cm(21)  # A4 landscape
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(10)
    document.add_paragraph().add_run(sheet.form_number).bold = True
    for text, bold in ((sheet.title, True), (sheet.period, False), (f"Đơn vị báo cáo: {sheet.unit}", False)):
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
    # The name column takes what the figures leave of the landscape page.
    usable = section.page_width - section.left_margin - section.right_margin
    narrow = Cm(1.25)
    widths = [Cm(0.9), usable - Cm(0.9) - narrow * (width - 2), *([narrow] * (width - 2))]
    table.autofit = False
    for column, column_width in zip(table.columns, widths, strict=True):
        column.width = column_width  # the table grid, which LibreOffice follows
    for row in table.rows:
        for cell, cell_width in zip(row.cells, widths, strict=True):
            cell.width = cell_width
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_pdf(sheet: Sheet) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "reports/form06_pdf.html",
        {
            "sheet": sheet,
            "form_number": sheet.form_number,
            "title": sheet.title,
            "unit_of_measure": UNIT_OF_MEASURE,
            "on_time": ON_TIME,
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def export_filename(group_by: str | None, period_from: date, period_to: date, kind: str) -> str:
    """The download name: Biểu 06's form number, or what the officer measures are grouped by."""
    if group_by == OfficerGroupBy.OFFICER:
        stem = "bao-cao-theo-can-bo"
    elif group_by == OfficerGroupBy.TITLE:
        stem = "bao-cao-theo-chuc-danh"
    else:
        stem = "bieu-06-vpcp-kstt"
    return f"{stem}_{period_from:%Y%m%d}-{period_to:%Y%m%d}.{kind}"


def export(report: Form06 | OfficerReport, *, unit: str, kind: str) -> bytes:
    """The report (Biểu 06 or the officer measures) as ``kind`` (``xlsx``, ``docx`` or ``pdf``) bytes."""
    if isinstance(report, OfficerReport):
        sheet = build_officer_sheet(report, unit=unit)
    else:
        sheet = build_sheet(report, unit=unit)
    return {"xlsx": to_xlsx, "docx": to_docx, "pdf": to_pdf}[kind](sheet)
