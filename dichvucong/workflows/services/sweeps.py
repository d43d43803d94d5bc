"""Beat sweeps: SLA colours with one-time reminders and escalations, and BPMN timers that are due."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from dichvucong.accounts.constants import Role
from dichvucong.accounts.models import User
from dichvucong.agencies.constants import SlaState
from dichvucong.agencies.models import Assignment
from dichvucong.core import clock
from dichvucong.core.audit import record_audit
from dichvucong.notifications.services import notify
from dichvucong.workflows import engine
from dichvucong.workflows.constants import (
    WorkflowStatus,
)
from dichvucong.workflows.errors import WorkflowError
from dichvucong.workflows.hooks import describe_subject
from dichvucong.workflows.models import (
    OpenTask,
    WorkflowInstance,
)
from dichvucong.workflows.services.projection import apply_step, engine_call

logger = logging.getLogger("dichvucong.workflows.services")

_SWEEP_BATCH = 500

# --- Sweeps (Celery beat) -----------------------------------------------------------------------


def _local(at: dt.datetime | None) -> str:
    return timezone.localtime(at).strftime("%d/%m/%Y %H:%M") if at else ""


def _notify_task(task: OpenTask, recipient: User, template: str, key: str) -> None:
    subject = describe_subject(task.subject_type, task.subject_id)
    context: dict[str, Any] = {
        "task_name": task.name,
        "subject_label": subject.label,
        "agency_name": task.candidate_agency.name,
        "due_at": _local(task.due_at),
    }
    if template == "workflows.task_overdue":
        context["assignee_name"] = task.assignee.display_name if task.assignee else ""
    notify(recipient=recipient, template=template, context=context, link=subject.link, idempotency_key=key)


# Who hears of an overdue task: the first level above its candidates with anybody at the agency
# (an agency leader's own task goes to the agency leaders: nobody is above them inside the agency).
_ESCALATION_LEVELS: dict[str, tuple[str, ...]] = {
    Role.UNIT_HEAD: (Role.AGENCY_LEADER,),
    Role.AGENCY_LEADER: (Role.AGENCY_LEADER,),
}
_DEFAULT_LEVELS = (Role.UNIT_HEAD, Role.AGENCY_LEADER)


def _escalation_recipients(agency_id: int, candidate_role: str) -> list[User]:
    levels = _ESCALATION_LEVELS.get(candidate_role, _DEFAULT_LEVELS)
    for role in levels:
        users = list(
            User.objects.filter(
                pk__in=Assignment.objects.filter(agency_id=agency_id, role=role, active=True).values(
                    "user_id"
                ),
                is_active=True,
            ).order_by("pk")
        )
        if users:
            return users
    return []


def refresh_task_sla(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Recompute SLA states; remind the assignee once when near due; escalate once when overdue to
    the level above the task's candidates at its agency (unit heads, else agency leaders; the
    agency leaders for unit heads' and leaders' own tasks). Idempotent."""
    now = now or clock.now()
    with transaction.atomic():
        running = OpenTask.objects.filter(suspended_at__isnull=True)
        overdue = (
            running.filter(due_at__lt=now)
            .exclude(sla_state=SlaState.OVERDUE)
            .update(sla_state=SlaState.OVERDUE)
        )
        near_due = running.filter(sla_state=SlaState.ON_TIME, near_due_at__lte=now, due_at__gte=now).update(
            sla_state=SlaState.NEAR_DUE
        )
    reminded = escalated = 0
    to_remind = OpenTask.objects.filter(
        sla_state=SlaState.NEAR_DUE,
        assignee__isnull=False,
        reminded_at__isnull=True,
        suspended_at__isnull=True,
    ).select_related("assignee", "candidate_agency")
    for task in to_remind[:_SWEEP_BATCH]:
        with transaction.atomic():
            assert task.assignee is not None
            _notify_task(
                task, task.assignee, "workflows.task_near_due", f"workflow-task-{task.task_uuid}-near-due"
            )
            OpenTask.objects.filter(pk=task.pk).update(reminded_at=now)
            reminded += 1
    to_escalate = OpenTask.objects.filter(
        sla_state=SlaState.OVERDUE, escalated_at__isnull=True, suspended_at__isnull=True
    ).select_related("assignee", "candidate_agency")
    for task in to_escalate[:_SWEEP_BATCH]:
        with transaction.atomic():
            for recipient in _escalation_recipients(task.candidate_agency_id, task.candidate_role):
                _notify_task(
                    task, recipient, "workflows.task_overdue", f"workflow-task-{task.task_uuid}-overdue"
                )
            OpenTask.objects.filter(pk=task.pk).update(escalated_at=now)
            escalated += 1
    return {"overdue": overdue, "near_due": near_due, "reminded": reminded, "escalated": escalated}


def fire_due_timers(*, now: dt.datetime | None = None) -> int:
    """Advance the running workflows whose next timer is due; returns how many were advanced."""
    now = now or clock.now()
    due = list(
        WorkflowInstance.objects.filter(status=WorkflowStatus.RUNNING, next_timer_at__lte=now)
        .order_by("next_timer_at")
        .values_list("pk", flat=True)[:_SWEEP_BATCH]
    )
    fired = 0
    for pk in due:
        try:
            with transaction.atomic():
                instance = (
                    WorkflowInstance.objects.select_for_update(of=("self",))
                    .select_related("version")
                    .get(pk=pk)
                )
                if (
                    instance.status != WorkflowStatus.RUNNING
                    or instance.next_timer_at is None
                    or instance.next_timer_at > now
                ):
                    continue
                version = instance.version
                result = engine_call(
                    engine.refresh_timers,
                    bpmn_xml=version.bpmn_xml,
                    process_id=version.process_id,
                    source_hash=version.source_hash,
                    state=instance.state,
                    now=now,
                )
                opened = apply_step(instance, result, now)
                record_audit(
                    actor=None,
                    action="workflow.fire_timers",
                    target=instance,
                    after={"opened": [t.spec.bpmn_id for t in opened], "finished": result.finished},
                )
                fired += 1
        except WorkflowError:
            logger.exception("workflow timers failed", extra={"instance": pk})
    return fired
