"""Smoke tests of the three shells in a real browser: vi and en, desktop and 320 px phone width.

Each page loads with one h1 and the right ``lang``, does not scroll sideways at 320 px (WCAG 1.4.10
reflow) and has zero axe-core WCAG 2.1 A/AA violations. Screenshots land in /tmp/shots.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import describe, log_in, run_axe, screenshot, set_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIETNAMESE_LETTERS = re.compile(
    r"[ăâđêôơưĂÂĐÊÔƠƯàáạảãằắặẳẵầấậẩẫèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ]"
)
HEADER_TEXT_JS = """() => Array.from(document.querySelectorAll('header, nav, h1, footer')).map((el) => {
  const copy = el.cloneNode(true);
  copy.querySelectorAll('[lang]:not([lang="en"])').forEach((n) => n.remove());
  return copy.textContent;
}).join(' ')"""

SHELLS = {"portal": "/", "backoffice": "/backoffice/", "evaluation": "/evaluation/"}


def _open(
    page: Any, context: Any, live_server: Any, shell: str, language: str, width: int, make_officer: Any
) -> Any:
    page.set_viewport_size({"width": width, "height": 900})
    set_language(context, live_server, language)
    if shell == "backoffice":
        log_in(context, live_server, make_officer())
    return page.goto(live_server.url + SHELLS[shell])


@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("shell", list(SHELLS))
def test_shell_loads_accessible_and_reflows(
    page: Any, context: Any, live_server: Any, make_officer: Any, shell: str, language: str, width: int
) -> None:
    """Given a shell, a language and a width, when the page loads, then it has one h1, html lang set to
    the language, no horizontal scrolling at 320 px and zero axe violations."""
    response = _open(page, context, live_server, shell, language, width, make_officer)
    assert response is not None and response.status == 200
    page.wait_for_load_state("load")
    screenshot(page, f"{shell}-{language}-{width}")
    assert page.locator("h1").count() == 1
    assert page.evaluate("document.documentElement.lang") == language
    assert page.locator("main#main").count() == 1
    assert page.locator("a.skip-link[href='#main']").count() == 1
    if width == 320:
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 320
    violations = run_axe(page)
    assert violations == [], describe(violations)


@pytest.mark.parametrize("shell", list(SHELLS))
def test_english_leaves_no_vietnamese_in_headers_and_navigation(
    page: Any, context: Any, live_server: Any, make_officer: Any, shell: str
) -> None:
    """Given English, when a shell loads, then its header, navigation, h1 and footer hold no Vietnamese
    text (the "Tiếng Việt" switch is marked lang="vi" and is the only exception)."""
    _open(page, context, live_server, shell, "en", 1280, make_officer)
    text = page.evaluate(HEADER_TEXT_JS)
    leftovers = VIETNAMESE_LETTERS.findall(text)
    assert not leftovers, text
    assert page.get_by_role("button", name="Tiếng Việt").count() == 1


def test_skip_link_is_the_first_tab_stop_and_becomes_visible(page: Any, live_server: Any) -> None:
    """Given the portal, when the user presses Tab once, then the skip link has focus and is on screen."""
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_reduced_motion_turns_off_smooth_scrolling(browser: Any, live_server: Any) -> None:
    """Given a user who prefers reduced motion, when the portal loads, then scrolling is not animated."""
    ctx = browser.new_context(reduced_motion="reduce")
    try:
        page = ctx.new_page()
        page.goto(live_server.url + "/")
        assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    finally:
        ctx.close()


def test_portal_reflows_at_200_percent_zoom(page: Any, live_server: Any) -> None:
    """Given a 1280 px screen zoomed to 200 % (a 640 CSS px viewport), when the portal loads, then
    nothing scrolls sideways and the search and navigation stay usable."""
    page.set_viewport_size({"width": 640, "height": 450})
    page.goto(live_server.url + "/")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 640
    assert page.get_by_role("searchbox").is_visible()
    assert page.get_by_role("navigation", name="Điều hướng chính").is_visible()


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "path", ["/login/", "/tuyen-bo-tro-nang/", "/thu-tuc/?q=khai+sinh", "/khong-co-trang-nay/"]
)
def test_portal_pages_are_accessible_on_a_phone(
    page: Any, context: Any, live_server: Any, path: str, language: str
) -> None:
    """Given the other portal pages (login, accessibility statement, search, 404), when they load at
    320 px, then they have one h1, do not scroll sideways and axe finds no violation."""
    page.set_viewport_size({"width": 320, "height": 800})
    set_language(context, live_server, language)
    page.goto(live_server.url + path)
    name = path.strip("/").split("?")[0].replace("/", "-")
    screenshot(page, f"portal-{name}-{language}-320")
    assert page.locator("h1").count() == 1
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 320
    violations = run_axe(page)
    assert violations == [], describe(violations)
