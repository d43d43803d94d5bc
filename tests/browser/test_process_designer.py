"""The process designer in a real browser, under the site's real Content-Security-Policy: an agency admin
drags a user task from the bpmn-js palette onto the canvas, sets its processing rules in the properties
panel (form controls, no XML), saves, and sees the problem list change; the bpmn.io watermark stays
visible, axe-core finds no violation, and on a 320 px screen the page shows the task table."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import describe, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Every CSP refusal is recorded, so the test can tell which ones happened (none may block a script).
RECORD_CSP = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.effectiveDirective));"
)


@pytest.fixture
def strict_page(browser: Any) -> Any:
    """A page under the real CSP (the shared ``context`` fixture bypasses it to inject axe inline)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    ctx.add_init_script(RECORD_CSP)
    yield ctx, ctx.new_page()
    ctx.close()


def axe_violations(page: Any, live_server: Any) -> list[dict[str, Any]]:
    """WCAG 2.1 A/AA violations; axe-core is loaded from our static files as a script file (allowed by
    script-src 'self'), since this page enforces the CSP."""
    page.add_script_tag(url=f"{live_server.url}/static/vendor/axe-core/axe.min.js")
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return result["violations"]


def drag_user_task_to_canvas(page: Any) -> str:
    """Drags the palette's "user task" onto an empty spot of the canvas; returns the new element's id."""
    before = set(page.eval_on_selector_all(".djs-shape", "els => els.map(e => e.dataset.elementId)"))
    page.locator("#dvc-designer").scroll_into_view_if_needed()
    entry = page.locator(".djs-palette .entry.bpmn-icon-user-task")
    start, canvas = entry.bounding_box(), page.locator("#dvc-canvas").bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    target_x, target_y = canvas["x"] + canvas["width"] * 0.6, canvas["y"] + canvas["height"] * 0.8
    for step in range(1, 11):  # diagram-js follows the pointer: move in steps, as a hand does
        page.mouse.move(
            start["x"] + (target_x - start["x"]) * step / 10, start["y"] + (target_y - start["y"]) * step / 10
        )
    page.mouse.up()
    after = set(page.eval_on_selector_all(".djs-shape", "els => els.map(e => e.dataset.elementId)"))
    (new_id,) = after - before
    return new_id


def test_admin_draws_a_task_sets_its_rules_and_saves(
    strict_page: Any, live_server: Any, make_officer: Any
) -> None:
    """Given a ward admin's new process (one valid reception task), when they drag a user task onto the
    canvas, name it, fill "Quy tắc xử lý" (stage, role, agency, hours, actions) and save, then the draft
    holds those rules as dvc:taskRules, the problem list now names the new, unconnected task, its link
    selects it in the diagram, the watermark is visible, scripts ran under the CSP and axe finds no
    violation; at 320 px the task table replaces the drawing."""
    from dichvucong.accounts.constants import Role
    from dichvucong.sites.backoffice.process_views import blank_bpmn
    from dichvucong.workflows import services
    from dichvucong.workflows.constants import ProcessVersionStatus

    context, page = strict_page
    admin = make_officer(role=Role.AGENCY_ADMIN, full_name="Le Van Quan")
    ward = admin.assignments.get().agency
    definition = services.create_process_definition(
        key="ben-thanh",
        name="Quy trình Bến Thành",
        owner_agency=ward,
        actor=admin,
        bpmn_xml=blank_bpmn(key="ben-thanh"),
    )
    log_in(context, live_server, admin)
    page.goto(f"{live_server.url}/backoffice/processes/{definition.key}/")
    page.wait_for_selector(".djs-element[data-element-id=Task_TiepNhan]")
    assert page.locator("a.bjs-powered-by").is_visible()
    assert page.locator("#dvc-problems a[data-problem-element]").count() == 0

    new_id = drag_user_task_to_canvas(page)
    page.keyboard.type("Thẩm định hồ sơ")  # bpmn-js opens the label editor on the new, selected task
    page.keyboard.press("Enter")
    page.get_by_text("Quy tắc xử lý", exact=True).click()
    page.get_by_label("Giai đoạn hồ sơ").select_option("processing")
    page.get_by_label("Vai trò cán bộ xử lý").select_option("specialist")
    page.get_by_label("Cơ quan xử lý", exact=True).select_option("receiving")
    page.get_by_label("Thời gian xử lý (giờ làm việc)").fill("16")
    page.get_by_label("Thao tác được phép: Chuyển bước tiếp theo").check()
    page.get_by_label("Thao tác được phép: Trả lại bước trước").check()
    page.wait_for_function("document.getElementById('dvc-status').textContent.length > 0")
    screenshot(page, "backoffice-process-designer-1280")

    with page.expect_navigation():
        page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_selector(".djs-element[data-element-id=Task_TiepNhan]")
    draft = definition.versions.get(status=ProcessVersionStatus.DRAFT)
    spec = draft.task_specs.get(bpmn_id=new_id)
    assert (spec.name, spec.stage, spec.role, spec.agency_rule) == (
        "Thẩm định hồ sơ",
        "processing",
        "specialist",
        "receiving",
    )
    assert spec.budget_hours == 16 and spec.actions == ["approve", "return_previous"]
    links = page.locator(f"#dvc-problems a[data-problem-element={new_id}]")
    assert links.count() >= 1  # not connected to the flow yet: the list says so, about this task
    links.first.click()
    assert page.evaluate("window.dvcDesigner.get('selection').get().map(e => e.id)") == [new_id]
    assert page.locator("a.bjs-powered-by").is_visible()
    assert set(page.evaluate("window.__csp")) <= {"style-src-attr"}  # only the panel's two inline styles
    violations = axe_violations(page, live_server)
    assert not violations, describe(violations)

    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    assert page.locator(".designer-narrow-note").is_visible()
    assert not page.locator("#dvc-designer").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.get_by_role("row").filter(has_text="Thẩm định hồ sơ").count() == 1
    screenshot(page, "backoffice-process-designer-320")
    violations = axe_violations(page, live_server)
    assert not violations, describe(violations)
