"""Reads of the workflows context. Worklists read ``OpenTask`` only (never the engine state)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet

from dichvucong.agencies import workdays
from dichvucong.agencies.scopes import get_data_scope
from dichvucong.workflows.constants import ASSIGNING_ROLES, ProcessVersionStatus, WorklistScope
from dichvucong.workflows.models import (
    CompletedTask,
    OpenTask,
    ProcessDefinition,
    ProcessVersion,
    TaskSpec,
    WorkflowInstance,
)

_ORDERINGS = {
    "due_at": ("due_at", "pk"),
    "-due_at": ("-due_at", "-pk"),
    "started_at": ("started_at", "pk"),
    "-started_at": ("-started_at", "-pk"),
}
# Never loaded by list pages: the engine state and the drawing are large.
_HEAVY_INSTANCE_FIELDS = (
    "instance__state",
    "instance__context",
    "instance__version__bpmn_xml",
    "instance__version__problems",
)
_DIFF_FIELDS = ("name", "stage", "role", "agency_rule", "budget_hours", "actions")


@dataclass(frozen=True)
class WorklistFilters:
    """Optional narrowing of a worklist; ``subject_ids`` lets a higher app apply its own search.
    Suspended tasks (waiting for the applicant's supplement) are left out unless asked for."""

    stage: str = ""
    sla_state: str = ""
    candidate_role: str = ""
    agency_id: int | None = None
    subject_type: str = ""
    subject_ids: tuple[str, ...] | None = None
    assignee_id: int | None = None
    include_suspended: bool = False
    ordering: str = "due_at"

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> WorklistFilters:
        if not values:
            return cls()
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names and v not in (None, "")})


def _candidate_q(user: Any) -> Q | None:
    """Tasks whose candidate role and agency one of the user's grants covers (None: nothing)."""
    parts: list[Q] = []
    for grant in get_data_scope(user).grants:
        q = Q(candidate_role=grant.role)
        if grant.agency_ids is not None:
            q &= Q(candidate_agency_id__in=sorted(grant.agency_ids))
        parts.append(q)
    return reduce(or_, parts) if parts else None


def _unit_q(user: Any) -> Q | None:
    agency_ids = get_data_scope(user).agency_ids_for(*ASSIGNING_ROLES)
    if agency_ids is None:
        return Q()
    return Q(candidate_agency_id__in=sorted(agency_ids)) if agency_ids else None


def list_worklist(
    *,
    user: Any,
    scope: str = WorklistScope.INBOX,
    filters: WorklistFilters | Mapping[str, Any] | None = None,
) -> QuerySet[OpenTask]:
    """Open tasks for ``user``: ``mine`` (assigned to them), ``available`` (unassigned, they may take),
    ``inbox`` (both), ``unit`` (every task of the agencies they lead: unit heads and above)."""
    if not isinstance(filters, WorklistFilters):
        filters = WorklistFilters.from_mapping(filters)
    qs = OpenTask.objects.select_related(
        "candidate_agency", "assignee", "instance__version__definition"
    ).defer(*_HEAVY_INSTANCE_FIELDS)
    mine = Q(assignee_id=getattr(user, "pk", None))
    candidate = _candidate_q(user)
    available = (Q(assignee__isnull=True) & candidate) if candidate is not None else None
    if scope == WorklistScope.MINE:
        condition: Q | None = mine
    elif scope == WorklistScope.AVAILABLE:
        condition = available
    elif scope == WorklistScope.UNIT:
        condition = _unit_q(user)
    else:
        condition = mine | available if available is not None else mine
    if condition is None or getattr(user, "pk", None) is None:
        return qs.none()
    qs = qs.filter(condition)
    if not filters.include_suspended:
        qs = qs.filter(suspended_at__isnull=True)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.sla_state:
        qs = qs.filter(sla_state=filters.sla_state)
    if filters.candidate_role:
        qs = qs.filter(candidate_role=filters.candidate_role)
    if filters.agency_id:
        qs = qs.filter(candidate_agency_id=filters.agency_id)
    if filters.subject_type:
        qs = qs.filter(subject_type=filters.subject_type)
    if filters.subject_ids is not None:
        qs = qs.filter(subject_id__in=[str(s) for s in filters.subject_ids])
    if filters.assignee_id:
        qs = qs.filter(assignee_id=filters.assignee_id)
    return qs.order_by(*_ORDERINGS.get(filters.ordering, _ORDERINGS["due_at"]))


def get_open_tasks(*, subject_type: str, subject_id: int | str) -> QuerySet[OpenTask]:
    """A subject's open tasks (usually one; several on parallel branches)."""
    return (
        OpenTask.objects.filter(subject_type=subject_type, subject_id=str(subject_id))
        .select_related("spec", "candidate_agency", "assignee")
        .order_by("started_at", "pk")
    )


def get_open_task(*, pk: int) -> OpenTask:
    """One open task; ``OpenTask.DoesNotExist`` once it is done."""
    return OpenTask.objects.select_related("spec", "candidate_agency", "assignee", "instance").get(pk=pk)


def get_workflow_instance(*, subject_type: str, subject_id: int | str) -> WorkflowInstance | None:
    return (
        WorkflowInstance.objects.select_related("version__definition")
        .filter(subject_type=subject_type, subject_id=str(subject_id))
        .first()
    )


def list_process_definitions(*, user: Any) -> QuerySet[ProcessDefinition]:
    """City templates and the processes of agencies in the user's scope (everything for city-wide)."""
    scope = get_data_scope(user)
    qs = ProcessDefinition.objects.select_related("owner_agency").order_by("name", "key")
    if scope.is_empty:
        return qs.none()
    if scope.agency_ids is None:
        return qs
    return qs.filter(Q(owner_agency__isnull=True) | Q(owner_agency_id__in=sorted(scope.agency_ids)))


def list_process_versions(*, definition: ProcessDefinition) -> QuerySet[ProcessVersion]:
    return definition.versions.select_related("created_by", "published_by").order_by("-number")


def get_published_version(*, definition: ProcessDefinition) -> ProcessVersion | None:
    return definition.versions.filter(status=ProcessVersionStatus.PUBLISHED).first()


def get_draft_version(*, definition: ProcessDefinition) -> ProcessVersion | None:
    return definition.versions.filter(status=ProcessVersionStatus.DRAFT).first()


@dataclass(frozen=True)
class TaskChange:
    bpmn_id: str
    name: str
    changes: dict[str, tuple[Any, Any]]


@dataclass(frozen=True)
class ProcessDiff:
    """Tasks added, removed and changed (by property) from ``old`` to ``new``."""

    added: list[TaskSpec] = field(default_factory=list)
    removed: list[TaskSpec] = field(default_factory=list)
    changed: list[TaskChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_process_versions(*, old: ProcessVersion, new: ProcessVersion) -> ProcessDiff:
    """Compare two versions' tasks by BPMN id, property by property."""
    before = {t.bpmn_id: t for t in old.task_specs.order_by("position")}
    after = {t.bpmn_id: t for t in new.task_specs.order_by("position")}
    changed: list[TaskChange] = []
    for bpmn_id, task in after.items():
        previous = before.get(bpmn_id)
        if previous is None:
            continue
        changes = {
            name: (getattr(previous, name), getattr(task, name))
            for name in _DIFF_FIELDS
            if getattr(previous, name) != getattr(task, name)
        }
        if changes:
            changed.append(TaskChange(bpmn_id=bpmn_id, name=task.name, changes=changes))
    return ProcessDiff(
        added=[t for k, t in after.items() if k not in before],
        removed=[t for k, t in before.items() if k not in after],
        changed=changed,
    )


@dataclass(frozen=True)
class StepView:
    """One closed step for the progress view: who, what, when and the working hours it took."""

    bpmn_id: str
    name: str
    stage: str
    actor: Any
    action: str
    started_at: dt.datetime
    completed_at: dt.datetime
    due_at: dt.datetime | None
    sla_state: str
    working_hours: Decimal


@dataclass(frozen=True)
class WorkflowProgress:
    """What a progress diagram needs: the drawing, the steps done (in order) and the open ones."""

    instance: WorkflowInstance
    bpmn_xml: str
    completed: list[StepView]
    open: list[OpenTask]

    @property
    def done_ids(self) -> set[str]:
        return {step.bpmn_id for step in self.completed}

    @property
    def current_ids(self) -> set[str]:
        return {task.spec.bpmn_id for task in self.open}


def get_workflow_progress(*, subject_type: str, subject_id: int | str) -> WorkflowProgress | None:
    """A subject's progress through its process (no engine state is read); None without a workflow."""
    instance = (
        WorkflowInstance.objects.select_related("version")
        .defer("state")
        .filter(subject_type=subject_type, subject_id=str(subject_id))
        .first()
    )
    if instance is None:
        return None
    steps = [
        StepView(
            bpmn_id=row.spec.bpmn_id,
            name=row.name,
            stage=row.stage,
            actor=row.actor,
            action=row.action,
            started_at=row.started_at,
            completed_at=row.completed_at,
            due_at=row.due_at,
            sla_state=row.sla_state,
            working_hours=Decimal(
                workdays.working_time_between(
                    row.candidate_agency_id, row.started_at, row.completed_at
                ).total_seconds()
            )
            / 3600,
        )
        for row in CompletedTask.objects.filter(instance=instance).select_related("spec", "actor")
    ]
    open_tasks = list(get_open_tasks(subject_type=subject_type, subject_id=subject_id))
    return WorkflowProgress(
        instance=instance, bpmn_xml=instance.version.bpmn_xml, completed=steps, open=open_tasks
    )
