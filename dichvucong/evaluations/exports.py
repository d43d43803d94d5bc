"""The quarterly evaluation report as an XLSX file (openpyxl): one row per agency with the counts of
ratings per level, the Decision 766 satisfaction rate, the averages of the 9 indices, the 18-point
score, the grade and the rank — the same figures as the pages (``selectors.list_agency_figures``)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _

from dichvucong.evaluations.constants import INDEX_KEYS
from dichvucong.evaluations.periods import Period
from dichvucong.evaluations.selectors import AgencyFigures


def _index_value(row: AgencyFigures, key: str) -> float | None:
    return row.citizen.get(key) if key == "idx7" else row.indices.get(key)


def agency_figures_xlsx(period: Period, rows: Sequence[AgencyFigures]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = period.key
    sheet.append([_("Kết quả đánh giá sự hài lòng — %(period)s") % {"period": period.label}])
    sheet["A1"].font = Font(bold=True, size=13)
    header = [
        _("Hạng"),
        _("Mã cơ quan"),
        _("Cơ quan"),
        _("Hồ sơ đã giải quyết"),
        _("Lượt đánh giá"),
        _("Rất hài lòng"),
        _("Hài lòng"),
        _("Không hài lòng"),
        _("Tỷ lệ hài lòng (766), %"),
        *[_("Chỉ số %(n)s") % {"n": key[3:]} for key in INDEX_KEYS],
        _("Thuận tiện"),
        _("Tổng thể"),
        _("Điểm /18"),
        _("Xếp loại"),
    ]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [
                row.rank,
                row.agency_code,
                row.agency_name,
                row.finished_dossiers,
                row.ratings,
                row.very_satisfied,
                row.satisfied,
                row.dissatisfied,
                row.satisfaction_rate,
                *[_index_value(row, key) for key in INDEX_KEYS],
                row.citizen.get("convenience"),
                row.citizen.get("overall"),
                row.score,
                row.grade_label,
            ]
        )
    sheet.column_dimensions["C"].width = 45
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
