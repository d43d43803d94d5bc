"""Phone-width layout of the data tables, the Menu disclosure and the failed-login focus.

At 320 px (WCAG 1.4.10 reflow) the back-office lists, the office-hours form and the notification
preferences must not scroll sideways, must show each cell's column name (the row-as-card layout) and
must have zero axe-core WCAG 2.1 A/AA violations, in Vietnamese and English. Screenshots land in
/tmp/shots2 for people to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, describe, log_in, run_axe, set_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS2 = Path("/tmp/shots2")  # noqa: S108 - screenshots for people to look at, not secrets

# Every body cell of a .table carries data-label equal to its column's <th> text (same index).
CELL_LABELS_JS = """() => {
  const problems = [];
  document.querySelectorAll('table.table').forEach((table) => {
    const headers = Array.from(table.querySelectorAll('thead th')).map((th) => th.textContent.trim());
    table.querySelectorAll('tbody tr').forEach((row) => {
      Array.from(row.children).forEach((cell, index) => {
        if (cell.tagName === 'TD' && cell.dataset.label !== headers[index]) {
          problems.push(`${cell.dataset.label} != ${headers[index]}`);
        }
      });
    });
  });
  return problems;
}"""
# The generated column name is shown on phones (a ::before with the data-label text).
BEFORE_SHOWN_JS = """() => {
  const cell = document.querySelector('table.table tbody td[data-label]');
  const before = getComputedStyle(cell, '::before');
  return {content: before.content, display: getComputedStyle(cell).display};
}"""
UNLABELLED_CONTROLS_JS = """() => Array.from(
  document.querySelectorAll('table input:not([type=hidden]), table select')
).filter(
  (el) => el.labels.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')
).map((el) => el.name)"""


def _shot(page: Any, name: str) -> None:
    SHOTS2.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS2 / f"{name}.png"), full_page=True)


def _ward() -> Any:
    from dichvucong.agencies.models import Agency

    return Agency.objects.get(code="000.50.68.H29")


def _open_as(
    page: Any, context: Any, live_server: Any, *, user: Any, path: str, language: str, width: int
) -> Any:
    page.set_viewport_size({"width": width, "height": 900})
    set_language(context, live_server, language)
    log_in(context, live_server, user)
    response = page.goto(live_server.url + path)
    page.wait_for_load_state("load")
    return response


@pytest.fixture
def ward_admin(make_officer: Any) -> Any:
    from dichvucong.accounts.constants import Role

    officer = make_officer(role=Role.AGENCY_ADMIN, full_name="Le Van Cuong")
    make_officer(full_name="Pham Thi Dung")
    return officer


TABLE_PAGES = ["users", "user_detail", "agencies", "agency_edit", "preferences", "audit"]


def _path(name: str, user: Any = None) -> str:
    from django.urls import reverse

    if name == "users":
        return reverse("backoffice:users")
    if name == "user_detail":
        return reverse("backoffice:user_detail", args=[user.pk])
    if name == "agencies":
        return reverse("backoffice:agencies")
    if name == "agency_edit":
        return reverse("backoffice:agency_edit", args=[_ward().pk])
    if name == "audit":
        return reverse("backoffice:audit_log")
    return reverse("portal:notification_preferences")


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("name", TABLE_PAGES)
def test_table_pages_reflow_and_pass_axe(
    page: Any,
    context: Any,
    live_server: Any,
    ward_admin: Any,
    make_citizen: Any,
    make_officer: Any,
    name: str,
    language: str,
    width: int,
) -> None:
    """Given a page with a data table (back-office users, an officer's assignments, agencies, an
    agency's edit form as its ward admin, a citizen's notification preferences, the audit trail as
    an auditor), when it loads at 320
    or 1280 px in vi or en, then it does not scroll sideways, every body cell is labelled with its
    column's header text, every form control in a table has a label, and axe finds no violation."""
    user = make_citizen() if name == "preferences" else ward_admin
    if name == "audit":
        from dichvucong.accounts.constants import Role

        user = make_officer(role=Role.AUDITOR, full_name="Ly Thi Mai Anh")
    response = _open_as(
        page, context, live_server, user=user, path=_path(name, user), language=language, width=width
    )
    assert response is not None and response.status == 200
    _shot(page, f"{name}-{language}-{width}")
    assert page.locator("table.table tbody tr").count() > 0
    assert page.evaluate(CELL_LABELS_JS) == []
    assert page.evaluate(UNLABELLED_CONTROLS_JS) == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    if width == 320:
        shown = page.evaluate(BEFORE_SHOWN_JS)
        assert shown["display"] == "grid"
        assert shown["content"] not in ("none", "normal", "")
        assert page.locator("table.table thead").bounding_box()["height"] <= 1
    violations = run_axe(page)
    assert violations == [], describe(violations)


def test_user_list_has_no_account_type_column_and_an_english_plural_heading(
    page: Any, context: Any, live_server: Any, ward_admin: Any
) -> None:
    """Given the back-office user list in English, then the heading and the menu entry say "Civil
    servants" (their own translation context, not the account-kind label) and there is no "Account
    type" column."""
    _open_as(page, context, live_server, user=ward_admin, path=_path("users"), language="en", width=1280)
    assert page.locator("h1").inner_text() == "Civil servants"
    assert page.locator(".bo-nav a[aria-current='page']").inner_text() == "Civil servants"
    headers = page.locator("table.table thead th").all_inner_texts()
    assert len(headers) == 4 and "Account type" not in headers


def test_office_hours_controls_are_named_by_row(
    page: Any, context: Any, live_server: Any, ward_admin: Any
) -> None:
    """Given the agency edit page, then each office-hours control is named with its column and its time
    slot number, so two rows' "Opens" inputs can be told apart."""
    _open_as(page, context, live_server, user=ward_admin, path=_path("agency_edit"), language="vi", width=320)
    assert page.get_by_label("Giờ mở cửa, khung giờ 1", exact=True).count() == 1
    assert page.get_by_label("Giờ đóng cửa, khung giờ 2", exact=True).count() == 1
    assert page.get_by_label("Xóa khung giờ 1", exact=True).count() == 1


@pytest.mark.parametrize(("shell", "nav"), [("portal", "nav.main-nav"), ("backoffice", "nav.bo-nav")])
def test_menu_button_toggles_the_navigation_at_phone_width(
    page: Any, context: Any, live_server: Any, make_officer: Any, settings: Any, shell: str, nav: str
) -> None:
    """Given a 320 px screen (and, in the back office, a counter officer's long menu), when the page
    loads, then the navigation is folded behind a Menu button with aria-expanded="false"; when it is
    pressed, then aria-expanded is "true" and the links show; Escape folds it again and puts focus back
    on the button. Axe finds nothing in either state."""
    settings.ROOT_URLCONF = "tests.browser.urls_full_menu"
    path = "/" if shell == "portal" else "/backoffice/"
    _open_as(page, context, live_server, user=make_officer(), path=path, language="vi", width=320)
    button = page.locator(f"{nav} button[aria-controls]")
    links = page.locator(f"{nav} ul a")
    if shell == "backoffice":
        assert links.count() > 3
    assert button.is_visible()
    assert button.inner_text().strip() == "Danh mục"
    assert button.get_attribute("aria-expanded") == "false"
    controlled = page.locator("#" + button.get_attribute("aria-controls"))
    assert not controlled.is_visible()
    _shot(page, f"{shell}-menu-closed-vi-320")
    violations = run_axe(page)
    assert violations == [], describe(violations)
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert controlled.is_visible()
    assert all(links.nth(i).is_visible() for i in range(links.count()))
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 320
    _shot(page, f"{shell}-menu-open-vi-320")
    violations = run_axe(page)
    assert violations == [], describe(violations)
    links.first.focus()
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    focused_controls = page.evaluate("document.activeElement.getAttribute('aria-controls')")
    assert focused_controls == controlled.get_attribute("id")
    assert not controlled.is_visible()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_short_back_office_menu_stays_open_within_two_rows(
    page: Any, context: Any, live_server: Any, make_officer: Any, language: str
) -> None:
    """Given a specialist's short menu (at most three entries) at 320 px, then no Menu button is shown
    and the entries stay visible in at most two rows."""
    from dichvucong.accounts.constants import Role

    specialist = make_officer(role=Role.SPECIALIST, full_name="Vo Thi Hanh")
    _open_as(page, context, live_server, user=specialist, path="/backoffice/", language=language, width=320)
    assert 1 < page.locator("nav.bo-nav a").count() <= 3
    assert page.locator("nav.bo-nav button").count() == 0
    tops = {round(box["y"]) for box in (a.bounding_box() for a in page.locator("nav.bo-nav a").all())}
    assert len(tops) <= 2


def test_menu_button_is_absent_on_desktop(page: Any, live_server: Any) -> None:
    """Given a 1280 px screen, then the Menu button is not shown and the navigation links are."""
    page.goto(live_server.url + "/")
    assert not page.locator("nav.main-nav button").is_visible()
    assert page.locator("nav.main-nav ul a").first.is_visible()


def test_navigation_stays_usable_without_javascript(browser: Any, live_server: Any) -> None:
    """Given a phone with JavaScript off, then no Menu button shows and every navigation link is visible."""
    ctx = browser.new_context(viewport={"width": 320, "height": 900}, java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto(live_server.url + "/")
        assert not page.locator("nav.main-nav button").is_visible()
        links = page.locator("nav.main-nav ul a")
        assert links.count() >= 5
        assert all(links.nth(i).is_visible() for i in range(links.count()))
    finally:
        ctx.close()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_failed_login_moves_focus_to_the_error_summary(
    browser: Any, live_server: Any, make_citizen: Any, language: str
) -> None:
    """Given the real Content-Security-Policy and a 320 px screen, when a login fails, then the shell
    script (allowed by the CSP) puts focus on the error summary, which is on screen and announced."""
    from django.conf import settings

    citizen = make_citizen()
    ctx = browser.new_context(viewport={"width": 320, "height": 900})
    try:
        ctx.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
        page = ctx.new_page()
        messages: list[str] = []
        page.on("console", lambda message: messages.append(message.text))
        page.goto(live_server.url + "/login/")
        page.locator("#id_username").fill(citizen.username)
        page.locator("#id_password").fill(PASSWORD + "-sai")
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state("load")
        page.wait_for_function("document.activeElement && document.activeElement.matches('.error-summary')")
        assert page.locator(".error-summary").get_attribute("role") == "alert"
        assert page.locator(".error-summary").is_visible()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 320
        assert not [m for m in messages if "Content Security Policy" in m], messages
        _shot(page, f"login-error-{language}-320")
    finally:
        ctx.close()
