"""Back-office evaluation pages a ward admin and a leader use (E6, index 6, the quarterly PDF):
accessible (axe) and usable at 320 px."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import describe, log_in, run_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Any, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways at {width} px ({scroll} px)"


def test_a_ward_admin_rewords_a_question_and_publishes(page: Any, context: Any, live_server: Any) -> None:
    """Given a ward admin with a rated dossier, when they reword "overall" on the criteria page and
    publish the quarter from the results page, then the wording shows as what applicants see, the
    results page says it was published and offers the PDF, and both pages pass axe and fit 320 px."""
    from dichvucong.accounts.constants import Role
    from dichvucong.agencies.tests.factories import make_officer
    from dichvucong.evaluations.constants import RatingStage
    from dichvucong.evaluations.services import seed_evaluation_criteria
    from dichvucong.evaluations.tests.factories import make_returned, make_world, rate

    seed_evaluation_criteria()
    world = make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    admin, _a = make_officer(agency=world.agency, role=Role.AGENCY_ADMIN)
    log_in(context, live_server, admin)

    page.goto(live_server.url + "/backoffice/danh-gia/tieu-chi/")
    field = page.locator("#w-overall")
    field.fill("Nhìn chung, ông/bà hài lòng với dịch vụ?")
    page.locator("form").filter(has=field).get_by_role("button").click()
    assert "Nhìn chung, ông/bà hài lòng với dịch vụ?" in page.get_by_role("table").last.inner_text()
    violations = run_axe(page)
    assert violations == [], describe(violations)
    page.set_viewport_size({"width": 320, "height": 800})
    _fits(page, 320)
    screenshot(page, "evaluation-criteria-ward-admin-vi-320")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/backoffice/danh-gia/")
    page.get_by_role("button", name="Công bố kết quả kỳ này của cơ quan trong phạm vi quản trị").click()
    assert "Đã công bố lần cuối lúc" in page.locator("main").inner_text()
    pdf_link = page.get_by_role("link", name="Tải báo cáo quý (PDF)")
    with page.expect_download() as download:
        pdf_link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    violations = run_axe(page)
    assert violations == [], describe(violations)
    page.set_viewport_size({"width": 320, "height": 800})
    _fits(page, 320)


def test_a_leader_records_the_posting_check(page: Any, context: Any, live_server: Any) -> None:
    """Given an agency leader on the verify page, when they record that procedures are posted, then
    the page confirms it; the page passes axe and fits 320 px."""
    from dichvucong.accounts.constants import Role
    from dichvucong.agencies.tests.factories import make_officer
    from dichvucong.evaluations.constants import RatingStage
    from dichvucong.evaluations.services import seed_evaluation_criteria
    from dichvucong.evaluations.tests.factories import make_returned, make_world, rate

    seed_evaluation_criteria()
    world = make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    leader, _a = make_officer(agency=world.agency, role=Role.AGENCY_LEADER)
    log_in(context, live_server, leader)
    page.goto(f"{live_server.url}/backoffice/danh-gia/tham-dinh/{world.agency.pk}/")
    page.get_by_label("Niêm yết đầy đủ, chính xác, kịp thời").check()
    page.get_by_label("Ghi chú kiểm tra niêm yết").fill("Bảng niêm yết tại quầy")
    page.get_by_role("button", name="Ghi nhận kết quả kiểm tra niêm yết").click()
    assert "Đã ghi nhận: thủ tục được niêm yết đầy đủ." in page.locator("main").inner_text()
    violations = run_axe(page)
    assert violations == [], describe(violations)
    page.set_viewport_size({"width": 320, "height": 800})
    _fits(page, 320)
    screenshot(page, "evaluation-verify-leader-vi-320")
