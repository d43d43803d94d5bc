"""The form builder in a real browser under the site's real Content-Security-Policy: a city admin drags
a CCCD field from the palette into the form, sets its label in the properties panel, sees it in the
server-rendered preview (desktop and phone width), and saves the draft; axe-core finds no serious
violation, and the builder stays usable on a 320 px screen."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import describe, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RECORD_CSP = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.effectiveDirective));"
)


@pytest.fixture
def strict_page(browser: Any) -> Any:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    ctx.add_init_script(RECORD_CSP)
    yield ctx, ctx.new_page()
    ctx.close()


def test_admin_drags_a_field_labels_it_previews_and_saves(
    strict_page: Any, live_server: Any, make_officer: Any
) -> None:
    """Given a city admin and a form with one field, when a CCCD field is dragged from the palette,
    labelled "Số CCCD của chủ hộ" and saved, then the preview shows it at both widths and the draft
    stores it with its compiled schema."""
    from dichvucong.accounts.constants import Role
    from dichvucong.forms import selectors, services
    from dichvucong.forms.palette import ui_schema_for

    admin = make_officer(role=Role.CITY_ADMIN)
    first = {"key": "ho_ten", "type": "text", "label": {"vi": "Họ và tên chủ hộ"}, "required": True}
    definition = services.create_form_definition(
        key="to-khai-cu-tru", name="Tờ khai thay đổi thông tin cư trú", owner_agency=None, actor=None,
        ui_schema=ui_schema_for([first]),
    )  # fmt: skip
    context, page = strict_page
    log_in(context, live_server, admin)
    page.goto(f"{live_server.url}/backoffice/forms/to-khai-cu-tru/")
    page.wait_for_selector("#fb-preview #preview-ho_ten")

    page.drag_and_drop('.fb-palette__item[data-type="cccd"]', "#fb-field-list")
    assert page.locator("#fb-field-list > li[data-path]").count() == 2
    properties = page.locator("#fb-props-body")
    properties.get_by_label("Nhãn (tiếng Việt)").fill("Số CCCD của chủ hộ")
    properties.get_by_label("Bắt buộc", exact=True).check()
    row = page.locator("#fb-field-list > li[data-path='1'] .fb-row__label")
    assert row.inner_text() == "Số CCCD của chủ hộ"
    preview_label = page.locator("#fb-preview label", has_text="Số CCCD của chủ hộ")
    preview_label.wait_for()
    screenshot(page, "form-builder-1280")

    page.get_by_label("Điện thoại").check()
    assert page.locator("#fb-preview-frame").bounding_box()["width"] <= 360
    page.get_by_label("Máy tính").check()

    violations = []
    page.add_script_tag(url=f"{live_server.url}/static/vendor/axe-core/axe.min.js")
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    violations = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not violations, describe(violations)
    assert "script-src" not in page.evaluate("window.__csp")

    page.locator("#fb-save").click()
    page.wait_for_load_state("load")
    draft = selectors.get_draft(definition)
    assert [item["label"]["vi"] for item in draft.ui_schema["fields"]] == [
        "Họ và tên chủ hộ",
        "Số CCCD của chủ hộ",
    ]
    cccd_key = draft.ui_schema["fields"][1]["key"]
    assert draft.schema["properties"][cccd_key]["format"] == "cccd"
    assert cccd_key in draft.schema["required"]

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/backoffice/forms/to-khai-cu-tru/")
    page.wait_for_selector("#fb-preview label")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    screenshot(page, "form-builder-320")
    assert overflow <= 0
