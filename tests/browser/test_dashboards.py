"""Leaders' dashboard and the public statistics page in a real browser: the ECharts trend draws under
the real CSP, the pages are axe-clean at 1280 and 320 px, and the public page reads in vi and en."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import describe, log_in, run_axe, screenshot, set_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db: None) -> Any:
    """Today: two dossiers received at one ward (one resolved) and one at the other ward."""
    from dichvucong.reports.tests import factories as f

    world = f.make_stats_world()
    first = f.record_counter(world, agency=world.ward, procedure=world.procedure)
    f.record_counter(world, agency=world.ward, procedure=world.other_procedure)
    f.record_counter(world, agency=world.other_ward, procedure=world.procedure)
    f.resolve(world, first)
    return world


def test_the_city_dashboard_draws_its_chart_and_is_accessible_at_1280_and_320(
    browser: Any, live_server: Any, world: Any
) -> None:
    """Given a city admin, when the dashboard opens under the real CSP, then the trend chart is drawn
    with no CSP refusal; with axe at 1280 and 320 px there is no violation and nothing scrolls
    sideways."""
    strict = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        log_in(strict, live_server, world.officer)
        page = strict.new_page()
        messages: list[str] = []
        page.on("console", lambda message: messages.append(message.text))
        page.goto(f"{live_server.url}/backoffice/bang-dieu-hanh/")
        page.wait_for_selector("[data-trend-chart] canvas")
        assert not [m for m in messages if "Content Security Policy" in m], messages
        assert page.locator(".stats-kpis dd").first.inner_text() == "3"
        assert page.locator(".ward-grid li").count() >= 2
        screenshot(page, "dashboard-city-1280")
    finally:
        strict.close()
    for width in (1280, 320):
        ctx = browser.new_context(viewport={"width": width, "height": 800}, locale="vi-VN", bypass_csp=True)
        try:
            log_in(ctx, live_server, world.officer)
            page = ctx.new_page()
            page.goto(f"{live_server.url}/backoffice/bang-dieu-hanh/thanh-pho/")
            page.wait_for_selector("[data-trend-chart] canvas")
            violations = run_axe(page)
            assert not violations, describe(violations)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"scrolls sideways by {overflow}px at {width}px"
            screenshot(page, f"dashboard-city-{width}")
        finally:
            ctx.close()


def test_the_public_statistics_page_reads_in_vietnamese_and_english(
    browser: Any, live_server: Any, world: Any
) -> None:
    """Given today's figures, when anyone opens /thong-ke/ in vi then en (at 320 px for en), then the
    headings are translated, the totals show, open data links are there, and axe finds nothing."""
    for language, heading, width in (
        ("vi", "Thống kê tình hình giải quyết thủ tục hành chính", 1280),
        ("en", "Statistics on the handling of administrative procedures", 320),
    ):
        ctx = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
        try:
            set_language(ctx, live_server, language)
            page = ctx.new_page()
            page.goto(f"{live_server.url}/thong-ke/?nhom=agency")
            assert page.locator("h1").inner_text() == heading
            assert page.locator(".stats-kpis dd").first.inner_text() == "3"
            assert page.locator("a[href*='du-lieu.csv']").count() == 1
            violations = run_axe(page)
            assert not violations, describe(violations)
            screenshot(page, f"statistics-{language}-{width}")
        finally:
            ctx.close()
