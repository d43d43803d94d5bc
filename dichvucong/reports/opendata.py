"""Open data: the published Biểu 06 figures as CSV and JSON (the portal's /thong-ke/ downloads).

One row per group (field or agency) and a final ``TOTAL`` row, with the columns of ``OPEN_DATA_COLUMNS``
in that order; the same numbers as the page and ``GET /api/v1/statistics/``. Aggregate counts only,
no personal data.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.utils.translation import gettext_lazy as _

from dichvucong.reports.selectors import FORM06_COLUMNS, Form06, Form06Row

TOTAL_CODE = "TOTAL"
# (column, description) in file order: the documented column list shown on the page.
OPEN_DATA_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("period_from", _("Ngày đầu kỳ (YYYY-MM-DD)")),
    ("period_to", _("Ngày cuối kỳ (YYYY-MM-DD)")),
    ("group_by", _("Cách nhóm: field (lĩnh vực) hoặc agency (cơ quan); trống: chỉ dòng tổng")),
    ("code", _("Mã lĩnh vực hoặc mã định danh cơ quan; TOTAL: dòng tổng")),
    ("label", _("Tên lĩnh vực hoặc cơ quan")),
    ("received_total", _("Hồ sơ tiếp nhận trong kỳ")),
    ("received_online", _("Tiếp nhận trực tuyến")),
    ("received_direct", _("Tiếp nhận trực tiếp và qua bưu chính")),
    ("carried_over", _("Từ kỳ trước chuyển qua")),
    ("resolved_total", _("Đã giải quyết")),
    ("resolved_early", _("Giải quyết trước hạn")),
    ("resolved_on_time", _("Giải quyết đúng hạn")),
    ("resolved_late", _("Giải quyết quá hạn")),
    ("pending_total", _("Đang giải quyết cuối kỳ")),
    ("pending_in_time", _("Đang giải quyết trong hạn")),
    ("pending_overdue", _("Đang giải quyết quá hạn")),
    ("withdrawn", _("Rút hồ sơ")),
    ("refused", _("Từ chối tiếp nhận")),
    ("supplement_waiting", _("Đang chờ bổ sung cuối kỳ")),
    ("returned", _("Đã trả kết quả")),
    ("on_time_rate", _("Tỷ lệ giải quyết trước hạn, đúng hạn (%), trống khi chưa giải quyết hồ sơ nào")),
)
COLUMN_NAMES: tuple[str, ...] = tuple(name for name, _description in OPEN_DATA_COLUMNS)


def _record(report: Form06, row: Form06Row, *, code: str) -> dict[str, Any]:
    return {
        "period_from": report.period_from.isoformat(),
        "period_to": report.period_to.isoformat(),
        "group_by": report.group_by or "",
        "code": code,
        "label": row.label,
        **{column: row.figures[column] for column in FORM06_COLUMNS},
        "on_time_rate": row.on_time_rate,
    }


def records(report: Form06) -> list[dict[str, Any]]:
    """The rows of the report then the total, each a dict with ``COLUMN_NAMES`` keys in order."""
    assert report.total is not None
    rows = [_record(report, row, code=row.code) for row in report.rows]
    rows.append(_record(report, report.total, code=TOTAL_CODE))
    return [{name: row[name] for name in COLUMN_NAMES} for row in rows]


def to_csv(report: Form06) -> str:
    """UTF-8 CSV text (comma-separated, header row), the on-time rate with a dot as decimal mark."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMN_NAMES, lineterminator="\n")
    writer.writeheader()
    for row in records(report):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()


def to_json(report: Form06) -> str:
    """``{"columns": [...], "rows": [...]}``: the same records as the CSV."""
    return json.dumps({"columns": list(COLUMN_NAMES), "rows": records(report)}, ensure_ascii=False)
