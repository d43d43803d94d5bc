"""The open-task projection and task deadlines: rewritten in the transaction of every engine step.

Agency rules: ``receiving``, ``field_owner`` and ``parent`` come from the ``agencies`` mapping given to
``start_workflow``; a missing ``field_owner`` or ``parent`` falls back to the receiving agency;
``code:<QCVN code>`` is looked up when the task opens. Deadlines: ``budgetHours`` working hours on the
task agency's calendar; near due from 1 working day or 20 % of the allowed time before (SPEC-VN).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from dichvucong.accounts.models import User
from dichvucong.agencies import workdays
from dichvucong.agencies.constants import SlaState
from dichvucong.agencies.models import Agency
from dichvucong.workflows import engine
from dichvucong.workflows.constants import (
    AGENCY_CODE_PREFIX,
    AgencyRule,
    WorkflowErrorCode,
    WorkflowStatus,
)
from dichvucong.workflows.errors import WorkflowError
from dichvucong.workflows.models import (
    CompletedTask,
    OpenTask,
    WorkflowInstance,
)

_MAX_DATA_CHARS = 20_000

# --- Running workflows --------------------------------------------------------------------------


def resolve_agency_id(instance: WorkflowInstance, rule: str) -> int:
    context = instance.context or {}
    receiving = context.get(AgencyRule.RECEIVING)
    if rule.startswith(AGENCY_CODE_PREFIX):
        found = (
            Agency.objects.filter(code=rule[len(AGENCY_CODE_PREFIX) :]).values_list("pk", flat=True).first()
        )
        if found is not None:
            return int(found)
        raise WorkflowError(
            _("Không có cơ quan mã “%(code)s”.") % {"code": rule[len(AGENCY_CODE_PREFIX) :]},
            code=WorkflowErrorCode.AGENCY_UNRESOLVED,
        )
    value = context.get(rule) or receiving
    if not value:
        raise WorkflowError(AgencyRule.RECEIVING.label, code=WorkflowErrorCode.AGENCY_UNRESOLVED)
    return int(value)


def near_due_instant(agency_id: int, started: dt.datetime, due: dt.datetime) -> dt.datetime:
    """The instant from which the task is "near due" (SPEC-VN: 1 working day or 20 %, whichever larger)."""
    allowed = workdays.working_time_between(agency_id, started, due)
    threshold = workdays.near_due_threshold(started, due, agency=agency_id)
    if allowed <= threshold:
        return started
    return workdays.add_working_hours(
        agency_id, started, Decimal((allowed - threshold).total_seconds()) / 3600
    )


def sla_state_at(task: OpenTask, now: dt.datetime) -> str:
    if task.due_at is None:
        return SlaState.ON_TIME
    if now > task.due_at:
        return SlaState.OVERDUE
    if task.near_due_at is not None and now >= task.near_due_at:
        return SlaState.NEAR_DUE
    return SlaState.ON_TIME


def set_deadline(task: OpenTask, started: dt.datetime, now: dt.datetime) -> None:
    task.started_at = started
    budget = task.spec.budget_hours
    if budget:
        task.due_at = workdays.add_working_hours(task.candidate_agency_id, started, budget)
        task.near_due_at = near_due_instant(task.candidate_agency_id, started, task.due_at)
    else:
        task.due_at = task.near_due_at = None
    task.sla_state = sla_state_at(task, now)


@dataclass(frozen=True)
class Closing:
    """Who closed which open task with what action (the step being applied)."""

    task_uuid: str
    actor: User | None
    action: str


def close_tasks(tasks: list[OpenTask], now: dt.datetime, closing: Closing | None = None) -> None:
    """Move open tasks to the ``CompletedTask`` log (the one ``closing`` names gets its actor and
    action; others were closed by the engine: a timer, a cancellation) and delete their rows."""
    CompletedTask.objects.bulk_create(
        CompletedTask(
            instance_id=task.instance_id,
            subject_type=task.subject_type,
            subject_id=task.subject_id,
            task_uuid=task.task_uuid,
            spec_id=task.spec_id,
            name=task.name,
            stage=task.stage,
            candidate_role=task.candidate_role,
            candidate_agency_id=task.candidate_agency_id,
            actor=closing.actor if closing and closing.task_uuid == task.task_uuid else None,
            action=closing.action if closing and closing.task_uuid == task.task_uuid else "",
            started_at=task.started_at,
            completed_at=now,
            due_at=task.due_at,
            sla_state=SlaState.OVERDUE if task.due_at is not None and now > task.due_at else SlaState.ON_TIME,
        )
        for task in tasks
    )
    OpenTask.objects.filter(pk__in=[task.pk for task in tasks]).delete()


def sync_projection(
    instance: WorkflowInstance,
    ready: list[engine.ReadyTask],
    now: dt.datetime,
    closing: Closing | None = None,
) -> list[OpenTask]:
    """Make the instance's ``OpenTask`` rows exactly the engine's ready user tasks; returns new rows."""
    wanted = {r.uuid for r in ready}
    current = list(OpenTask.objects.filter(instance=instance)) if instance.pk else []
    existing = {task.task_uuid for task in current}
    close_tasks([task for task in current if task.task_uuid not in wanted], now, closing)
    specs = {s.bpmn_id: s for s in instance.version.task_specs.all()}
    opened: list[OpenTask] = []
    for item in ready:
        if item.uuid in existing:
            continue
        spec = specs.get(item.bpmn_id)
        if spec is None:
            raise WorkflowError(
                _("Bước “%(id)s” không có trong phiên bản quy trình.") % {"id": item.bpmn_id},
                code=WorkflowErrorCode.ENGINE,
            )
        task = OpenTask(
            instance=instance,
            subject_type=instance.subject_type,
            subject_id=instance.subject_id,
            task_uuid=item.uuid,
            spec=spec,
            name=(item.name or spec.name)[:300],
            stage=spec.stage,
            candidate_role=spec.role,
            candidate_agency_id=resolve_agency_id(instance, spec.agency_rule),
        )
        set_deadline(task, now, now)
        opened.append(task)
    OpenTask.objects.bulk_create(opened)
    return opened


def apply_step(
    instance: WorkflowInstance, result: engine.EngineState, now: dt.datetime, closing: Closing | None = None
) -> list[OpenTask]:
    """Store the engine's new state on the instance and rewrite its open tasks (same transaction)."""
    instance.state = result.state
    instance.serializer_version = result.serializer_version
    instance.next_timer_at = result.next_timer_at
    instance.updated_at = now
    if result.finished:
        instance.status = WorkflowStatus.COMPLETED
        instance.completed_at = now
    if instance.pk is None:
        instance.save()
    else:
        instance.save(
            update_fields=[
                "state",
                "serializer_version",
                "next_timer_at",
                "updated_at",
                "status",
                "completed_at",
            ]
        )
    return sync_projection(instance, result.ready, now, closing)


def engine_call(call: Any, **kwargs: Any) -> engine.EngineState:
    try:
        return call(**kwargs)
    except engine.EngineError as exc:
        if exc.no_route:
            raise WorkflowError(
                _("Quy trình không có nhánh nào phù hợp với thao tác này: %(error)s")
                % {"error": exc.message},
                code=WorkflowErrorCode.NO_ROUTE,
            ) from None
        raise WorkflowError(
            _("Bộ máy quy trình báo lỗi: %(error)s") % {"error": exc.message}, code=WorkflowErrorCode.ENGINE
        ) from None


def clean_data(data: Mapping[str, Any] | None) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, Mapping) or not all(
        isinstance(k, str) and k and not k.startswith("_") for k in data
    ):
        raise WorkflowError(
            _("Dữ liệu của bước phải là các cặp khoá–giá trị, khoá không bắt đầu bằng “_”."),
            code=WorkflowErrorCode.INVALID,
        )
    try:
        size = len(json.dumps(dict(data)))
    except (TypeError, ValueError):
        raise WorkflowError(_("Dữ liệu của bước phải ở dạng JSON."), code=WorkflowErrorCode.INVALID) from None
    if size > _MAX_DATA_CHARS:
        raise WorkflowError(_("Dữ liệu của bước quá lớn."), code=WorkflowErrorCode.INVALID)
    return dict(data)
