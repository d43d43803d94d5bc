"""Running the shipped templates through ``start_workflow`` / ``complete_task`` and the task rules."""

from __future__ import annotations

import pytest

from dichvucong.agencies.constants import SlaState
from dichvucong.core.models import AuditEntry
from dichvucong.workflows.constants import WorkflowErrorCode, WorkflowStatus
from dichvucong.workflows.errors import WorkflowError
from dichvucong.workflows.models import CompletedTask, OpenTask, ProcessVersion, WorkflowInstance
from dichvucong.workflows.selectors import (
    get_draft_version,
    get_open_tasks,
    get_workflow_progress,
    list_worklist,
)
from dichvucong.workflows.services import (
    assign_task,
    cancel_workflow,
    claim_task,
    complete_task,
    create_process_definition,
    publish_process_version,
    release_task,
    restart_task_clock,
    resume_tasks,
    start_workflow,
    suspend_tasks,
)
from dichvucong.workflows.tests.bpmn_samples import with_gateway
from dichvucong.workflows.tests.conftest import MONDAY_8, SUBJECT, City, at, only, start


def advance(task: OpenTask, actor, action: str, **kwargs) -> OpenTask:
    """Complete ``task`` and return the single task it opened."""
    return only(complete_task(task=task, actor=actor, action=action, now=MONDAY_8, **kwargs).opened)


def test_start_opens_reception_at_the_receiving_agency_with_a_working_hours_deadline(
    city: City, common: ProcessVersion
) -> None:
    """Starting the common flow opens "Tiếp nhận" for counter officers of the receiving agency,
    due 4 working hours later (08:00–11:30 is 3.5 h, then 30 min after lunch: 13:30)."""
    task = only(start(common, city))
    assert task.spec.bpmn_id == "Task_TiepNhan"
    assert task.candidate_role == "counter_officer"
    assert task.candidate_agency == city.department
    assert task.stage == "reception"
    assert task.started_at == MONDAY_8
    assert task.due_at == at(2026, 3, 2, 13, 30)
    instance = task.instance
    assert instance.status == WorkflowStatus.RUNNING
    assert instance.serializer_version.startswith("spiff-")
    assert "spec" not in instance.state


def test_approve_path_runs_to_the_end(city: City, common: ProcessVersion) -> None:
    """Approving every step runs tiếp nhận → … → trả kết quả and ends the workflow."""
    task = only(start(common, city))
    task = advance(task, city.counter, "approve")
    assert (task.spec.bpmn_id, task.candidate_role) == ("Task_PhanCong", "unit_head")
    task = advance(task, city.unit_head, "approve")
    assert task.spec.bpmn_id == "Task_ThuLy"
    task = advance(task, city.specialist, "approve")
    assert task.spec.bpmn_id == "Task_TrinhPhong"
    task = advance(task, city.unit_head, "approve")
    assert (task.spec.bpmn_id, task.candidate_role) == ("Task_LanhDaoKy", "agency_leader")
    task = advance(task, city.leader, "sign")
    assert (task.spec.bpmn_id, task.stage) == ("Task_TraKetQua", "return")
    result = complete_task(task=task, actor=city.counter, action="return_result", now=MONDAY_8)
    assert result.finished
    assert result.end_id == "EndEvent_DaTra"
    assert result.opened == []
    instance = WorkflowInstance.objects.get(pk=task.instance_id)
    assert instance.status == WorkflowStatus.COMPLETED
    assert not OpenTask.objects.filter(instance=instance).exists()


def test_return_previous_goes_back_one_step(city: City, common: ProcessVersion) -> None:
    """ "Trả lại" at the unit head's review reopens thụ lý as a new task."""
    task = advance(only(start(common, city)), city.counter, "approve")
    task = advance(task, city.unit_head, "approve")
    first_thu_ly = task.task_uuid
    task = advance(task, city.specialist, "approve")
    back = advance(task, city.unit_head, "return_previous")
    assert back.spec.bpmn_id == "Task_ThuLy"
    assert back.task_uuid != first_thu_ly


def test_request_supplement_reopens_thu_ly_and_the_clock_restarts_on_supplement(
    city: City, common: ProcessVersion
) -> None:
    """Bổ sung: the same step opens again; ``restart_task_clock`` counts its deadline from the supplement."""
    task = advance(advance(only(start(common, city)), city.counter, "approve"), city.unit_head, "approve")
    again = advance(task, city.specialist, "request_supplement")
    assert again.spec.bpmn_id == "Task_ThuLy"
    supplemented = at(2026, 3, 9, 8, 0)
    (restarted,) = restart_task_clock(subject_type=SUBJECT, subject_id=again.subject_id, now=supplemented)
    assert restarted.started_at == supplemented
    assert restarted.due_at == at(2026, 3, 16, 8, 0)  # 40 h = 5 working days: same clock time
    assert restarted.sla_state == SlaState.ON_TIME


def test_transfer_goes_to_the_field_owner_and_comes_back(city: City, common: ProcessVersion) -> None:
    """Chuyển liên thông: the field owner's specialist handles it, then thụ lý resumes at home."""
    task = advance(advance(only(start(common, city)), city.counter, "approve"), city.unit_head, "approve")
    away = advance(task, city.specialist, "transfer")
    assert away.spec.bpmn_id == "Task_LienThong"
    assert away.candidate_agency == city.field_owner
    with pytest.raises(WorkflowError) as refused:
        complete_task(task=away, actor=city.specialist, action="approve")
    assert refused.value.code == WorkflowErrorCode.NOT_ALLOWED
    home = advance(away, city.owner_specialist, "approve")
    assert (home.spec.bpmn_id, home.candidate_agency) == ("Task_ThuLy", city.department)


def test_lien_thong_template_hands_over_and_back(city: City, templates: dict[str, ProcessVersion]) -> None:
    """The inter-agency template: receiving agency → field owner (processing, approval) → receiving."""
    task = only(start(templates["lien-thong"], city))
    task = advance(task, city.counter, "approve")
    assert task.candidate_agency == city.field_owner
    task = advance(task, city.owner_specialist, "approve")
    assert (task.spec.bpmn_id, task.candidate_agency) == ("Task_PheDuyet", city.field_owner)


def test_same_day_template_budgets_sum_to_one_working_day(
    city: City, templates: dict[str, ProcessVersion]
) -> None:
    """The same-day ward flow: three steps, 8 working hours in total."""
    version = templates["mot-cua-trong-ngay"]
    assert version.total_budget_hours == 8
    task = advance(only(start(version, city)), city.counter, "approve")
    assert (task.spec.bpmn_id, task.candidate_role) == ("Task_ThuLyVaKy", "agency_leader")
    task = advance(task, city.leader, "sign")
    assert task.spec.bpmn_id == "Task_TraKetQua"


def test_an_action_the_task_does_not_offer_is_refused(city: City, common: ProcessVersion) -> None:
    """ "sign" is not an action of reception: refused, nothing changes."""
    task = only(start(common, city))
    with pytest.raises(WorkflowError) as refused:
        complete_task(task=task, actor=city.counter, action="sign")
    assert refused.value.code == WorkflowErrorCode.ACTION_NOT_ALLOWED
    assert list(get_open_tasks(subject_type=SUBJECT, subject_id=task.subject_id)) == [task]


def test_an_officer_without_the_role_may_not_act(city: City, common: ProcessVersion) -> None:
    """A specialist cannot complete the counter officer's reception."""
    task = only(start(common, city))
    with pytest.raises(WorkflowError) as refused:
        complete_task(task=task, actor=city.specialist, action="approve")
    assert refused.value.code == WorkflowErrorCode.NOT_ALLOWED


def test_acting_twice_is_refused_without_a_state_change(city: City, common: ProcessVersion) -> None:
    """A double click: the second completion of the same task finds it closed; state unchanged."""
    task = only(start(common, city))
    complete_task(task=task, actor=city.counter, action="approve")
    state = WorkflowInstance.objects.get(pk=task.instance_id).state
    with pytest.raises(WorkflowError) as refused:
        complete_task(task=task, actor=city.counter, action="approve")
    assert refused.value.code == WorkflowErrorCode.TASK_CLOSED
    assert WorkflowInstance.objects.get(pk=task.instance_id).state == state


def test_claimed_task_belongs_to_its_assignee(city: City, common: ProcessVersion) -> None:
    """After one specialist claims thụ lý, another is refused; the first may complete it."""
    task = advance(advance(only(start(common, city)), city.counter, "approve"), city.unit_head, "approve")
    claimed = claim_task(task=task, actor=city.specialist)
    assert claimed.assignee == city.specialist
    with pytest.raises(WorkflowError) as refused:
        claim_task(task=task, actor=city.other_specialist)
    assert refused.value.code == WorkflowErrorCode.TASK_TAKEN
    with pytest.raises(WorkflowError):
        complete_task(task=task, actor=city.other_specialist, action="approve")
    complete_task(task=task, actor=city.specialist, action="approve")


def test_unit_head_assigns_and_reassigns_only_to_candidates(city: City, common: ProcessVersion) -> None:
    """A unit head assigns thụ lý to a specialist, reassigns it, and cannot give it to a counter officer."""
    task = advance(advance(only(start(common, city)), city.counter, "approve"), city.unit_head, "approve")
    assert assign_task(task=task, assignee=city.specialist, actor=city.unit_head).assignee == city.specialist
    assert assign_task(task=task, assignee=city.other_specialist, actor=city.unit_head).assignee == (
        city.other_specialist
    )
    with pytest.raises(WorkflowError) as refused:
        assign_task(task=task, assignee=city.counter, actor=city.unit_head)
    assert refused.value.code == WorkflowErrorCode.NOT_ALLOWED
    with pytest.raises(WorkflowError):
        assign_task(task=task, assignee=city.specialist, actor=city.specialist)


def test_release_returns_the_task_to_the_pool(city: City, common: ProcessVersion) -> None:
    """The assignee releases a task; then another candidate may claim it."""
    task = advance(advance(only(start(common, city)), city.counter, "approve"), city.unit_head, "approve")
    claim_task(task=task, actor=city.specialist)
    assert release_task(task=task, actor=city.specialist).assignee is None
    assert claim_task(task=task, actor=city.other_specialist).assignee == city.other_specialist


def test_cancel_removes_open_tasks(city: City, common: ProcessVersion) -> None:
    """Cancelling a workflow (dossier withdrawn) empties its worklist rows; acting then is refused."""
    task = only(start(common, city))
    cancel_workflow(subject_type=SUBJECT, subject_id=task.subject_id, actor=None)
    assert not get_open_tasks(subject_type=SUBJECT, subject_id=task.subject_id).exists()
    assert WorkflowInstance.objects.get(pk=task.instance_id).status == WorkflowStatus.CANCELLED
    with pytest.raises(WorkflowError) as refused:
        complete_task(task=task, actor=city.counter, action="approve")
    assert refused.value.code == WorkflowErrorCode.NOT_RUNNING


def test_one_workflow_per_subject(city: City, common: ProcessVersion) -> None:
    """Starting a second workflow for the same subject is refused."""
    task = only(start(common, city))
    with pytest.raises(WorkflowError) as refused:
        start_workflow(
            version=common, subject_type=SUBJECT, subject_id=task.subject_id, agencies=city.agencies
        )
    assert refused.value.code == WorkflowErrorCode.ALREADY_STARTED


def test_steps_are_audited(city: City, common: ProcessVersion) -> None:
    """Start and each completion append an audit entry naming the task and the action."""
    task = only(start(common, city))
    complete_task(task=task, actor=city.counter, action="approve")
    entry = AuditEntry.objects.filter(action="workflow.complete_task").latest("sequence")
    assert entry.actor_id == city.counter.pk
    assert AuditEntry.objects.filter(action="workflow.start").exists()


def test_task_data_reaches_conditions_but_keys_with_underscore_are_refused(
    city: City, common: ProcessVersion
) -> None:
    """Caller data is stored with the action; private-looking keys are refused."""
    task = only(start(common, city))
    with pytest.raises(WorkflowError) as refused:
        complete_task(task=task, actor=city.counter, action="approve", data={"__class__": 1})
    assert refused.value.code == WorkflowErrorCode.INVALID
    complete_task(task=task, actor=city.counter, action="approve", data={"note": "đủ hồ sơ"})


def test_supplement_suspends_the_reopened_task_until_the_applicant_supplements(
    city: City, common: ProcessVersion
) -> None:
    """While suspended the task is out of worklists and cannot be acted on; resuming restarts its clock."""
    task = advance(advance(only(start(common, city)), city.counter, "approve"), city.unit_head, "approve")
    again = advance(task, city.specialist, "request_supplement")
    (paused,) = suspend_tasks(subject_type=SUBJECT, subject_id=again.subject_id, now=at(2026, 3, 2, 9, 0))
    assert paused.suspended_at == at(2026, 3, 2, 9, 0)
    assert again not in list_worklist(user=city.specialist)
    with pytest.raises(WorkflowError) as refused:
        complete_task(task=again, actor=city.specialist, action="approve")
    assert refused.value.code == WorkflowErrorCode.SUSPENDED
    (resumed,) = resume_tasks(subject_type=SUBJECT, subject_id=again.subject_id, now=at(2026, 3, 4, 8, 0))
    assert (resumed.suspended_at, resumed.started_at) == (None, at(2026, 3, 4, 8, 0))
    assert resumed.due_at == at(2026, 3, 11, 8, 0)
    assert again in list_worklist(user=city.specialist)


def test_resume_with_the_pause_policy_moves_the_deadline_by_the_time_suspended(
    city: City, common: ProcessVersion
) -> None:
    """Pause policy: two whole working days suspended push the deadline two working days later."""
    task = advance(advance(only(start(common, city)), city.counter, "approve"), city.unit_head, "approve")
    assert task.due_at == at(2026, 3, 9, 8, 0)
    suspend_tasks(subject_type=SUBJECT, subject_id=task.subject_id, now=at(2026, 3, 3, 7, 30))
    (resumed,) = resume_tasks(
        subject_type=SUBJECT, subject_id=task.subject_id, restart=False, now=at(2026, 3, 5, 7, 30)
    )
    assert resumed.due_at == at(2026, 3, 11, 8, 0)
    assert resumed.started_at == MONDAY_8


def test_an_action_no_branch_accepts_is_refused_without_a_state_change(city: City) -> None:
    """A condition that also needs data the step did not give: no branch, refused, nothing changes."""
    xml = with_gateway(condition_approve='action == "approve" and checked')
    definition = create_process_definition(
        key="khong-nhanh", name="X", owner_agency=None, actor=None, bpmn_xml=xml
    )
    version = publish_process_version(version=get_draft_version(definition=definition), actor=None)
    task = only(start(version, city))
    state = WorkflowInstance.objects.get(pk=task.instance_id).state
    with pytest.raises(WorkflowError) as refused:
        complete_task(task=task, actor=city.specialist, action="approve")
    assert refused.value.code == WorkflowErrorCode.NO_ROUTE
    assert WorkflowInstance.objects.get(pk=task.instance_id).state == state
    assert OpenTask.objects.filter(pk=task.pk).exists()
    step = complete_task(task=task, actor=city.specialist, action="approve", data={"checked": True})
    assert only(step.opened).spec.bpmn_id == "Task_B"


def test_each_closed_step_is_logged_for_the_progress_view(city: City, common: ProcessVersion) -> None:
    """Completed steps are kept in order with their actor and action; the progress view shows them."""
    task = only(start(common, city))
    nxt = advance(task, city.counter, "approve")
    complete_task(task=nxt, actor=city.unit_head, action="approve", now=at(2026, 3, 2, 14, 0))
    progress = get_workflow_progress(subject_type=SUBJECT, subject_id=task.subject_id)
    assert [(s.bpmn_id, s.actor, s.action) for s in progress.completed] == [
        ("Task_TiepNhan", city.counter, "approve"),
        ("Task_PhanCong", city.unit_head, "approve"),
    ]
    assert progress.completed[1].working_hours == 4.5  # 08:00–11:30 and 13:00–14:00
    assert progress.current_ids == {"Task_ThuLy"}
    assert progress.done_ids == {"Task_TiepNhan", "Task_PhanCong"}
    assert "Process_MotCuaChung" in progress.bpmn_xml


def test_cancelled_open_steps_are_logged_without_an_action(city: City, common: ProcessVersion) -> None:
    """A cancellation closes the open step with an empty action."""
    task = only(start(common, city))
    cancel_workflow(subject_type=SUBJECT, subject_id=task.subject_id, actor=city.unit_head)
    (step,) = CompletedTask.objects.filter(subject_type=SUBJECT, subject_id=task.subject_id)
    assert (step.spec.bpmn_id, step.action, step.actor) == ("Task_TiepNhan", "", None)
