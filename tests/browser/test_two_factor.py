"""Two-factor sign-in through the real pages: an officer enrols with an authenticator and reaches the
back office; a citizen reads their sign-in history. axe on every page, and the pages at 320 px."""

from __future__ import annotations

from base64 import b32decode
from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, describe, run_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_login(page: Any, username: str, password: str = PASSWORD) -> None:
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("main").get_by_role("button", name="Đăng nhập").click()


def _axe_clean(page: Any) -> None:
    violations = run_axe(page)
    assert violations == [], describe(violations)


def _fits(page: Any) -> None:
    """No horizontal scrolling of the page."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _totp_now(secret: str) -> str:
    from django_otp.oath import totp

    return f"{totp(b32decode(secret.replace(' ', ''))):06d}"


@pytest.mark.slow
def test_officer_enrols_with_the_shown_secret_and_reaches_the_back_office(
    page: Any, live_server: Any, make_officer: Any
) -> None:
    """Given an officer without an authenticator, when they log in, then the enrolment page shows a QR
    code and a key; when they type the code computed from that key, then backup codes are shown once
    and the back office opens."""
    officer = make_officer(full_name="Tran Thi Binh")
    page.goto(live_server.url + "/login/")
    _fill_login(page, officer.username)
    page.wait_for_url("**/tai-khoan/bao-mat/xac-thuc-hai-lop/**")
    assert page.locator("svg.qr-code").is_visible()
    screenshot(page, "two-factor-enrol")
    _axe_clean(page)
    secret = page.locator("[data-totp-secret]").inner_text()
    page.get_by_label("Mã xác thực").fill("000000" if _totp_now(secret) != "000000" else "111111")
    page.get_by_role("button", name="Bật xác thực hai lớp").click()
    assert page.get_by_role("alert").is_visible()
    _axe_clean(page)
    page.get_by_label("Mã xác thực").fill(_totp_now(secret))
    page.get_by_role("button", name="Bật xác thực hai lớp").click()
    assert page.locator(".backup-codes li").count() == 10
    screenshot(page, "two-factor-backup-codes")
    _axe_clean(page)
    page.get_by_role("link", name="Tôi đã lưu các mã, tiếp tục").click()
    page.wait_for_url(live_server.url + "/backoffice/")
    assert page.locator("h1").inner_text() == "Xin chào, Tran Thi Binh"


def test_citizen_sees_the_sign_in_history_and_sessions(
    page: Any, live_server: Any, make_citizen: Any
) -> None:
    """Given a citizen with one failed and one successful sign-in, when they open "Bảo mật tài khoản",
    then both are listed, this session is marked, and the page passes axe at desktop and 320 px."""
    citizen = make_citizen(full_name="Nguyen Van An")
    page.goto(live_server.url + "/login/")
    _fill_login(page, citizen.username, "sai-mat-khau")
    _fill_login(page, citizen.username)
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/tai-khoan/bao-mat/")
    history = page.locator("table.login-history")
    assert history.locator("tbody tr").count() == 2
    assert "Không thành công" in history.inner_text()
    assert "Phiên này" in page.get_by_role("main").inner_text()
    _axe_clean(page)
    page.set_viewport_size({"width": 320, "height": 800})
    _fits(page)
    screenshot(page, "account-security-320")
    _axe_clean(page)


def test_verify_step_at_320_px(page: Any, live_server: Any, make_officer: Any) -> None:
    """Given an officer with an authenticator on a 320 px phone, when they log in, then the code page fits
    the screen, passes axe, and the right code opens the back office."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    officer = make_officer()
    device = TOTPDevice.objects.create(user=officer, confirmed=True)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(live_server.url + "/login/")
    _fill_login(page, officer.username)
    page.wait_for_url("**/login/xac-thuc/**")
    _fits(page)
    _axe_clean(page)
    screenshot(page, "two-factor-verify-320")
    page.get_by_label("Mã xác thực").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(live_server.url + "/backoffice/")
