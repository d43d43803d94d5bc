"""Worklists and task actions in the back office: my tasks, tasks to take, claim, assign, act from the
dossier page, SLA badges, scope (404), late dossiers (Mẫu 04/05) and liên thông."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dichvucong.core import clock
from dichvucong.dossiers import processing
from dichvucong.dossiers.constants import DossierStatus, TransferStatus
from dichvucong.dossiers.tests.factories import WEDNESDAY_9AM, make_received
from dichvucong.dossiers.tests.processing_factories import Office, act, make_office, the_task, to_thu_ly
from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: WEDNESDAY_9AM)


@pytest.fixture
def office() -> Office:
    return make_office()


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def test_my_tasks_list_the_reception_step_of_the_receiving_officer(office) -> None:
    """After reception the counter officer's "Việc của tôi" lists the dossier with its due time and an
    SLA badge in words (not colour alone), with the legend. A 4-hour step is near due from its start."""
    dossier = make_received(office.world)
    response = _client(office.counter).get(reverse("backoffice:worklist"))
    body = response.content.decode()
    assert response.status_code == 200
    assert dossier.code in body
    assert "Tiếp nhận hồ sơ" in body
    row = body[body.index(dossier.code) :]
    assert (
        '<span class="sla sla--near_due"><span class="sla__icon" aria-hidden="true">!</span>Sắp đến hạn'
        in row
    )
    assert "Chú giải thời hạn" in body and "Quá hạn" in body and "Còn hạn" in body


def test_tasks_to_take_and_claim(office) -> None:
    """The head sees "Phân công thụ lý" under "Việc chờ nhận", claims it from the list and finds it
    under "Việc của tôi"."""
    dossier = make_received(office.world)
    act(dossier, office.counter, "approve")
    client = _client(office.head)
    available = client.get(reverse("backoffice:worklist"), {"tab": "available"}).content.decode()
    assert "Phân công thụ lý" in available and dossier.code in available
    task = the_task(dossier)
    response = client.post(reverse("backoffice:task_claim", args=[task.pk]), {"next": "worklist"})
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:worklist")
    assert the_task(dossier).assignee == office.head
    mine = client.get(reverse("backoffice:worklist")).content.decode()
    assert "Phân công thụ lý" in mine


def test_the_specialist_does_not_see_tasks_of_other_roles(office) -> None:
    dossier = make_received(office.world)
    act(dossier, office.counter, "approve")
    body = (
        _client(office.specialist).get(reverse("backoffice:worklist"), {"tab": "available"}).content.decode()
    )
    assert "Phân công thụ lý" not in body


def test_worklist_filters_by_search_stage_and_overdue(office) -> None:
    """Search by code, filter by stage and by SLA state: a reception step received the day before is
    past its 4 working hours."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "now", lambda: WEDNESDAY_9AM - timedelta(days=1))
        first = make_received(office.world)
    second = make_received(office.world)
    client = _client(office.counter)
    url = reverse("backoffice:worklist")
    body = client.get(url, {"q": first.code}).content.decode()
    assert first.code in body and second.code not in body
    assert second.code not in client.get(url, {"stage": "processing"}).content.decode()
    assert first.code in client.get(url, {"stage": "reception"}).content.decode()
    overdue = client.get(url, {"sla": "overdue"}).content.decode()
    assert first.code in overdue and second.code not in overdue
    assert "sla--overdue" in overdue
    # A 4-hour step is "near due" from its start (less than one working day: SPEC-VN's threshold).
    near_due = client.get(url, {"sla": "near_due"}).content.decode()
    assert second.code in near_due and first.code not in near_due


def test_worklist_queries_do_not_grow_with_the_number_of_tasks(office) -> None:
    """The worklist reads the projection and the page's dossiers: the same number of queries for one
    task as for four."""
    client = _client(office.counter)
    url = reverse("backoffice:worklist")
    make_received(office.world)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _n in range(3):
        make_received(office.world)
    with CaptureQueriesContext(connection) as four:
        response = client.get(url)
    assert response.content.decode().count("Tiếp nhận hồ sơ</td>") == 0  # rows are split lines
    assert len(four) == len(one)
    assert not any("workflowinstance" in q["sql"].lower() for q in four.captured_queries)


def test_the_dossier_page_shows_the_open_task_and_its_allowed_actions(office) -> None:
    """The assignee sees the step, its due time, the SLA badge and one button per allowed action."""
    dossier = to_thu_ly(office)
    body = (
        _client(office.specialist)
        .get(reverse("backoffice:dossier_detail", args=[dossier.pk]))
        .content.decode()
    )
    assert "Thụ lý hồ sơ" in body
    for label in (
        "Chuyển bước tiếp theo",
        "Trả lại bước trước",
        "Yêu cầu bổ sung hồ sơ",
        "Chuyển liên thông",
    ):
        assert label in body
    assert "Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 05)" in body


def test_another_specialist_sees_no_action_buttons(office) -> None:
    dossier = to_thu_ly(office)
    body = _client(office.other_specialist).get(reverse("backoffice:dossier_detail", args=[dossier.pk]))
    assert "Chuyển bước tiếp theo" not in body.content.decode()


def test_acting_from_the_dossier_page_moves_the_dossier_on(office) -> None:
    """Posting "approve" from the page completes "Thụ lý": the next step opens for the head."""
    dossier = to_thu_ly(office)
    task = the_task(dossier)
    response = _client(office.specialist).post(
        reverse("backoffice:task_act", args=[task.pk]), {"action": "approve", "note": "Đủ điều kiện"}
    )
    assert response.status_code == 302
    assert the_task(dossier).spec.bpmn_id == "Task_TrinhPhong"


def test_return_previous_without_a_reason_changes_nothing(office) -> None:
    dossier = to_thu_ly(office)
    task = the_task(dossier)
    client = _client(office.specialist)
    response = client.post(reverse("backoffice:task_act", args=[task.pk]), {"action": "return_previous"})
    assert response.status_code == 302
    assert the_task(dossier).pk == task.pk
    page = client.get(response["Location"]).content.decode()
    assert "Hãy nêu lý do" in page


def test_out_of_scope_dossier_and_task_are_404(office) -> None:
    """A specialist of another agency: the dossier page and the task's action are 404."""
    dossier = to_thu_ly(office)
    client = _client(office.foreign_specialist)
    assert client.get(reverse("backoffice:dossier_detail", args=[dossier.pk])).status_code == 404
    task = the_task(dossier)
    response = client.post(reverse("backoffice:task_act", args=[task.pk]), {"action": "approve"})
    assert response.status_code == 404
    assert the_task(dossier).pk == task.pk


def test_the_head_assigns_a_task(office) -> None:
    dossier = to_thu_ly(office)
    task = the_task(dossier)
    client = _client(office.head)
    page = client.get(reverse("backoffice:task_assign", args=[task.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("backoffice:task_assign", args=[task.pk]), {"assignee": office.other_specialist.pk}
    )
    assert response.status_code == 302
    assert the_task(dossier).assignee == office.other_specialist


def test_a_specialist_cannot_open_the_assign_page(office) -> None:
    dossier = to_thu_ly(office)
    response = _client(office.specialist).get(reverse("backoffice:task_assign", args=[the_task(dossier).pk]))
    assert response.status_code in (403, 404)


def test_reschedule_page_once(office) -> None:
    """Mẫu 04 from the page: the new date is set and the page then offers the slip, not a second form."""
    dossier = make_received(office.world)
    client = _client(office.specialist)
    url = reverse("backoffice:dossier_reschedule", args=[dossier.pk])
    response = client.post(url, {"reason": "Chờ kết quả xác minh", "extra_days": 2})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.reschedule.new_due_at == dossier.due_at
    page = client.get(reverse("backoffice:dossier_detail", args=[dossier.pk])).content.decode()
    assert "(Mẫu 04)" in page and url not in page
    again = client.post(url, {"reason": "Lần nữa", "extra_days": 1})
    assert again.status_code == 400 and "chỉ được hẹn lại một lần" in again.content.decode()


@pytest.mark.slow
def test_mau_04_and_05_are_pdfs(office) -> None:
    dossier = make_received(office.world)
    processing.reschedule(dossier=dossier, officer=office.specialist, reason="Chờ xác minh", extra_days=2)
    client = _client(office.specialist)
    for name in ("dossier_apology_pdf", "dossier_process_control_pdf"):
        response = client.get(reverse(f"backoffice:{name}", args=[dossier.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_the_receiving_agency_sees_and_accepts_a_transfer(office) -> None:
    """Liên thông: the other agency's specialist finds it under "Hồ sơ liên thông đến", opens it (the
    files with their hashes) and accepts it."""
    dossier = to_thu_ly(office)
    act(dossier, office.specialist, "transfer", target_agency=office.world.other_agency, note="Xin ý kiến")
    transfer = dossier.transfers.get()
    client = _client(office.foreign_specialist)
    listed = client.get(reverse("backoffice:worklist"), {"tab": "transfers"}).content.decode()
    assert dossier.code in listed
    detail = client.get(reverse("backoffice:transfer_detail", args=[transfer.pk])).content.decode()
    assert transfer.documents[0]["sha256"] in detail
    response = client.post(reverse("backoffice:transfer_accept", args=[transfer.pk]))
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED


def test_a_stranger_agency_cannot_see_a_transfer(office) -> None:
    from dichvucong.accounts.constants import Role
    from dichvucong.agencies.tests.factories import make_agency, make_officer

    dossier = to_thu_ly(office)
    act(dossier, office.specialist, "transfer", target_agency=office.world.other_agency)
    stranger = make_officer(agency=make_agency(), role=Role.SPECIALIST)[0]
    response = _client(stranger).get(reverse("backoffice:transfer_detail", args=[dossier.transfers.get().pk]))
    assert response.status_code == 404


def test_a_dossier_without_process_still_offers_resolve(db) -> None:
    """No template loaded: the page keeps the manual result / resolve forms and shows no task section."""
    from dichvucong.dossiers.tests.factories import make_world

    world = make_world()
    dossier = make_received(world)
    body = (
        _client(world.officer).get(reverse("backoffice:dossier_detail", args=[dossier.pk])).content.decode()
    )
    assert "Bước đang xử lý" not in body
    assert dossier.status == DossierStatus.RECEIVED


def test_the_head_gives_the_next_step_to_a_specialist_from_the_page(office) -> None:
    """ "Phân công thụ lý" offers the agency's specialists: approving with one gives them "Thụ lý"."""
    dossier = make_received(office.world)
    act(dossier, office.counter, "approve")
    processing.claim(dossier=dossier, task=the_task(dossier), officer=office.head)
    client = _client(office.head)
    page = client.get(reverse("backoffice:dossier_detail", args=[dossier.pk])).content.decode()
    assert "Giao bước tiếp theo cho" in page and office.specialist.display_name in page
    response = client.post(
        reverse("backoffice:task_act", args=[the_task(dossier).pk]),
        {"action": "approve", "assignee": office.specialist.pk},
    )
    assert response.status_code == 302
    task = the_task(dossier)
    assert task.spec.bpmn_id == "Task_ThuLy" and task.assignee == office.specialist


def test_an_admin_chooses_the_process_of_a_draft_version_only(office) -> None:
    """The catalog version page links to the process chooser; a draft takes the chosen published
    process, a published version is read-only."""
    from dichvucong.accounts.constants import Role
    from dichvucong.agencies.tests.factories import make_officer
    from dichvucong.procedures.services import start_draft
    from dichvucong.workflows.models import ProcessVersion

    admin = make_officer(agency=office.world.agency, role=Role.CITY_ADMIN)[0]
    procedure = office.world.procedure
    published = procedure.current_version
    client = _client(admin)
    shown = client.get(reverse("backoffice:catalog_version", args=[procedure.code, published.number]))
    assert (
        reverse("backoffice:procedure_process", args=[procedure.code, published.number])
        in shown.content.decode()
    )
    same_day = ProcessVersion.objects.get(definition__key="mot-cua-trong-ngay", status="published")
    url = reverse("backoffice:procedure_process", args=[procedure.code, published.number])
    refused = client.post(url, {"process": same_day.pk})
    assert refused.status_code == 400
    published.refresh_from_db()
    assert published.process_version is None
    draft = start_draft(procedure=procedure, actor=admin)
    response = client.post(
        reverse("backoffice:procedure_process", args=[procedure.code, draft.number]), {"process": same_day.pk}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.process_version == same_day
