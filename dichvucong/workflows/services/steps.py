"""Running workflows: start, complete a task, claim / assign / release, suspend / resume, cancel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dichvucong.accounts.constants import Role
from dichvucong.accounts.models import User
from dichvucong.agencies import workdays
from dichvucong.core import clock
from dichvucong.core.audit import record_audit
from dichvucong.workflows import engine
from dichvucong.workflows.constants import (
    ACTION_KEY,
    AgencyRule,
    ProcessVersionStatus,
    WorkflowErrorCode,
    WorkflowStatus,
)
from dichvucong.workflows.errors import WorkflowError
from dichvucong.workflows.models import (
    OpenTask,
    ProcessVersion,
    TaskSpec,
    WorkflowInstance,
)
from dichvucong.workflows.permissions import can_act_on, can_assign, is_candidate
from dichvucong.workflows.services.projection import (
    Closing,
    apply_step,
    clean_data,
    close_tasks,
    engine_call,
    set_deadline,
    sla_state_at,
)


@dataclass(frozen=True)
class StepResult:
    """What one completed task did: the step done, the action, the tasks opened, the end reached."""

    completed: TaskSpec
    action: str
    opened: list[OpenTask]
    finished: bool
    end_id: str | None


@transaction.atomic
def start_workflow(
    *,
    version: ProcessVersion,
    subject_type: str,
    subject_id: int | str,
    agencies: Mapping[str, int | None],
    data: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> list[OpenTask]:
    """Start ``version`` for a subject and open its first tasks (one workflow per subject, ever)."""
    now = now or clock.now()
    if version.status == ProcessVersionStatus.DRAFT:
        raise WorkflowError(
            _("Phiên bản quy trình chưa được ban hành."), code=WorkflowErrorCode.NOT_PUBLISHED
        )
    if not agencies.get(AgencyRule.RECEIVING):
        raise WorkflowError(_("Thiếu cơ quan tiếp nhận hồ sơ."), code=WorkflowErrorCode.AGENCY_UNRESOLVED)
    subject_id = str(subject_id)
    if WorkflowInstance.objects.filter(subject_type=subject_type, subject_id=subject_id).exists():
        raise WorkflowError(_("Hồ sơ đã có quy trình xử lý."), code=WorkflowErrorCode.ALREADY_STARTED)
    clean = clean_data(data)
    result = engine_call(
        engine.start,
        bpmn_xml=version.bpmn_xml,
        process_id=version.process_id,
        source_hash=version.source_hash,
        data=clean,
        now=now,
    )
    instance = WorkflowInstance(
        version=version,
        subject_type=subject_type,
        subject_id=subject_id,
        context={key: int(value) for key, value in agencies.items() if value},
        started_at=now,
    )
    try:
        with transaction.atomic():
            opened = apply_step(instance, result, now)
    except IntegrityError:
        raise WorkflowError(
            _("Hồ sơ đã có quy trình xử lý."), code=WorkflowErrorCode.ALREADY_STARTED
        ) from None
    record_audit(
        actor=None,
        action="workflow.start",
        target=instance,
        after={
            "subject": f"{subject_type}#{subject_id}",
            "version": f"{version.definition.key} v{version.number}",
            "opened": [t.spec.bpmn_id for t in opened],
        },
    )
    return opened


def _locked_task(task: OpenTask, *, allow_suspended: bool = False) -> tuple[WorkflowInstance, OpenTask]:
    instance = (
        WorkflowInstance.objects.select_for_update(of=("self",))
        .select_related("version")
        .filter(pk=task.instance_id)
        .first()
    )
    if instance is None or instance.status != WorkflowStatus.RUNNING:
        raise WorkflowError(_("Quy trình không còn đang xử lý."), code=WorkflowErrorCode.NOT_RUNNING)
    current = (
        OpenTask.objects.select_for_update(of=("self",)).select_related("spec").filter(pk=task.pk).first()
    )
    if current is None:
        raise WorkflowError(
            _("Bước “%(name)s” đã được xử lý, không thể thực hiện lại.") % {"name": task.name},
            code=WorkflowErrorCode.TASK_CLOSED,
        )
    if current.suspended_at is not None and not allow_suspended:
        raise WorkflowError(
            _("Bước “%(name)s” đang tạm dừng chờ người nộp bổ sung hồ sơ.") % {"name": current.name},
            code=WorkflowErrorCode.SUSPENDED,
        )
    return instance, current


def _refuse_actor(actor: User, task: OpenTask) -> None:
    if task.assignee_id is not None and task.assignee_id != actor.pk:
        raise WorkflowError(
            _("Bước “%(name)s” đã được giao cho cán bộ khác.") % {"name": task.name},
            code=WorkflowErrorCode.TASK_TAKEN,
        )
    raise WorkflowError(
        _("Bạn không có vai trò xử lý bước “%(name)s” tại cơ quan này.") % {"name": task.name},
        code=WorkflowErrorCode.NOT_ALLOWED,
    )


@transaction.atomic
def complete_task(
    *,
    task: OpenTask,
    actor: User | None,
    action: str,
    data: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> StepResult:
    """Complete an open task with one of its actions and open what follows, in one transaction.

    Refused: an action not among the task's ``actions``, an actor who may not act on it (not a
    candidate, or the task is someone else's), a task already done (double click, two officers).
    ``actor=None`` is the system acting for the subject's app (e.g. an applicant's online supplement).
    """
    now = now or clock.now()
    instance, current = _locked_task(task)
    spec = current.spec
    if action not in (spec.actions or []):
        raise WorkflowError(
            _("Thao tác “%(action)s” không được phép ở bước “%(name)s”.")
            % {"action": action, "name": current.name},
            code=WorkflowErrorCode.ACTION_NOT_ALLOWED,
        )
    if actor is not None and not can_act_on(actor, current):
        _refuse_actor(actor, current)
    clean = {**clean_data(data), ACTION_KEY: action}
    version = instance.version
    result = engine_call(
        engine.complete,
        bpmn_xml=version.bpmn_xml,
        process_id=version.process_id,
        source_hash=version.source_hash,
        state=instance.state,
        task_uuid=current.task_uuid,
        data=clean,
        now=now,
    )
    opened = apply_step(
        instance, result, now, Closing(task_uuid=current.task_uuid, actor=actor, action=action)
    )
    record_audit(
        actor=actor,
        action="workflow.complete_task",
        target=instance,
        after={
            "task": spec.bpmn_id,
            "action": action,
            "opened": [t.spec.bpmn_id for t in opened],
            "finished": result.finished,
            "end": result.end_id,
        },
    )
    return StepResult(
        completed=spec, action=action, opened=opened, finished=result.finished, end_id=result.end_id
    )


@transaction.atomic
def claim_task(*, task: OpenTask, actor: User) -> OpenTask:
    """The actor takes an unassigned task they are a candidate for (idempotent for its assignee)."""
    _instance, current = _locked_task(task)
    if current.assignee_id == actor.pk:
        return current
    if not can_act_on(actor, current):
        _refuse_actor(actor, current)
    current.assignee = actor
    current.claimed_at = clock.now()
    current.reminded_at = None
    current.save(update_fields=["assignee", "claimed_at", "reminded_at"])
    record_audit(actor=actor, action="workflow_task.claim", target=current, after={"assignee": actor.pk})
    return current


@transaction.atomic
def assign_task(*, task: OpenTask, assignee: User, actor: User) -> OpenTask:
    """A unit head (or above) of the task's agency hands it to a candidate officer (also reassigns)."""
    _instance, current = _locked_task(task, allow_suspended=True)
    if not can_assign(actor, current):
        raise WorkflowError(
            _("Chỉ lãnh đạo phòng trở lên của cơ quan xử lý mới được phân công."),
            code=WorkflowErrorCode.NOT_ALLOWED,
        )
    if not assignee.is_active or not is_candidate(assignee, current):
        raise WorkflowError(
            _("%(officer)s không có vai trò “%(role)s” tại cơ quan xử lý bước này.")
            % {"officer": assignee.display_name, "role": Role(current.candidate_role).label},
            code=WorkflowErrorCode.NOT_ALLOWED,
        )
    before = current.assignee_id
    current.assignee = assignee
    current.claimed_at = clock.now()
    current.reminded_at = None
    current.save(update_fields=["assignee", "claimed_at", "reminded_at"])
    record_audit(
        actor=actor,
        action="workflow_task.assign",
        target=current,
        before={"assignee": before},
        after={"assignee": assignee.pk},
    )
    return current


@transaction.atomic
def release_task(*, task: OpenTask, actor: User) -> OpenTask:
    """Give an assigned task back to the pool: its assignee, or someone who may assign it."""
    _instance, current = _locked_task(task, allow_suspended=True)
    if current.assignee_id is None:
        return current
    if current.assignee_id != actor.pk and not can_assign(actor, current):
        raise WorkflowError(
            _("Bạn không thể trả lại bước “%(name)s”.") % {"name": current.name},
            code=WorkflowErrorCode.NOT_ALLOWED,
        )
    before = current.assignee_id
    current.assignee = None
    current.claimed_at = None
    current.save(update_fields=["assignee", "claimed_at"])
    record_audit(actor=actor, action="workflow_task.release", target=current, before={"assignee": before})
    return current


@transaction.atomic
def restart_task_clock(
    *, subject_type: str, subject_id: int | str, now: dt.datetime | None = None
) -> list[OpenTask]:
    """Restart the deadlines of a subject's open tasks from ``now`` (e.g. when the applicant has
    supplemented: the reopened step counts again from zero). Reminders and escalations reset."""
    now = now or clock.now()
    tasks = list(
        OpenTask.objects.select_for_update(of=("self",))
        .select_related("spec")
        .filter(subject_type=subject_type, subject_id=str(subject_id))
    )
    for task in tasks:
        set_deadline(task, now, now)
        task.reminded_at = task.escalated_at = None
    OpenTask.objects.bulk_update(
        tasks, ["started_at", "due_at", "near_due_at", "sla_state", "reminded_at", "escalated_at"]
    )
    return tasks


@transaction.atomic
def suspend_tasks(
    *, subject_type: str, subject_id: int | str, now: dt.datetime | None = None
) -> list[OpenTask]:
    """Pause a subject's open tasks while the applicant supplements: they leave worklists and SLA
    sweeps, and cannot be acted on, until ``resume_tasks``."""
    now = now or clock.now()
    tasks = list(
        OpenTask.objects.select_for_update(of=("self",)).filter(
            subject_type=subject_type, subject_id=str(subject_id), suspended_at__isnull=True
        )
    )
    for task in tasks:
        task.suspended_at = now
    OpenTask.objects.bulk_update(tasks, ["suspended_at"])
    if tasks:
        record_audit(
            actor=None,
            action="workflow.suspend_tasks",
            target_type="workflows.workflowinstance",
            target_id=str(tasks[0].instance_id),
            after={"tasks": [t.task_uuid for t in tasks]},
        )
    return tasks


@transaction.atomic
def resume_tasks(
    *, subject_type: str, subject_id: int | str, restart: bool = True, now: dt.datetime | None = None
) -> list[OpenTask]:
    """Resume suspended tasks. ``restart`` (the law's default): deadlines count again from ``now``;
    otherwise (pause policy) they move later by the working time spent suspended."""
    now = now or clock.now()
    tasks = list(
        OpenTask.objects.select_for_update(of=("self",))
        .select_related("spec")
        .filter(subject_type=subject_type, subject_id=str(subject_id), suspended_at__isnull=False)
    )
    for task in tasks:
        paused_at = task.suspended_at
        task.suspended_at = None
        if restart or task.due_at is None or paused_at is None:
            set_deadline(task, now, now)
            task.reminded_at = task.escalated_at = None
        else:
            agency = task.candidate_agency
            shifted = workdays.resume_due_at(agency, task.due_at, paused_at=paused_at, resumed_at=now)
            if task.near_due_at is not None:
                task.near_due_at = workdays.resume_due_at(
                    agency, task.near_due_at, paused_at=paused_at, resumed_at=now
                )
            task.due_at = shifted
            task.sla_state = sla_state_at(task, now)
    OpenTask.objects.bulk_update(
        tasks,
        ["suspended_at", "started_at", "due_at", "near_due_at", "sla_state", "reminded_at", "escalated_at"],
    )
    if tasks:
        record_audit(
            actor=None,
            action="workflow.resume_tasks",
            target_type="workflows.workflowinstance",
            target_id=str(tasks[0].instance_id),
            after={"tasks": [t.task_uuid for t in tasks], "restart": restart},
        )
    return tasks


@transaction.atomic
def cancel_workflow(*, subject_type: str, subject_id: int | str, actor: User | None) -> WorkflowInstance:
    """Stop a subject's running workflow (withdrawn, refused): its open tasks disappear."""
    instance = (
        WorkflowInstance.objects.select_for_update(of=("self",))
        .filter(subject_type=subject_type, subject_id=str(subject_id))
        .first()
    )
    if instance is None or instance.status != WorkflowStatus.RUNNING:
        raise WorkflowError(_("Quy trình không còn đang xử lý."), code=WorkflowErrorCode.NOT_RUNNING)
    now = clock.now()
    tasks = list(instance.open_tasks.select_related("spec"))
    closed = [task.spec.bpmn_id for task in tasks]
    close_tasks(tasks, now)
    instance.status = WorkflowStatus.CANCELLED
    instance.completed_at = now
    instance.updated_at = now
    instance.next_timer_at = None
    instance.save(update_fields=["status", "completed_at", "updated_at", "next_timer_at"])
    record_audit(actor=actor, action="workflow.cancel", target=instance, after={"closed": closed})
    return instance
