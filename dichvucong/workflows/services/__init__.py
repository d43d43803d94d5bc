"""Writes of the workflows context: process versions, running workflows, the open-task projection, SLA.

Every function is keyword-only and runs in one transaction with its audit entry. Steps lock the
``WorkflowInstance`` row, load its state through ``engine``, advance, save the state and rewrite the
``OpenTask`` rows of the instance in the same transaction, so worklists always agree with the engine.

Supplement loop (shipped templates): the officer's ``request_supplement`` on "Thụ lý" routes back to
the same step, which opens again as a new task. The dossiers layer records the request and calls
``suspend_tasks`` (the task leaves worklists and SLA sweeps); when the applicant has supplemented,
``resume_tasks`` counts the step's deadline again from then (restart, the law's default) or moves
it by the time suspended (pause policy) — SPEC-VN §5.1.

Modules: ``processes`` (definitions and versions), ``steps`` (running workflows), ``projection``
(the ``OpenTask`` rows and task deadlines), ``sweeps`` (beat: SLA states, reminders, timers).
"""

from __future__ import annotations

from dichvucong.workflows.services.processes import (
    clone_process_definition,
    create_process_definition,
    publish_process_version,
    save_process_draft,
    validate_process_xml,
)
from dichvucong.workflows.services.steps import (
    StepResult,
    assign_task,
    cancel_workflow,
    claim_task,
    complete_task,
    release_task,
    restart_task_clock,
    resume_tasks,
    start_workflow,
    suspend_tasks,
)
from dichvucong.workflows.services.sweeps import fire_due_timers, refresh_task_sla

__all__ = [
    "StepResult",
    "assign_task",
    "cancel_workflow",
    "claim_task",
    "clone_process_definition",
    "complete_task",
    "create_process_definition",
    "fire_due_timers",
    "publish_process_version",
    "refresh_task_sla",
    "release_task",
    "restart_task_clock",
    "resume_tasks",
    "save_process_draft",
    "start_workflow",
    "suspend_tasks",
    "validate_process_xml",
]
