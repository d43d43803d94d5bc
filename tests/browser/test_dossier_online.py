"""Applying online in a real browser: from the procedure page through every step to the confirmation,
then "my dossiers" and the dossier's history; the public look-up with a scanned code, and its kiosk
mode. Each page is checked with axe-core (WCAG 2.1 A/AA), one at 320 px."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import describe, log_in, run_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _no_violations(page: Any, name: str) -> None:
    violations = run_axe(page)
    screenshot(page, name)
    assert not violations, describe(violations)


@pytest.fixture
def world(transactional_db: None) -> Any:
    from dichvucong.dossiers.tests.factories import make_world

    return make_world()


def test_a_citizen_applies_online_and_follows_the_dossier(page: Any, live_server: Any, world: Any) -> None:
    """Given a signed-in citizen on the procedure page, when they apply online through every step and
    submit, then the confirmation links to the dossier, "my dossiers" lists it as newly registered and
    its page shows the submission in the history; every page passes axe."""
    log_in(page.context, live_server, world.citizen)
    page.goto(f"{live_server.url}/thu-tuc/{world.procedure.code}/")
    page.locator("a[data-apply]").click()

    page.wait_for_url("**/nop-ho-so/**")
    _no_violations(page, "dossier-apply-where")
    page.get_by_label("Nơi nộp hồ sơ").select_option(world.agency.code)
    page.get_by_label("Số điện thoại liên hệ").fill("0901234567")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    page.wait_for_url("**/to-khai/")
    _no_violations(page, "dossier-apply-form")
    page.get_by_label("Nội dung yêu cầu").fill("Đề nghị đăng ký khai sinh cho cháu Nguyễn Văn Bình")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    page.wait_for_url("**/giay-to/")
    _no_violations(page, "dossier-apply-documents")
    for label in ("Tờ khai đăng ký khai sinh", "Giấy chứng sinh"):
        page.get_by_label(label, exact=False).set_input_files(
            {"name": "giay-to.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    page.wait_for_url("**/xem-lai/")
    assert "Đề nghị đăng ký khai sinh cho cháu Nguyễn Văn Bình" in page.inner_text("main")
    _no_violations(page, "dossier-apply-review")
    page.get_by_role("button", name="Nộp hồ sơ").click()

    page.wait_for_url("**/da-nop/")
    assert "Đã nộp hồ sơ thành công" in page.inner_text("main")
    _no_violations(page, "dossier-submitted")

    page.goto(f"{live_server.url}/ho-so-cua-toi/")
    card = page.locator(".dossier-card").first
    assert "Đăng ký khai sinh" in card.inner_text() and "Mới đăng ký" in card.inner_text()
    _no_violations(page, "my-dossiers")
    card.get_by_role("link", name="Đăng ký khai sinh").click()
    history = page.locator(".timeline").inner_text()
    assert "Nộp hồ sơ trực tuyến" in history
    _no_violations(page, "dossier-detail")


def test_the_dossier_page_at_320px_after_reception(page: Any, live_server: Any, world: Any) -> None:
    """Given a dossier received by an officer, when the applicant opens it on a 320 px phone, then the
    code, the officer's step and the due date show without sideways scrolling, and axe passes."""
    from dichvucong.dossiers.tests.factories import make_received

    dossier = make_received(world)
    log_in(page.context, live_server, world.citizen)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/ho-so-cua-toi/{dossier.pk}/")
    text = page.inner_text("main")
    assert dossier.code in text and "Tiếp nhận hồ sơ" in text and world.officer.display_name in text
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _no_violations(page, "dossier-detail-320")


def test_the_lookup_with_a_scanned_code(page: Any, live_server: Any, world: Any) -> None:
    """Given a received dossier, when a barcode scanner types its code and Enter into the focused
    look-up field, then the status shows with the masked name only; axe passes."""
    from dichvucong.dossiers.tests.factories import make_received

    dossier = make_received(world)
    page.goto(f"{live_server.url}/tra-cuu/")
    assert page.evaluate("document.activeElement.id") == "lookup-code"
    page.keyboard.type(dossier.code)
    page.keyboard.press("Enter")
    page.wait_for_url("**/tra-cuu/?ma=*")
    result = page.locator(".lookup-result").inner_text()
    assert "Được tiếp nhận" in result and "Nguyễn V** A*" in result and "Nguyễn Văn An" not in result
    _no_violations(page, "dossier-lookup")


def test_the_kiosk_lookup_shows_the_result_and_resets_when_idle(
    page: Any, live_server: Any, world: Any
) -> None:
    """Given the kiosk look-up screen, when a code is scanned, then the result is on screen; after 60 s
    without a touch the screen is back to the empty form. The English screen passes axe too."""
    from dichvucong.dossiers.tests.factories import make_received

    dossier = make_received(world)
    page.clock.install()
    page.goto(f"{live_server.url}/evaluation/tra-cuu/")
    page.keyboard.type(dossier.code)
    page.keyboard.press("Enter")
    page.wait_for_url("**/evaluation/tra-cuu/?ma=*")
    assert "Được tiếp nhận" in page.locator(".kiosk-result").inner_text()
    _no_violations(page, "kiosk-lookup-result")
    page.clock.run_for(55 * 1000)
    assert page.locator(".kiosk-result").is_visible()
    with page.expect_navigation():
        page.clock.run_for(10 * 1000)
    page.wait_for_url(f"{live_server.url}/evaluation/tra-cuu/")
    assert page.locator(".kiosk-result").count() == 0
    assert page.get_by_label("Quét mã vạch hoặc nhập mã hồ sơ").input_value() == ""
    page.get_by_role("button", name="English").click()
    assert page.get_by_label("Scan the barcode or type the dossier code").is_visible()
    _no_violations(page, "kiosk-lookup-en")
