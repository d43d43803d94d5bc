"""Worklists in a real browser: a specialist takes "Thụ lý hồ sơ" from "Việc chờ nhận" and approves it
from the dossier page; the unit head finds the next step, takes it and returns it with a reason.
Each page is checked with axe-core (WCAG 2.1 A/AA) and shot at 1280 and 320 px."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.browser.conftest import describe, log_in, run_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def office(make_officer: Any, make_citizen: Any) -> dict[str, Any]:
    """Bến Thành with a counter officer, a specialist and a unit head; a dossier received, forwarded
    by the counter and released by the head's assignment step, so "Thụ lý hồ sơ" waits to be taken."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from dichvucong.accounts.constants import AssuranceLevel, Role
    from dichvucong.accounts.services import set_assurance_level
    from dichvucong.agencies.models import Agency
    from dichvucong.dossiers import processing, services
    from dichvucong.procedures.constants import Channel, DurationUnit
    from dichvucong.procedures.tests.factories import make_procedure

    call_command("load_process_templates", verbosity=0)
    counter = make_officer(full_name="Phạm Thị Thu Hà")
    specialist = make_officer(role=Role.SPECIALIST, full_name="Võ Minh Tuấn")
    head = make_officer(role=Role.UNIT_HEAD, full_name="Đặng Thị Hồng Nhung")
    ward = Agency.objects.get(code="000.50.68.H29")
    procedure = make_procedure(
        code="1.001193",
        name="Đăng ký khai sinh",
        min_assurance_level=AssuranceLevel.BASIC,
        options=(
            (Channel.ONLINE, Decimal("3"), DurationUnit.WORKING_DAYS),
            (Channel.DIRECT, Decimal("3"), DurationUnit.WORKING_DAYS),
        ),
        documents=({"name": "Tờ khai đăng ký khai sinh", "originals": 1},),
        agencies=[ward],
    )
    citizen = make_citizen(full_name="Lê Thị Cúc")
    set_assurance_level(actor=None, user=citizen, level=AssuranceLevel.VERIFIED, source="test")
    document = procedure.current_version.documents.get()
    dossier, _created = services.create_online_dossier(
        user=citizen,
        procedure_code="1.001193",
        agency_code=ward.code,
        form_data={"ho_ten_tre": "Lê Văn Bé"},
        uploads={document.pk: SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")},
        idempotency_key="browser-worklist-1",
    )
    services.receive(dossier=dossier, officer=counter)
    for officer in (counter, head):
        task = processing.open_tasks(dossier)[0]
        if task.assignee_id is None:
            processing.claim(dossier=dossier, task=task, officer=officer)
            task = processing.open_tasks(dossier)[0]
        processing.act_on_task(dossier=dossier, task=task, officer=officer, action="approve")
    dossier.refresh_from_db()
    return {"specialist": specialist, "head": head, "dossier": dossier}


def _check(page: Any, name: str) -> None:
    """axe at 1280 px, then screenshots at 1280 and 320 px (and axe again at 320)."""
    violations = run_axe(page)
    screenshot(page, f"{name}-1280")
    assert not violations, describe(violations)
    page.set_viewport_size({"width": 320, "height": 800})
    violations = run_axe(page)
    screenshot(page, f"{name}-320")
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not violations, describe(violations)
    assert width <= 330, f"{name} scrolls sideways at 320 px ({width}px)"


def test_specialist_claims_and_approves_then_the_head_returns_it(
    browser: Any, page: Any, context: Any, live_server: Any, office: dict[str, Any]
) -> None:
    from dichvucong.dossiers import processing

    dossier = office["dossier"]
    log_in(context, live_server, office["specialist"])
    page.goto(f"{live_server.url}/backoffice/viec-can-xu-ly/?tab=available")
    row = page.locator("tr", has_text=dossier.code)
    assert "Thụ lý hồ sơ" in row.inner_text()
    assert "Chú giải thời hạn" in page.inner_text("main")
    _check(page, "worklist-available")
    row.get_by_role("button", name="Nhận xử lý").click()
    page.wait_for_url("**/viec-can-xu-ly/")
    assert dossier.code in page.inner_text("main")  # now under "Việc của tôi"
    _check(page, "worklist-mine")

    page.click(f"a[href^='/backoffice/ho-so/{dossier.pk}/']:has-text('{dossier.code}')")
    page.wait_for_selector("#tasks-title")
    panel = page.locator(".task-panel")
    assert "Thụ lý hồ sơ" in panel.inner_text()
    _check(page, "dossier-task-actions")
    panel.locator("form", has=page.get_by_role("button", name="Chuyển bước tiếp theo")).locator(
        "textarea"
    ).fill("Hồ sơ đủ điều kiện.")
    panel.get_by_role("button", name="Chuyển bước tiếp theo").click()
    page.wait_for_selector(".messages, [role=status], .notice")
    assert "Trình lãnh đạo phòng" in page.inner_text("main")
    assert processing.open_tasks(dossier)[0].spec.bpmn_id == "Task_TrinhPhong"

    head_context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", bypass_csp=True
    )
    head_page = head_context.new_page()
    log_in(head_context, live_server, office["head"])
    head_page.goto(f"{live_server.url}/backoffice/viec-can-xu-ly/?tab=available")
    head_row = head_page.locator("tr", has_text=dossier.code)
    assert "Trình lãnh đạo phòng" in head_row.inner_text()
    head_row.get_by_role("button", name="Nhận xử lý").click()
    head_page.wait_for_url("**/viec-can-xu-ly/")
    head_page.goto(f"{live_server.url}/backoffice/ho-so/{dossier.pk}/")
    back = head_page.locator("form", has=head_page.get_by_role("button", name="Trả lại bước trước"))
    back.locator("textarea").fill("Bổ sung ý kiến thẩm định về giấy chứng sinh.")
    _check(head_page, "dossier-head-return")
    back.get_by_role("button", name="Trả lại bước trước").click()
    head_page.wait_for_selector("#tasks-title")
    task = processing.open_tasks(dossier)[0]
    assert task.spec.bpmn_id == "Task_ThuLy"
    assert task.assignee == office["specialist"]  # back to the officer who did it
    assert "Bổ sung ý kiến thẩm định" in head_page.inner_text("main")
    head_context.close()
