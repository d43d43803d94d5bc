"""The quarterly evaluation report as an XLSX file (openpyxl) and a PDF (WeasyPrint, A4 landscape,
DejaVu Serif for the Vietnamese diacritics): one row per agency with the counts of ratings per level,
the Decision 766 satisfaction rate, the averages of the 9 indices, the 18-point score, the grade, the
verified total and the rank — the same figures as the pages (``selectors.list_agency_figures``)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dichvucong.evaluations.constants import INDEX_KEYS
from dichvucong.evaluations.periods import Period
from dichvucong.evaluations.selectors import AgencyFigures, get_questionnaire_in_force


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


def _number(value: float | int | None) -> str:
    """A figure as printed: "–" for no data, at most two decimals, no trailing zeros."""
    if value is None:
        return "–"
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text or "0"
    return str(value)


def agency_figures_pdf(period: Period, rows: Sequence[AgencyFigures], *, unit: str) -> bytes:
    """The quarterly report as a PDF; ``unit`` names the scope it covers (the city or the agencies)."""
    from weasyprint import HTML

    questionnaire = get_questionnaire_in_force()
    texts = {q.index_key: q.display_text for q in questionnaire.questions.all()} if questionnaire else {}
    header = [
        _("Hạng"),
        _("Cơ quan"),
        _("Hồ sơ đã giải quyết"),
        _("Lượt đánh giá"),
        _("Rất hài lòng"),
        _("Hài lòng"),
        _("Không hài lòng"),
        _("Tỷ lệ hài lòng (766), %"),
        *[_("CS %(n)s") % {"n": key[3:]} for key in INDEX_KEYS],
        _("Điểm /18"),
        _("Xếp loại"),
        _("Thẩm định /18"),
    ]
    printed = [
        {
            "rank": row.rank,
            "agency_name": row.agency_name,
            "agency_code": row.agency_code,
            "cells": [
                _number(row.finished_dossiers),
                _number(row.ratings),
                _number(row.very_satisfied),
                _number(row.satisfied),
                _number(row.dissatisfied),
                _number(row.satisfaction_rate),
                *[_number(_index_value(row, key)) for key in INDEX_KEYS],
                _number(row.score),
                row.grade_label or "–",
                f"{_number(row.verified_score)} {row.verified_grade_label}".strip(),
            ],
        }
        for row in rows
    ]
    html = render_to_string(
        "evaluations/report_pdf.html",
        {
            "LANGUAGE_CODE": get_language(),
            "title": _("Báo cáo kết quả đánh giá sự hài lòng trong giải quyết thủ tục hành chính"),
            "period_label": period.label,
            "unit_label": _("Phạm vi: %(unit)s") % {"unit": unit},
            "header": header,
            "rows": printed,
            "empty": _("Chưa có số liệu trong kỳ này."),
            "legend_title": _("Các chỉ số (Nghị định 61/2018/NĐ-CP, Điều 31; Thông tư 01/2018/TT-VPCP)"),
            "legend": [f"{_('CS %(n)s') % {'n': key[3:]}}: {texts.get(key, '')}" for key in INDEX_KEYS],
            "footnote": _(
                "Mỗi chỉ số 0–2 điểm (trung bình trong kỳ); “–” là chưa có dữ liệu và không tính vào "
                "điểm. Điểm /18 quy đổi từ các chỉ số có dữ liệu; thứ hạng theo điểm thẩm định khi có."
            ),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
