"""Celery entry points of the workflows sweeps (beat every ``WORKFLOW_SLA_SWEEP_SECONDS``).

Both are idempotent: SLA states are recomputed from stored instants, each reminder and escalation is
sent once (``reminded_at`` / ``escalated_at`` and notification idempotency keys), and a timer fires
only for a workflow whose ``next_timer_at`` has passed, under the instance's row lock.
"""

from __future__ import annotations

from celery import shared_task

from dichvucong.workflows.services import fire_due_timers, refresh_task_sla


@shared_task(name="dichvucong.workflows.tasks.refresh_task_sla_task", ignore_result=True)
def refresh_task_sla_task() -> dict[str, int]:
    """Beat sweep: SLA colours of open tasks, reminders to assignees, escalations to unit heads."""
    return refresh_task_sla()


@shared_task(name="dichvucong.workflows.tasks.fire_due_timers_task", ignore_result=True)
def fire_due_timers_task() -> int:
    """Beat sweep: advance the workflows whose BPMN timers are due."""
    return fire_due_timers()
