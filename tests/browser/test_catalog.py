"""The procedure catalog in a real browser: search without accents, a facet, the procedure page and the
assistant, each page checked with axe-core (WCAG 2.1 A/AA), one of them at 320 px."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.browser.conftest import describe, run_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalog(transactional_db: None) -> None:
    from dichvucong.procedures.constants import Channel, DurationUnit, OnlineLevel
    from dichvucong.procedures.faq import create_faq
    from dichvucong.procedures.tests.factories import make_field, make_procedure

    ho_tich, dat_dai = make_field("ho-tich"), make_field("dat-dai")
    birth = make_procedure(
        code="1.001193",
        name="Đăng ký khai sinh",
        field=ho_tich,
        options=[(Channel.DIRECT, Decimal("3"), DurationUnit.WORKING_DAYS)],
        fees=[("Lệ phí đăng ký khai sinh", Decimal("0"))],
        documents=[
            {
                "name": "Tờ khai đăng ký khai sinh",
                "originals": 1,
                "template_url": "https://example.org/tk.docx",
            },
            {"name": "Giấy chứng sinh", "originals": 1},
        ],
        popularity=10,
    )
    make_procedure(code="1.000894", name="Đăng ký kết hôn", field=ho_tich, popularity=8)
    make_procedure(
        code="1.004227",
        name="Đăng ký biến động quyền sử dụng đất",
        field=dat_dai,
        online_level=OnlineLevel.PARTIAL,
        fees=[("Lệ phí", Decimal("50000"))],
        popularity=6,
    )
    create_faq(
        actor=None, procedure=birth, question="Đăng ký khai sinh có mất lệ phí không?", answer="Miễn lệ phí."
    )


def _no_violations(page: Any, name: str) -> None:
    violations = run_axe(page)
    screenshot(page, name)
    assert not violations, describe(violations)


def test_search_without_accents_then_a_facet_narrows(page: Any, live_server: Any, catalog: None) -> None:
    """Given the catalog, when a person types "dang ky" without accents, then all three procedures are
    found; choosing the "Đất đai" facet (or filter) leaves only the land procedure, and both pages
    pass axe."""
    page.goto(f"{live_server.url}/thu-tuc/")
    page.fill("#catalog-q", "dang ky")
    page.click(".catalog-search__row button[type=submit]")
    page.wait_for_selector(".procedure-card")
    assert page.locator(".procedure-card").count() == 3
    _no_violations(page, "catalog-search")
    facet = page.locator("a[data-facet]", has_text="Đất đai")
    if facet.count():
        facet.first.click()
        page.wait_for_load_state()
    else:  # the search returns no facets: the advanced filter narrows in place (no page load)
        page.click(".catalog-filters summary")
        page.select_option("#filter-field", "dat-dai")
    page.wait_for_function("document.querySelectorAll('.procedure-card').length === 1")
    assert "Đăng ký biến động quyền sử dụng đất" in page.locator(".procedure-card").inner_text()
    _no_violations(page, "catalog-facet")


def test_procedure_page_shows_documents_fees_and_time_at_320px(
    page: Any, live_server: Any, catalog: None
) -> None:
    """Given a phone 320 px wide, when the birth registration page opens, then documents, fees and the
    processing time are visible, nothing scrolls sideways, the copy button appears and axe passes."""
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/thu-tuc/1.001193/")
    text = page.inner_text("main")
    for expected in (
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
        "Lệ phí đăng ký khai sinh",
        "3 ngày làm việc",
    ):
        assert expected in text
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator("[data-copy-link]").is_visible()
    _no_violations(page, "catalog-procedure-320")


def test_faq_page_passes_axe(page: Any, live_server: Any, catalog: None) -> None:
    """Given the FAQ page searched without accents, then the entry shows and axe passes."""
    page.goto(f"{live_server.url}/hoi-dap/?q=le+phi+khai+sinh")
    assert page.locator("details.faq").count() == 1
    _no_violations(page, "catalog-faq")


def test_assistant_answers_and_cites_with_javascript(page: Any, live_server: Any, catalog: None) -> None:
    """Given the assistant page, when a question is sent, then the answer appears in the log citing the
    procedure with a link, its fee and time, and the page passes axe."""
    page.goto(f"{live_server.url}/tro-ly/")
    page.fill("#assistant-question", "Làm sao để đăng ký khai sinh?")
    page.click("button[name=ask]")
    page.wait_for_selector(".chat__answer")
    answer = page.locator(".chat__answer").last
    assert "Đăng ký khai sinh" in answer.inner_text() and "Miễn phí" in answer.inner_text()
    assert answer.locator("a[href='/thu-tuc/1.001193/']").count() == 1
    _no_violations(page, "catalog-assistant")
