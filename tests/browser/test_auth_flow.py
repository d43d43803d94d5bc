"""Logging in and out through the real pages."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, describe, run_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_login(page: Any, username: str, password: str = PASSWORD) -> None:
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("main").get_by_role("button", name="Đăng nhập").click()


def test_officer_logs_in_and_lands_on_the_back_office(page: Any, live_server: Any, make_officer: Any) -> None:
    """Given an officer, when they log in with the form, then they land on the back office dashboard that
    greets them by name and states their scope."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    officer = make_officer(full_name="Tran Thi Binh")
    device = TOTPDevice.objects.create(user=officer, confirmed=True)  # officers sign in with a second factor
    page.goto(live_server.url + "/login/")
    _fill_login(page, officer.username)
    page.get_by_label("Mã xác thực").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(live_server.url + "/backoffice/")
    assert page.locator("h1").inner_text() == "Xin chào, Tran Thi Binh"
    assert "Phạm vi dữ liệu: UBND Phường Bến Thành; lĩnh vực: tất cả." in page.locator("main").inner_text()
    screenshot(page, "backoffice-dashboard-after-login")


def test_citizen_logs_in_sees_the_name_and_logs_out(page: Any, live_server: Any, make_citizen: Any) -> None:
    """Given a citizen, when they log in, then the account menu shows their name; when they open it and
    log out, then the login link is back."""
    citizen = make_citizen(full_name="Nguyen Van An")
    page.goto(live_server.url + "/login/")
    _fill_login(page, citizen.username)
    page.wait_for_url(live_server.url + "/")
    menu = page.locator("details.account-menu summary")
    assert "Nguyen Van An" in menu.inner_text()
    menu.click()
    screenshot(page, "portal-account-menu-open")
    violations = run_axe(page)
    assert violations == [], describe(violations)
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("link", name="Đăng nhập", exact=True).count() == 1


def test_wrong_password_shows_an_accessible_error(page: Any, live_server: Any, make_citizen: Any) -> None:
    """Given a wrong password, when the form is sent, then an alert explains it and axe finds nothing."""
    citizen = make_citizen()
    page.goto(live_server.url + "/login/")
    _fill_login(page, citizen.username, "sai-mat-khau")
    assert page.get_by_role("alert").is_visible()
    screenshot(page, "portal-login-error")
    violations = run_axe(page)
    assert violations == [], describe(violations)


def test_a_citizen_is_refused_the_back_office(page: Any, live_server: Any, make_citizen: Any) -> None:
    """Given a logged-in citizen, when they open the back office, then a 403 page explains why."""
    citizen = make_citizen()
    page.goto(live_server.url + "/login/?next=/backoffice/")
    _fill_login(page, citizen.username)
    assert page.locator("h1").inner_text() == "Không có quyền truy cập Hệ thống một cửa điện tử"
    violations = run_axe(page)
    assert violations == [], describe(violations)
