"""The back-office working-day calendar in a real browser: a city admin adds a swapped working day with
the keyboard-reachable form and sees it listed; the page passes axe-core (WCAG 2.1 A/AA), also at 320 px."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.browser.conftest import describe, log_in, run_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_city_admin_declares_a_swapped_working_saturday(
    page: Any, context: Any, live_server: Any, make_officer: Any
) -> None:
    """Given a city admin on the calendar page of 2026, when they fill the form (Saturday 10/10/2026, swapped
    working day) and submit, then the day is listed, deadlines count it, and axe finds no violation."""
    from dichvucong.accounts.constants import Role
    from dichvucong.agencies import workdays

    admin = make_officer(role=Role.CITY_ADMIN, full_name="Le Van Quan")
    log_in(context, live_server, admin)
    page.goto(f"{live_server.url}/backoffice/calendar/?year=2026")
    violations = run_axe(page)
    assert not violations, describe(violations)

    page.locator("#id_date").fill("2026-10-10")
    page.locator("#id_kind").select_option("working_day")
    page.locator("#id_name").fill("Làm bù cho thứ Hai 12/10")
    page.get_by_role("button", name="Thêm vào lịch").click()

    row = page.get_by_role("row").filter(has_text="Làm bù cho thứ Hai 12/10")
    assert row.count() == 1
    assert "Ngày làm việc bù" in row.inner_text()
    assert workdays.is_working_day(None, dt.date(2026, 10, 10))
    violations = run_axe(page)
    screenshot(page, "backoffice-calendar")
    assert not violations, describe(violations)


def test_calendar_error_is_announced_and_fits_320_px(
    page: Any, context: Any, live_server: Any, make_officer: Any
) -> None:
    """Given a 320 px screen, when the admin submits a weekday as a swapped working day, then the error
    summary explains it, the page does not scroll sideways, and axe finds no violation."""
    from dichvucong.accounts.constants import Role

    admin = make_officer(role=Role.CITY_ADMIN, full_name="Le Van Quan")
    log_in(context, live_server, admin)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/backoffice/calendar/?year=2026")
    page.locator("#id_date").fill("2026-10-13")
    page.locator("#id_kind").select_option("working_day")
    page.locator("#id_name").fill("Làm bù")
    page.get_by_role("button", name="Thêm vào lịch").click()

    assert "thứ Bảy hoặc Chủ Nhật" in page.get_by_role("alert").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    violations = run_axe(page)
    screenshot(page, "backoffice-calendar-320-error")
    assert not violations, describe(violations)
