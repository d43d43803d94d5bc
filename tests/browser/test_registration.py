"""Registration in a real browser: sign up with an e-mail, enter the code, land signed in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import describe, run_axe, screenshot

pytestmark = pytest.mark.browser


def _code_sent() -> str:
    """The code as the outbox handler would e-mail it (the live server has no worker running)."""
    from dichvucong.core.crypto import open_sealed
    from dichvucong.core.models import OutboxMessage

    message = OutboxMessage.objects.filter(topic="accounts.send_code").order_by("-id").first()
    assert message is not None, "no code was queued"
    return open_sealed(message.payload["sealed"], max_age_seconds=600) or ""


def test_register_with_email_verify_and_land_signed_in(
    page: Any, live_server: Any, transactional_db: None
) -> None:
    """Given the registration page, when a person signs up with an e-mail and types the code sent, then
    they land on their profile signed in at level 1; both pages pass axe."""
    page.goto(f"{live_server.url}/dang-ky/")
    violations = run_axe(page)
    assert not violations, describe(violations)
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Thư điện tử hoặc số điện thoại di động").fill("an.nguyen@example.vn")
    page.get_by_label("Mật khẩu", exact=True).fill("mat-khau-dang-ky-2026")
    page.get_by_label("Nhập lại mật khẩu").fill("mat-khau-dang-ky-2026")
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    page.wait_for_url("**/dang-ky/xac-minh/")
    violations = run_axe(page)
    assert not violations, describe(violations)
    page.get_by_label("Mã xác minh").fill(_code_sent())
    page.get_by_role("button", name="Xác minh", exact=True).click()
    page.wait_for_url("**/tai-khoan/")
    assert page.get_by_role("heading", name="Thông tin cá nhân", level=1).is_visible()
    assert "Mức 1" in page.content()
    violations = run_axe(page)
    screenshot(page, "registration-profile")
    assert not violations, describe(violations)


def test_wrong_code_error_is_announced_and_fits_320px(
    page: Any, live_server: Any, transactional_db: None
) -> None:
    """Given a phone 320 px wide, when a wrong code is entered, then the error is shown on the field,
    axe finds nothing and the page does not scroll sideways."""
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/dang-ky/")
    page.get_by_label("Họ và tên").fill("Trần Thị Bình")
    page.get_by_label("Thư điện tử hoặc số điện thoại di động").fill("binh@example.vn")
    page.get_by_label("Mật khẩu", exact=True).fill("mat-khau-dang-ky-2026")
    page.get_by_label("Nhập lại mật khẩu").fill("mat-khau-dang-ky-2026")
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    page.wait_for_url("**/dang-ky/xac-minh/")
    wrong = "000000" if _code_sent() != "000000" else "111111"
    page.get_by_label("Mã xác minh").fill(wrong)
    page.get_by_role("button", name="Xác minh", exact=True).click()
    field = page.get_by_label("Mã xác minh")
    assert field.get_attribute("aria-invalid") == "true"
    assert "Mã không đúng" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    violations = run_axe(page)
    screenshot(page, "registration-wrong-code-320")
    assert not violations, describe(violations)
