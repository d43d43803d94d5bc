"""The evaluation kiosk: large touch targets and the return to the welcome screen when idle."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import describe, run_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kiosk_returns_to_welcome_after_inactivity(page: Any, live_server: Any) -> None:
    """Given a visitor who entered a code and walked away, when the idle time passes with no touch,
    then the kiosk is back on the empty welcome screen."""
    page.clock.install()
    page.goto(live_server.url + "/evaluation/")
    idle_seconds = int(page.evaluate("document.body.dataset.idleSeconds"))
    page.get_by_label("Nhập mã hồ sơ").fill("000.00.00.H29-241127-0001")
    page.get_by_role("button", name="Tiếp tục").click()
    assert "000.00.00.H29-241127-0001" in page.locator("h1").inner_text()
    screenshot(page, "evaluation-start-vi-1280")
    violations = run_axe(page)
    assert violations == [], describe(violations)
    page.clock.run_for((idle_seconds - 5) * 1000)
    assert "000.00.00.H29-241127-0001" in page.locator("h1").inner_text()
    with page.expect_navigation():
        page.clock.run_for(10 * 1000)
    assert page.get_by_label("Nhập mã hồ sơ").input_value() == ""


def test_typing_keeps_the_kiosk_awake_and_idle_clears_the_field(page: Any, live_server: Any) -> None:
    """Given a half-typed code, when the visitor keeps typing the screen stays; when they stop for the
    idle time, then the field is emptied."""
    page.clock.install()
    page.goto(live_server.url + "/evaluation/")
    idle_seconds = int(page.evaluate("document.body.dataset.idleSeconds"))
    field = page.get_by_label("Nhập mã hồ sơ")
    field.press_sequentially("000.00")
    page.clock.run_for((idle_seconds - 5) * 1000)
    field.press_sequentially(".00")
    page.clock.run_for((idle_seconds - 5) * 1000)
    assert field.input_value() == "000.00.00"
    with page.expect_navigation():
        page.clock.run_for(10 * 1000)
    assert page.get_by_label("Nhập mã hồ sơ").input_value() == ""


def test_kiosk_touch_targets_are_large(page: Any, live_server: Any) -> None:
    """Given the kiosk, when it loads, then the code field and the continue button are at least 64 px tall."""
    page.goto(live_server.url + "/evaluation/")
    for locator in (page.get_by_label("Nhập mã hồ sơ"), page.get_by_role("button", name="Tiếp tục")):
        box = locator.bounding_box()
        assert box is not None and box["height"] >= 64


def test_idle_kiosk_returns_to_vietnamese(page: Any, live_server: Any) -> None:
    """Given a visitor who switched the kiosk to English and left, when the idle time passes, then the
    welcome screen is back in Vietnamese for the next person."""
    page.clock.install()
    page.goto(live_server.url + "/evaluation/")
    idle_seconds = int(page.evaluate("document.body.dataset.idleSeconds"))
    page.get_by_role("button", name="English").click()
    assert page.get_by_label("Enter your dossier code").is_visible()
    with page.expect_navigation():
        page.clock.run_for((idle_seconds + 5) * 1000)
    page.wait_for_url(live_server.url + "/evaluation/")
    assert page.evaluate("document.documentElement.lang") == "vi"
    assert page.get_by_label("Nhập mã hồ sơ").is_visible()
