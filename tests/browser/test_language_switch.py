"""Switching the interface language by clicking the switch, on each shell."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_portal_switches_to_english_and_back(page: Any, live_server: Any) -> None:
    """Given the portal in Vietnamese, when the user clicks "English", then the same page is English;
    when they click "Tiếng Việt", then it is Vietnamese again."""
    page.goto(live_server.url + "/tuyen-bo-tro-nang/")
    page.get_by_role("button", name="English").click()
    page.wait_for_url(live_server.url + "/tuyen-bo-tro-nang/")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("h1").inner_text() == "Accessibility statement"
    assert page.get_by_role("link", name="Administrative procedures").count() == 1
    page.get_by_role("button", name="Tiếng Việt").click()
    assert page.evaluate("document.documentElement.lang") == "vi"
    assert page.locator("h1").inner_text() == "Tuyên bố về khả năng tiếp cận"


def test_back_office_switches_to_english(
    page: Any, context: Any, live_server: Any, make_officer: Any
) -> None:
    """Given an officer on the dashboard, when they click "English", then the menu and scope are English."""
    log_in(context, live_server, make_officer())
    page.goto(live_server.url + "/backoffice/")
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("navigation", name="Functions").get_by_role("link", name="Overview").count() == 1
    assert "Data scope: Ben Thanh Ward People's Committee; fields: all." in page.locator("main").inner_text()


def test_kiosk_switches_to_english(page: Any, live_server: Any) -> None:
    """Given the kiosk welcome screen, when "English" is touched, then it asks for the code in English."""
    page.goto(live_server.url + "/evaluation/")
    page.get_by_role("button", name="English").click()
    assert page.get_by_label("Enter your dossier code").is_visible()
