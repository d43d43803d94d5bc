"""Issue 5's "Done when", end to end in a real browser: a .bpmn file drawn in Camunda Modeler (no
processing rules, ``camunda:`` attributes, its own diagram) is imported by the city admin, who reads the
problems, selects each task on the canvas and fills its rules in the properties panel, saves and
publishes it, and chooses it for a procedure; a dossier received under that procedure then flows
through the officers' worklists with the SLA colours and due times its budgets give, until the result
is returned. The second test draws a process instead: a user task dragged from the palette, connected
with the context pad, its rules filled, published and run."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CAMUNDA_FILE = Path(__file__).parent / "data" / "camunda-tham-dinh-ky.bpmn"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
# After a drag, diagram-js swallows clicks for 400 ms (so the drop is not also a click); a hand is slower.
CLICK_TRAP_MS = 450
RULES = {
    # bpmn id: (stage, role, agency rule, budget hours, action labels to tick)
    "Activity_ThamDinh": ("processing", "specialist", "receiving", "16", ["Chuyển bước tiếp theo"]),
    "Activity_KyTraKetQua": ("return", "unit_head", "receiving", "8", ["Trả kết quả"]),
}


@pytest.fixture
def city(make_officer: Any, make_citizen: Any) -> dict[str, Any]:
    """Bến Thành ward with a counter officer, a specialist and a unit head; a city admin; a procedure
    (published version 1, legal time 3 working days) and a verified citizen."""
    from dichvucong.accounts.constants import AssuranceLevel, Role
    from dichvucong.accounts.services import set_assurance_level
    from dichvucong.agencies.models import Agency
    from dichvucong.agencies.services import create_officer
    from dichvucong.procedures.constants import Channel, DurationUnit
    from dichvucong.procedures.tests.factories import make_procedure

    counter = make_officer(full_name="Phạm Thị Thu Hà")
    specialist = make_officer(role=Role.SPECIALIST, full_name="Võ Minh Tuấn")
    head = make_officer(role=Role.UNIT_HEAD, full_name="Đặng Thị Hồng Nhung")
    ward = Agency.objects.get(code="000.50.68.H29")
    admin, _assignment = create_officer(
        actor=None,
        username="quantri-thanhpho",
        full_name="Lê Văn Quản",
        agency=Agency.objects.get(code="000.00.00.H29"),
        role=Role.CITY_ADMIN,
        password=PASSWORD,
    )
    procedure = make_procedure(
        code="1.004194",
        name="Xác nhận thông tin về cư trú",
        min_assurance_level=AssuranceLevel.BASIC,
        options=((Channel.ONLINE, Decimal("3"), DurationUnit.WORKING_DAYS),),
        documents=({"name": "Tờ khai thay đổi thông tin cư trú", "originals": 1},),
        agencies=[ward],
    )
    citizen = make_citizen(full_name="Lê Thị Cúc")
    set_assurance_level(actor=None, user=citizen, level=AssuranceLevel.VERIFIED, source="test")
    return {
        "admin": admin,
        "counter": counter,
        "specialist": specialist,
        "head": head,
        "ward": ward,
        "procedure": procedure,
        "citizen": citizen,
    }


def _switch_user(context: Any, live_server: Any, user: Any) -> None:
    context.clear_cookies()
    log_in(context, live_server, user)


def _fill_rules(page: Any, element_id: str, rules: tuple[str, str, str, str, list[str]]) -> None:
    """Selects the task on the canvas and fills "Quy tắc xử lý" with form controls (no XML)."""
    stage, role, agency, hours, actions = rules
    page.locator(f".djs-element.djs-shape[data-element-id={element_id}]").click()
    page.wait_for_function(
        "(id) => window.dvcDesigner.get('selection').get().map(e => e.id).join() === id", arg=element_id
    )
    stage_select = page.get_by_label("Giai đoạn hồ sơ")
    if not stage_select.is_visible():  # the group opens once, then stays open for the next task
        page.get_by_text("Quy tắc xử lý", exact=True).click()
    stage_select.select_option(stage)
    page.get_by_label("Vai trò cán bộ xử lý").select_option(role)
    page.get_by_label("Cơ quan xử lý", exact=True).select_option(agency)
    page.get_by_label("Thời gian xử lý (giờ làm việc)").fill(hours)
    for label in actions:
        page.get_by_label(f"Thao tác được phép: {label}", exact=True).check()


def _local(moment: Any) -> str:
    """A due time as the worklists print it (``H:i d/m/Y`` in the site's time zone)."""
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def _status_badge(page: Any) -> str:
    return page.locator(".dossier-status .badge").inner_text().strip()


def test_camunda_file_imported_published_and_run_through_the_worklists(
    page: Any, context: Any, live_server: Any, city: dict[str, Any]
) -> None:
    """Given a Camunda Modeler file without our rules, when the city admin imports it, fills each task's
    rules on the canvas, saves, publishes and chooses it for a procedure, then a dossier received
    under that procedure opens "Thẩm định hồ sơ" in the specialist's "Việc chờ nhận" with "Còn hạn" and
    a due time 16 working hours after its start; once the specialist claims it, attaches the result and
    approves, the unit head's "Ký duyệt, trả kết quả" is near due (8-hour budget) and the dossier is
    "Đã xử lý xong"; the head returns the result, the dossier is "Đã trả kết quả" and the process ends."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dichvucong.agencies import workdays
    from dichvucong.agencies.constants import SlaState
    from dichvucong.dossiers import processing, services
    from dichvucong.dossiers.constants import DossierStatus, ReturnMethod
    from dichvucong.procedures import services as catalog
    from dichvucong.workflows.constants import ProcessVersionStatus, WorkflowStatus
    from dichvucong.workflows.models import ProcessDefinition, WorkflowInstance

    base = live_server.url
    ward = city["ward"]

    # --- the city admin: a new process, the foreign file imported, rules filled, saved, published ---
    _switch_user(context, live_server, city["admin"])
    page.goto(f"{base}/backoffice/processes/")
    page.get_by_label("Mã quy trình").fill("xac-nhan-cu-tru")
    page.get_by_label("Tên quy trình").fill("Xác nhận thông tin cư trú")
    page.get_by_label("Cơ quan sở hữu").select_option(str(ward.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Tạo quy trình").click()
    page.wait_for_selector(".djs-element[data-element-id=Task_TiepNhan]")

    page.get_by_label("Tệp BPMN").set_input_files(str(CAMUNDA_FILE))
    with page.expect_navigation():
        page.get_by_role("button", name="Nhập vào bản nháp").click()
    page.wait_for_selector(".djs-element[data-element-id=Activity_ThamDinh]")
    problems = page.locator("#dvc-problems li").all_inner_texts()
    assert len(problems) == 2, problems
    assert any("“Thẩm định hồ sơ” chưa có quy tắc xử lý" in text for text in problems)
    assert any("“Ký duyệt, trả kết quả” chưa có quy tắc xử lý" in text for text in problems)
    screenshot(page, "e2e-import-problems")

    for element_id, rules in RULES.items():
        _fill_rules(page, element_id, rules)
    screenshot(page, "e2e-import-rules-filled")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_selector(".djs-element[data-element-id=Activity_ThamDinh]")
    assert page.locator("#dvc-problems a[data-problem-element]").count() == 0
    assert "Không có lỗi" in page.inner_text("#dvc-problems")

    page.get_by_label("Thời hạn giải quyết theo quy định (giờ làm việc)").fill("24")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu và ban hành").click()
    page.wait_for_selector(".djs-element[data-element-id=Activity_ThamDinh]")
    assert "Đã ban hành phiên bản" in page.inner_text("main")
    definition = ProcessDefinition.objects.get(key="xac-nhan-cu-tru")
    published = definition.versions.get(status=ProcessVersionStatus.PUBLISHED)
    specs = {spec.bpmn_id: spec for spec in published.task_specs.all()}
    assert (specs["Activity_ThamDinh"].role, specs["Activity_ThamDinh"].budget_hours) == ("specialist", 16)
    assert specs["Activity_KyTraKetQua"].actions == ["return_result"]
    assert 'camunda:assignee="${specialist}"' in published.bpmn_xml  # the other modeler's attributes stay
    screenshot(page, "e2e-import-published")

    # --- the procedure's next version runs it (chosen on the catalog's process page) ---
    procedure = city["procedure"]
    draft = catalog.start_draft(procedure=procedure, actor=city["admin"])
    page.goto(f"{base}/backoffice/catalog/{procedure.code}/versions/{draft.number}/process/")
    page.get_by_label("Quy trình xử lý").select_option(
        label=f"Xác nhận thông tin cư trú (v{published.number})"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu", exact=True).click()
    draft.refresh_from_db()
    assert draft.process_version == published
    catalog.publish_draft(version=draft, actor=city["admin"])

    # --- the citizen files, the counter receives: the process starts ---
    procedure.refresh_from_db()
    document = procedure.current_version.documents.get()
    dossier, _created = services.create_online_dossier(
        user=city["citizen"],
        procedure_code=procedure.code,
        agency_code=ward.code,
        form_data={"ho_ten": "Lê Thị Cúc"},
        uploads={document.pk: SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")},
        idempotency_key="e2e-import-1",
    )
    services.receive(dossier=dossier, officer=city["counter"])
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    (task,) = processing.open_tasks(dossier)
    assert (task.spec.bpmn_id, task.sla_state, task.assignee) == ("Activity_ThamDinh", SlaState.ON_TIME, None)
    assert task.due_at == workdays.add_working_hours(ward.pk, task.started_at, Decimal(16))

    # --- the specialist: "Việc chờ nhận", "Còn hạn", the due time; claims, attaches the result, approves ---
    _switch_user(context, live_server, city["specialist"])
    page.goto(f"{base}/backoffice/viec-can-xu-ly/?tab=available")
    row = page.locator("tr", has_text=dossier.code)
    text = row.inner_text()
    assert "Thẩm định hồ sơ" in text and "Còn hạn" in text and _local(task.due_at) in text, text
    assert row.locator(".sla--on_time").count() == 1
    screenshot(page, "e2e-specialist-available")
    row.get_by_role("button", name="Nhận xử lý").click()
    page.wait_for_url("**/viec-can-xu-ly/")
    mine = page.locator("tr", has_text=dossier.code)
    assert "Thẩm định hồ sơ" in mine.inner_text()
    screenshot(page, "e2e-specialist-mine")

    mine.get_by_role("link", name="Mở hồ sơ").click()
    page.wait_for_selector("#tasks-title")
    assert _status_badge(page) == "Đang xử lý"
    page.get_by_label("Tên kết quả").fill("Giấy xác nhận thông tin về cư trú")
    page.get_by_label("Tệp kết quả").set_input_files(
        {"name": "xac-nhan.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Đính kèm").click()
    panel = page.locator(".task-panel", has_text="Thẩm định hồ sơ")
    with page.expect_navigation():
        panel.get_by_role("button", name="Chuyển bước tiếp theo").click()
    page.wait_for_selector("#tasks-title")
    assert "Ký duyệt, trả kết quả" in page.inner_text("main")
    assert _status_badge(page) == "Đã xử lý xong"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED
    (task,) = processing.open_tasks(dossier)
    assert (task.spec.bpmn_id, task.stage) == ("Activity_KyTraKetQua", "return")
    assert task.due_at == workdays.add_working_hours(ward.pk, task.started_at, Decimal(8))
    screenshot(page, "e2e-specialist-approved")

    # --- the unit head: the next step, near due (a budget of one working day); returns the result ---
    _switch_user(context, live_server, city["head"])
    page.goto(f"{base}/backoffice/viec-can-xu-ly/?tab=available")
    row = page.locator("tr", has_text=dossier.code)
    text = row.inner_text()
    assert "Ký duyệt, trả kết quả" in text and "Sắp đến hạn" in text and _local(task.due_at) in text, text
    assert row.locator(".sla--near_due").count() == 1
    screenshot(page, "e2e-head-available")
    row.get_by_role("button", name="Nhận xử lý").click()
    page.wait_for_url("**/viec-can-xu-ly/")
    page.locator("tr", has_text=dossier.code).get_by_role("link", name="Mở hồ sơ").click()
    page.wait_for_selector("#tasks-title")
    form = page.locator(".task-panel form", has=page.get_by_role("button", name="Trả kết quả"))
    form.get_by_label("Hình thức trả kết quả").select_option(str(ReturnMethod.ONLINE))
    with page.expect_navigation():
        form.get_by_role("button", name="Trả kết quả").click()
    page.wait_for_selector("#tasks-title")
    assert _status_badge(page) == "Đã trả kết quả"
    assert "Không có bước nào đang mở." in page.inner_text("main")
    screenshot(page, "e2e-head-returned")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_method) == (DossierStatus.RETURNED, ReturnMethod.ONLINE)
    assert processing.open_tasks(dossier) == []
    instance = WorkflowInstance.objects.get(subject_type=processing.SUBJECT_TYPE, subject_id=str(dossier.pk))
    assert instance.status == WorkflowStatus.COMPLETED


def _centre(page: Any, element_id: str) -> tuple[float, float]:
    box = page.locator(f".djs-element[data-element-id={element_id}]").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _drag(page: Any, start: tuple[float, float], end: tuple[float, float]) -> None:
    """A pointer drag in steps, as a hand does (diagram-js follows the pointer)."""
    page.mouse.move(*start)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(
            start[0] + (end[0] - start[0]) * step / 10, start[1] + (end[1] - start[1]) * step / 10
        )
    page.mouse.up()
    page.wait_for_timeout(CLICK_TRAP_MS)


def _context_pad_entry(page: Any, element_id: str, action: str) -> Any:
    """Selects the element with a click and returns one entry of its context pad. A straight flow's box
    has no height (Playwright calls it invisible), so the pointer clicks the middle of its rectangle."""
    box = page.evaluate(
        "(id) => { const r = document.querySelector(`.djs-element[data-element-id=${id}]`)"
        ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }",
        element_id,
    )
    page.mouse.click(*box)
    page.wait_for_function(
        "(id) => window.dvcDesigner.get('selection').get().map(e => e.id).join() === id", arg=element_id
    )
    entry = page.locator(f".djs-context-pad.open .entry[data-action={action}]")
    entry.wait_for()
    return entry


def _connect(page: Any, source: str, target: str) -> None:
    """Draws a sequence flow with the context pad's connect tool, dragged from the source to the target."""
    box = _context_pad_entry(page, source, "connect").bounding_box()
    _drag(page, (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2), _centre(page, target))


def _flows(page: Any) -> set[tuple[str, str]]:
    return set(
        map(
            tuple,
            page.evaluate(
                "window.dvcDesigner.get('elementRegistry').filter(e => e.type === 'bpmn:SequenceFlow')"
                ".map(e => [e.source.id, e.target.id])"
            ),
        )
    )


def test_process_drawn_by_drag_and_drop_runs_through_the_worklists(
    page: Any, context: Any, live_server: Any, city: dict[str, Any]
) -> None:
    """Given a new blank process (start → "Tiếp nhận hồ sơ" → end), when the city admin deletes the last
    flow, drags a user task from the palette, connects reception → task → end with the context pad,
    names the task and fills its rules, saves (no problem) and publishes, and the procedure runs it,
    then a dossier received under it waits at reception ("Được tiếp nhận"); the counter officer passes
    it on, it is "Đang xử lý" and the drawn task is in the specialist's "Việc chờ nhận" with "Còn hạn"
    and a due time 16 working hours after its start; the specialist claims and approves it and the
    process ends."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dichvucong.agencies import workdays
    from dichvucong.dossiers import processing, services
    from dichvucong.dossiers.constants import DossierStatus
    from dichvucong.procedures import services as catalog
    from dichvucong.workflows.constants import ProcessVersionStatus, WorkflowStatus
    from dichvucong.workflows.models import ProcessDefinition, WorkflowInstance
    from tests.browser.test_process_designer import drag_user_task_to_canvas

    base = live_server.url
    ward = city["ward"]
    _switch_user(context, live_server, city["admin"])
    page.goto(f"{base}/backoffice/processes/")
    page.get_by_label("Mã quy trình").fill("ve-tay")
    page.get_by_label("Tên quy trình").fill("Quy trình vẽ tay")
    page.get_by_label("Cơ quan sở hữu").select_option(str(ward.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Tạo quy trình").click()
    page.wait_for_selector(".djs-element[data-element-id=Task_TiepNhan]")
    assert _flows(page) == {("StartEvent_1", "Task_TiepNhan"), ("Task_TiepNhan", "EndEvent_1")}

    _context_pad_entry(page, "Flow_2", "delete").click()
    new_id = drag_user_task_to_canvas(page)
    page.wait_for_timeout(CLICK_TRAP_MS)
    page.keyboard.type("Thụ lý hồ sơ")  # the label editor is open on the new task
    page.keyboard.press("Enter")
    _connect(page, "Task_TiepNhan", new_id)
    _connect(page, new_id, "EndEvent_1")
    assert _flows(page) == {
        ("StartEvent_1", "Task_TiepNhan"),
        ("Task_TiepNhan", new_id),
        (new_id, "EndEvent_1"),
    }
    _fill_rules(page, new_id, ("processing", "specialist", "receiving", "16", ["Chuyển bước tiếp theo"]))
    screenshot(page, "e2e-drawn")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_selector(f".djs-element[data-element-id={new_id}]")
    assert "Không có lỗi" in page.inner_text("#dvc-problems")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu và ban hành").click()
    assert "Đã ban hành phiên bản" in page.inner_text("main")
    published = ProcessDefinition.objects.get(key="ve-tay").versions.get(
        status=ProcessVersionStatus.PUBLISHED
    )
    assert published.task_specs.get(bpmn_id=new_id).name == "Thụ lý hồ sơ"

    procedure = city["procedure"]
    draft = catalog.start_draft(procedure=procedure, actor=city["admin"])
    processing.choose_process(version=draft, process=published, actor=city["admin"])
    catalog.publish_draft(version=draft, actor=city["admin"])
    procedure.refresh_from_db()
    document = procedure.current_version.documents.get()
    dossier, _created = services.create_online_dossier(
        user=city["citizen"],
        procedure_code=procedure.code,
        agency_code=ward.code,
        form_data={"ho_ten": "Lê Thị Cúc"},
        uploads={document.pk: SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")},
        idempotency_key="e2e-drawn-1",
    )
    services.receive(dossier=dossier, officer=city["counter"])
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED  # the counter officer holds the reception step

    _switch_user(context, live_server, city["counter"])
    page.goto(f"{base}/backoffice/ho-so/{dossier.pk}/")
    page.wait_for_selector("#tasks-title")
    assert _status_badge(page) == "Được tiếp nhận"
    with page.expect_navigation():
        page.locator(".task-panel", has_text="Tiếp nhận hồ sơ").get_by_role(
            "button", name="Chuyển bước tiếp theo"
        ).click()
    assert _status_badge(page) == "Đang xử lý"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    (task,) = processing.open_tasks(dossier)
    assert task.spec.bpmn_id == new_id
    assert task.due_at == workdays.add_working_hours(ward.pk, task.started_at, Decimal(16))

    _switch_user(context, live_server, city["specialist"])
    page.goto(f"{base}/backoffice/viec-can-xu-ly/?tab=available")
    row = page.locator("tr", has_text=dossier.code)
    text = row.inner_text()
    assert "Thụ lý hồ sơ" in text and "Còn hạn" in text and _local(task.due_at) in text, text
    row.get_by_role("button", name="Nhận xử lý").click()
    page.wait_for_url("**/viec-can-xu-ly/")
    page.locator("tr", has_text=dossier.code).get_by_role("link", name="Mở hồ sơ").click()
    page.wait_for_selector("#tasks-title")
    with page.expect_navigation():
        page.locator(".task-panel", has_text="Thụ lý hồ sơ").get_by_role(
            "button", name="Chuyển bước tiếp theo"
        ).click()
    assert "Không có bước nào đang mở." in page.inner_text("main")
    screenshot(page, "e2e-drawn-finished")
    assert processing.open_tasks(dossier) == []
    instance = WorkflowInstance.objects.get(subject_type=processing.SUBJECT_TYPE, subject_id=str(dossier.pk))
    assert instance.status == WorkflowStatus.COMPLETED
