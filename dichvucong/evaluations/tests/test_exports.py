"""The quarterly report files: the PDF carries the same figures as the pages."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from dichvucong.evaluations.constants import RatingStage
from dichvucong.evaluations.exports import agency_figures_pdf
from dichvucong.evaluations.periods import current_quarter
from dichvucong.evaluations.selectors import list_agency_figures
from dichvucong.evaluations.tests.factories import make_returned, make_world, rate, unhappy

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """The text of a PDF as pdftotext lays it out (the figures must be readable, not just drawn)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    command = [shutil.which("pdftotext") or "pdftotext", "-layout", str(path), "-"]
    return subprocess.run(command, capture_output=True, check=True, text=True).stdout  # noqa: S603


def test_the_pdf_report_lists_each_agency_with_its_figures(tmp_path: Path) -> None:
    """Given two returned dossiers of one ward, one rated unhappy, when the quarter's PDF is made, then
    its text has the title, the period, the ward, the 766 rate of 50 %, the score and the grade, and
    the index legend in Vietnamese with diacritics."""
    world = make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    rate(make_returned(world), stage=RatingStage.RETURN, answers=unhappy(), reason="Chậm")
    period = current_quarter()
    [row] = list_agency_figures(period, agency_ids=[world.agency.pk])
    data = agency_figures_pdf(period, [row], unit="Toàn Thành phố")
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    assert "Báo cáo kết quả đánh giá sự hài lòng" in text
    assert period.label in text and "Toàn Thành phố" in text
    assert world.agency.name in text and world.agency.code in text
    assert f" {row.score:g} " in text and row.grade_label in text
    assert " 50 " in text  # the Decision 766 satisfaction rate
    assert "Thái độ của cán bộ" in text  # index 7's wording from the questionnaire in force


def test_an_empty_quarter_prints_no_data(tmp_path: Path) -> None:
    text = pdf_text(agency_figures_pdf(current_quarter(), [], unit="Phường Bến Thành"), tmp_path)
    assert "Chưa có số liệu trong kỳ này." in text
