"""A received dossier moving through the city's one-stop process: status mapping, handler, events,
permissions, supplement loop, liên thông, rescheduling (Mẫu 04) and the process-control rows (Mẫu 05)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dichvucong.core import clock
from dichvucong.dossiers import processing, services, slips
from dichvucong.dossiers.constants import (
    DocumentKind,
    DossierStatus,
    EventAction,
    ReturnMethod,
    TransferStatus,
)
from dichvucong.dossiers.errors import DossierError, DossierErrorCode
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.dossiers.tests.factories import WEDNESDAY_9AM, make_received, make_submitted, pdf
from dichvucong.dossiers.tests.processing_factories import Office, act, make_office, the_task, to_thu_ly
from dichvucong.notifications.models import Notification
from dichvucong.workflows.constants import WorkflowStatus
from dichvucong.workflows.models import OpenTask, WorkflowInstance

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: WEDNESDAY_9AM)


@pytest.fixture
def office() -> Office:
    return make_office()


def _events(dossier: Dossier) -> list[str]:
    return list(dossier.events.order_by("at", "id").values_list("action", flat=True))


def test_receiving_starts_the_common_process_with_the_reception_step_held_by_the_receiver(office) -> None:
    """Given the city templates, when the counter receives an online dossier, then its process starts
    at "Tiếp nhận hồ sơ", claimed by the receiving officer, and the dossier stays RECEIVED."""
    dossier = make_received(office.world)
    task = the_task(dossier)
    dossier.refresh_from_db()
    assert task.spec.bpmn_id == "Task_TiepNhan"
    assert task.assignee == office.counter
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.handler == office.counter
    assert WorkflowInstance.objects.get(subject_id=str(dossier.pk)).version.definition.key == "mot-cua-chung"
    assert _events(dossier)[-2:] == [EventAction.RECEIVED, EventAction.WORKFLOW_STARTED]


def test_forwarding_to_processing_makes_the_dossier_processing_and_tells_the_applicant(office) -> None:
    """When the counter forwards the dossier, the head's "Phân công thụ lý" opens (processing stage):
    status 4, an event with stage, role and agency, and a notice to the applicant."""
    dossier = make_received(office.world)
    result = act(dossier, office.counter, "approve", note="Chuyển phòng chuyên môn")
    dossier.refresh_from_db()
    assert [t.spec.bpmn_id for t in result.opened] == ["Task_PhanCong"]
    assert dossier.status == DossierStatus.PROCESSING
    assert dossier.handler is None
    event = dossier.events.get(action=EventAction.TASK_COMPLETED)
    assert (event.from_status, event.to_status) == (DossierStatus.RECEIVED, DossierStatus.PROCESSING)
    assert event.stage == "reception" and event.actor_role == "counter_officer"
    assert event.agency_id == office.world.agency.pk
    assert event.data["action"] == "approve" and event.data["opened"] == "Phân công thụ lý"
    assert (
        Notification.objects.filter(recipient=office.world.citizen, template="dossier.processing").count()
        == 1
    )


def test_the_head_gives_thu_ly_to_a_specialist_then_reassigns_it(office) -> None:
    """The head approves "Phân công thụ lý" naming the specialist: "Thụ lý" is theirs and they hold the
    dossier; the head may reassign it to another specialist."""
    dossier = to_thu_ly(office)
    task = the_task(dossier)
    dossier.refresh_from_db()
    assert task.spec.bpmn_id == "Task_ThuLy"
    assert task.assignee == office.specialist
    assert dossier.handler == office.specialist
    processing.assign(dossier=dossier, task=task, assignee=office.other_specialist, officer=office.head)
    dossier.refresh_from_db()
    assert the_task(dossier).assignee == office.other_specialist
    assert dossier.handler == office.other_specialist
    assert EventAction.TASK_ASSIGNED in _events(dossier)


def test_a_specialist_cannot_assign(office) -> None:
    dossier = to_thu_ly(office)
    with pytest.raises(DossierError) as error:
        processing.assign(
            dossier=dossier,
            task=the_task(dossier),
            assignee=office.other_specialist,
            officer=office.specialist,
        )
    assert error.value.code == DossierErrorCode.NOT_ALLOWED


def test_an_officer_of_another_role_or_agency_cannot_act(office) -> None:
    """A specialist may not do the counter's step, nor may a specialist of another agency claim "Thụ lý";
    nothing changes."""
    dossier = make_received(office.world)
    with pytest.raises(DossierError) as wrong_role:
        act(dossier, office.specialist, "approve")
    assert wrong_role.value.code == DossierErrorCode.NOT_ALLOWED
    act(dossier, office.counter, "approve")
    processing.claim(dossier=dossier, task=the_task(dossier), officer=office.head)
    act(dossier, office.head, "approve")
    with pytest.raises(DossierError) as foreign:
        processing.claim(dossier=dossier, task=the_task(dossier), officer=office.foreign_specialist)
    assert foreign.value.code == DossierErrorCode.NOT_ALLOWED
    assert the_task(dossier).assignee is None


def test_an_action_the_step_does_not_allow_is_refused(office) -> None:
    """ "sign" is not an action of "Tiếp nhận hồ sơ": refused with a readable message, nothing stored."""
    dossier = make_received(office.world)
    count = DossierEvent.objects.filter(dossier=dossier).count()
    with pytest.raises(DossierError) as error:
        act(dossier, office.counter, "sign")
    assert error.value.code == DossierErrorCode.INVALID_TRANSITION
    assert "Tiếp nhận hồ sơ" in error.value.message
    assert DossierEvent.objects.filter(dossier=dossier).count() == count


def test_acting_twice_on_the_same_task_is_refused(office) -> None:
    """A double click: the second submission of the same (now closed) task changes nothing."""
    dossier = make_received(office.world)
    task = the_task(dossier)
    processing.act_on_task(dossier=dossier, task=task, officer=office.counter, action="approve")
    with pytest.raises(DossierError) as error:
        processing.act_on_task(dossier=dossier, task=task, officer=office.counter, action="approve")
    assert error.value.code == DossierErrorCode.ALREADY_DONE
    assert [t.spec.bpmn_id for t in processing.open_tasks(dossier)] == ["Task_PhanCong"]


def test_the_full_common_flow_resolves_and_returns_the_dossier(office) -> None:
    """Thụ lý → trình phòng → lãnh đạo ký → trả kết quả: RESOLVED once the result is attached at the
    return step, RETURNED by ``return_result``; the process completes."""
    dossier = to_thu_ly(office)
    act(dossier, office.specialist, "approve")
    processing.claim(dossier=dossier, task=the_task(dossier), officer=office.head)
    act(dossier, office.head, "approve")
    processing.claim(dossier=dossier, task=the_task(dossier), officer=office.leader)
    act(dossier, office.leader, "sign")
    dossier.refresh_from_db()
    assert the_task(dossier).stage == "return"
    assert dossier.status == DossierStatus.PROCESSING  # no result yet
    services.attach_result(
        dossier=dossier, officer=office.specialist, upload=pdf("kq.pdf"), title="Giấy khai sinh"
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED
    assert dossier.resolved_at == WEDNESDAY_9AM
    with pytest.raises(DossierError):  # the old shortcut would skip the process
        services.resolve(dossier=dossier, officer=office.counter)
    processing.claim(dossier=dossier, task=the_task(dossier), officer=office.counter)
    result = act(dossier, office.counter, "return_result", return_method=0)
    dossier.refresh_from_db()
    assert result.finished
    assert dossier.status == DossierStatus.RETURNED
    assert not OpenTask.objects.filter(subject_id=str(dossier.pk)).exists()
    assert WorkflowInstance.objects.get(subject_id=str(dossier.pk)).status == WorkflowStatus.COMPLETED


def test_return_previous_needs_a_reason_and_goes_back_to_the_officer_who_did_it(office) -> None:
    """The head returns "Trình lãnh đạo phòng" with a reason: "Thụ lý" opens again, already the
    specialist's; without a reason nothing happens."""
    dossier = to_thu_ly(office)
    act(dossier, office.specialist, "approve")
    processing.claim(dossier=dossier, task=the_task(dossier), officer=office.head)
    with pytest.raises(DossierError):
        act(dossier, office.head, "return_previous", note="  ")
    act(dossier, office.head, "return_previous", note="Thiếu ý kiến thẩm định")
    task = the_task(dossier)
    assert task.spec.bpmn_id == "Task_ThuLy"
    assert task.assignee == office.specialist
    event = dossier.events.filter(action=EventAction.TASK_RETURNED).get()
    assert event.note == "Thiếu ý kiến thẩm định"


def test_request_supplement_waits_for_the_applicant_then_resumes_at_thu_ly(office) -> None:
    """A supplement request from "Thụ lý" runs the supplement flow (status 5); officers cannot act
    meanwhile; after the applicant supplements the dossier is PROCESSING again at "Thụ lý", with the
    same specialist and a restarted clock."""
    dossier = to_thu_ly(office)
    act(
        dossier,
        office.specialist,
        "request_supplement",
        items=[{"title": "Giấy chứng sinh", "reason": "Bản chụp mờ"}],
        note="Nộp bản rõ nét",
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert dossier.supplement_requests.get().items[0]["title"] == "Giấy chứng sinh"
    with pytest.raises(DossierError):
        act(dossier, office.specialist, "approve")
    later = WEDNESDAY_9AM + timedelta(days=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "now", lambda: later)
        services.supplement(dossier=dossier, actor=office.world.citizen, uploads=[pdf("bo-sung.pdf")])
    dossier.refresh_from_db()
    task = the_task(dossier)
    assert dossier.status == DossierStatus.PROCESSING
    assert task.spec.bpmn_id == "Task_ThuLy" and task.assignee == office.specialist
    assert task.started_at == later


def test_while_the_applicant_supplements_the_step_leaves_the_worklist_and_is_never_escalated(
    office,
) -> None:
    """Given "Thụ lý" asking for a supplement, when the applicant takes a week, then the reopened step
    is suspended: not in the specialist's worklist, and the SLA sweep a week later neither marks it
    overdue nor escalates it; after the supplement it is back in the worklist with its clock restarted."""
    from dichvucong.workflows.constants import SlaState
    from dichvucong.workflows.selectors import list_worklist
    from dichvucong.workflows.services import refresh_task_sla

    dossier = to_thu_ly(office)
    act(dossier, office.specialist, "request_supplement", items=[{"title": "Giấy chứng sinh", "reason": ""}])
    waiting = OpenTask.objects.get(subject_id=str(dossier.pk))
    assert waiting.suspended_at == WEDNESDAY_9AM
    assert not list_worklist(user=office.specialist).filter(pk=waiting.pk).exists()
    week_later = WEDNESDAY_9AM + timedelta(days=7)
    refresh_task_sla(now=week_later)
    waiting.refresh_from_db()
    assert waiting.sla_state != SlaState.OVERDUE and waiting.escalated_at is None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "now", lambda: week_later)
        services.supplement(dossier=dossier, actor=office.world.citizen, uploads=[pdf("bo-sung.pdf")])
    task = the_task(dossier)
    assert task.suspended_at is None and task.started_at == week_later
    assert task.due_at is not None and task.due_at > week_later
    assert list_worklist(user=office.specialist).filter(pk=task.pk).exists()


def test_a_supplement_asked_from_the_dossier_page_also_suspends_the_running_process(office) -> None:
    """The counter asks for a supplement outside the process (dossier page) while "Tiếp nhận" is open:
    the open step is suspended too, and resumed when the applicant supplements."""
    dossier = make_received(office.world)
    services.request_supplement(
        dossier=dossier, officer=office.counter, items=[{"title": "Bản sao CCCD", "reason": ""}]
    )
    assert OpenTask.objects.get(subject_id=str(dossier.pk)).suspended_at is not None
    services.supplement(dossier=dossier, actor=office.world.citizen, uploads=[pdf("cccd.pdf")])
    assert OpenTask.objects.get(subject_id=str(dossier.pk)).suspended_at is None


def test_withdrawal_cancels_the_process(office) -> None:
    """The applicant withdraws a dossier being processed: status 7, the process cancelled, no open task."""
    dossier = make_received(office.world)
    services.withdraw(dossier=dossier, actor=office.world.citizen, reason="Nộp nhầm")
    assert WorkflowInstance.objects.get(subject_id=str(dossier.pk)).status == WorkflowStatus.CANCELLED
    assert not processing.open_tasks(dossier)


def test_refusing_at_reception_starts_no_process(office) -> None:
    """A refused online dossier never had a process."""
    dossier = make_submitted(office.world)
    services.refuse(dossier=dossier, officer=office.counter, reason="Không thuộc thẩm quyền")
    assert not processing.has_workflow(dossier)


def test_without_any_process_the_dossier_is_handled_as_before(db) -> None:
    """No template loaded: receiving starts nothing and the manual resolve/return still works."""
    from dichvucong.dossiers.tests.factories import make_world

    world = make_world()
    dossier = make_received(world)
    assert not processing.has_workflow(dossier)
    services.attach_result(dossier=dossier, officer=world.officer, upload=pdf(), title="Kết quả")
    services.resolve(dossier=dossier, officer=world.officer)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED


def test_a_same_day_procedure_runs_the_same_day_template(office) -> None:
    """A procedure whose legal time is at most one working day gets ``mot-cua-trong-ngay``."""
    version = office.world.version
    version.options.update(duration=1)
    assert processing.process_version_for(version, 2).definition.key == "mot-cua-trong-ngay"
    version.options.update(duration=3)
    assert processing.process_version_for(version, 2).definition.key == "mot-cua-chung"


def test_a_procedure_version_keeps_its_own_process(office) -> None:
    """A procedure version pointing at a process version runs it, not the template."""
    from dichvucong.workflows.models import ProcessVersion

    same_day = ProcessVersion.objects.get(definition__key="mot-cua-trong-ngay", status="published")
    version = office.world.version
    version.process_version = same_day
    version.save(update_fields=["process_version"])
    dossier = make_received(office.world)
    assert WorkflowInstance.objects.get(subject_id=str(dossier.pk)).version == same_day


def test_refuse_action_stops_the_dossier_and_cancels_the_process(office) -> None:
    """A step with the "refuse" action stops the dossier (status 8) and closes its process; here the
    action is not in the template, so it is refused first."""
    dossier = make_received(office.world)
    with pytest.raises(DossierError):
        act(dossier, office.counter, "refuse", note="Không đủ điều kiện")
    the_task(dossier).spec.__class__.objects.filter(bpmn_id="Task_TiepNhan").update(
        actions=["approve", "refuse"]
    )
    act(dossier, office.counter, "refuse", note="Không đủ điều kiện")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.STOPPED
    assert WorkflowInstance.objects.get(subject_id=str(dossier.pk)).status == WorkflowStatus.CANCELLED
    assert Notification.objects.filter(recipient=office.world.citizen, template="dossier.stopped").exists()


# --- Mẫu 04: rescheduling --------------------------------------------------------------------------


def test_reschedule_moves_the_due_date_once_and_tells_the_applicant(office) -> None:
    """Mẫu 04: the new date is counted in working days after the old one; a second time is refused."""
    dossier = make_received(office.world)
    old_due = dossier.due_at
    slip = processing.reschedule(
        dossier=dossier, officer=office.specialist, reason="Chờ xác minh", extra_days=2
    )
    dossier.refresh_from_db()
    assert dossier.due_at == slip.new_due_at > old_due
    assert slip.old_due_at == old_due
    assert (
        Notification.objects.filter(recipient=office.world.citizen, template="dossier.rescheduled").count()
        == 1
    )
    assert EventAction.RESCHEDULED in _events(dossier)
    with pytest.raises(DossierError) as again:
        processing.reschedule(dossier=dossier, officer=office.specialist, reason="Lần nữa", extra_days=1)
    assert again.value.code == DossierErrorCode.ALREADY_DONE


def test_reschedule_needs_a_reason_and_an_officer_of_the_agency(office) -> None:
    dossier = make_received(office.world)
    with pytest.raises(DossierError):
        processing.reschedule(dossier=dossier, officer=office.specialist, reason="", extra_days=2)
    with pytest.raises(DossierError) as foreign:
        processing.reschedule(dossier=dossier, officer=office.foreign_specialist, reason="x", extra_days=2)
    assert foreign.value.code == DossierErrorCode.NOT_ALLOWED


# --- Mẫu 05: process-control rows from the event log -------------------------------------------------


def test_process_control_rows_follow_the_hand_overs(office) -> None:
    """Each hand-over of the event log is one row of Mẫu 05, with who gave it and whether on time."""
    dossier = to_thu_ly(office)
    rows = slips.process_control_rows(dossier)
    givers = [row.giver for row in rows]
    takers = [row.taker for row in rows]
    assert givers[0] == "Bộ phận tiếp nhận và trả kết quả"
    assert "Phân công thụ lý" in takers and "Thụ lý hồ sơ" in takers
    assert any("(Tiếp nhận hồ sơ)" in giver for giver in givers)
    assert {row.outcome for row in rows} <= {"Đúng hạn", "Trước hạn"}


def test_a_late_step_is_marked_overdue_in_mau_05(office) -> None:
    dossier = make_received(office.world)
    late = WEDNESDAY_9AM + timedelta(days=7)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "now", lambda: late)
        act(dossier, office.counter, "approve")
    row = next(r for r in slips.process_control_rows(dossier) if "(Tiếp nhận hồ sơ)" in r.giver)
    assert row.outcome == "Quá hạn"


# --- Liên thông ------------------------------------------------------------------------------------


def _transferred(office: Office) -> Dossier:
    dossier = to_thu_ly(office)
    act(dossier, office.specialist, "transfer", target_agency=office.world.other_agency, note="Xin ý kiến")
    return dossier


def test_transfer_hands_the_documents_over_with_their_hashes(office) -> None:
    """The transfer lists each file with its SHA-256, has its own deadline, and the task waits."""
    dossier = _transferred(office)
    transfer = dossier.transfers.get()
    assert transfer.status == TransferStatus.SENT
    assert transfer.to_agency == office.world.other_agency
    assert {item["sha256"] for item in transfer.documents} == set(
        dossier.documents.values_list("sha256", flat=True)
    )
    assert transfer.due_at is not None
    with pytest.raises(DossierError):
        act(dossier, office.specialist, "approve")


def test_the_receiving_agency_accepts_unchanged_files_and_returns_its_result(office) -> None:
    """Accepted after the hash check; the result comes back as a RESULT document of the same dossier
    and the specialist can go on."""
    dossier = _transferred(office)
    transfer = dossier.transfers.get()
    processing.accept_transfer(transfer=transfer, officer=office.foreign_specialist)
    processing.return_transfer(
        transfer=transfer, officer=office.foreign_specialist, upload=pdf("y-kien.pdf"), title="Văn bản ý kiến"
    )
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.RETURNED
    assert transfer.result_document.dossier == dossier
    assert transfer.result_document.kind == DocumentKind.RESULT
    act(dossier, office.specialist, "approve")
    assert the_task(dossier).spec.bpmn_id == "Task_TrinhPhong"


def test_a_changed_file_is_refused_loudly(office) -> None:
    """A file whose content changed after the hand-over: the transfer is refused, audited, and the
    officer is told which file."""
    from dichvucong.core.models import AuditEntry

    dossier = _transferred(office)
    transfer = dossier.transfers.get()
    document = dossier.documents.first()
    with document.file.open("wb") as handle:
        handle.write(b"%PDF-1.4 altered")
    with pytest.raises(DossierError) as error:
        processing.accept_transfer(transfer=transfer, officer=office.foreign_specialist)
    assert error.value.code == DossierErrorCode.FILE_REJECTED
    assert document.title in error.value.message or document.original_name in error.value.message
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REFUSED
    assert AuditEntry.objects.filter(action="dossier.transfer_hash_mismatch").exists()


def test_only_the_receiving_agency_accepts_a_transfer(office) -> None:
    dossier = _transferred(office)
    with pytest.raises(DossierError) as error:
        processing.accept_transfer(transfer=dossier.transfers.get(), officer=office.specialist)
    assert error.value.code == DossierErrorCode.NOT_ALLOWED


def test_counter_intake_starts_the_process_too(office) -> None:
    """A walk-in dossier recorded at the counter starts its process like an online one."""
    from dichvucong.dossiers.services import ApplicantData

    world = office.world
    dossier = services.record_counter_dossier(
        officer=office.counter,
        procedure_version=world.version,
        agency=world.agency,
        applicant=ApplicantData(name="Trần Văn Tư", id_number="079099000123"),
        form_data={"content": "Khai sinh"},
        uploads={},
    )
    task = the_task(dossier)
    assert task.spec.bpmn_id == "Task_TiepNhan" and task.assignee == office.counter


SHORT_PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:dvc="https://dichvucong.vn/schema/bpmn/1.0" id="Defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="Process_Ngan" isExecutable="true">
    <bpmn:startEvent id="Begin"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_TiepNhan" name="Tiếp nhận hồ sơ">
      <bpmn:extensionElements><dvc:taskRules stage="reception" role="counter_officer" agency="receiving"
        budgetHours="4" actions="approve"/></bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:userTask id="Task_ThuLy" name="Thụ lý hồ sơ">
      <bpmn:extensionElements><dvc:taskRules stage="processing" role="specialist" agency="receiving"
        budgetHours="16" actions="approve"/></bpmn:extensionElements>
      <bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="Finish"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Begin" targetRef="Task_TiepNhan"/>
    <bpmn:sequenceFlow id="F2" sourceRef="Task_TiepNhan" targetRef="Task_ThuLy"/>
    <bpmn:sequenceFlow id="F3" sourceRef="Task_ThuLy" targetRef="Finish"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_a_process_without_a_return_step_resolves_the_dossier_at_its_end(office) -> None:
    """Given a procedure whose process ends after "Thụ lý" (no return step drawn), when the last step
    is approved, then the dossier is resolved (not left processing forever) and the counter returns
    the result the usual way."""
    from dichvucong.workflows import services as workflow_services

    definition = workflow_services.create_process_definition(
        key="ngan-khong-tra", name="Quy trình ngắn", owner_agency=None, actor=None, bpmn_xml=SHORT_PROCESS
    )
    process = workflow_services.publish_process_version(version=definition.versions.get(), actor=None)
    version = office.world.version
    version.process_version = process
    version.save(update_fields=["process_version"])
    dossier = make_received(office.world)
    act(dossier, office.counter, "approve")
    processing.claim(dossier=dossier, task=the_task(dossier), officer=office.specialist)
    result = act(dossier, office.specialist, "approve")
    dossier.refresh_from_db()
    assert result.finished and dossier.status == DossierStatus.RESOLVED
    services.return_result(dossier=dossier, officer=office.counter, method=ReturnMethod.COUNTER)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
