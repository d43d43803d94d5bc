"""Django admin for workflows: read-only views for operators tracing processes and tasks.

Drawing, publishing and every step go through ``workflows.services`` (validation, audit, the task
projection), so nothing here adds, edits or deletes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dichvucong.workflows.models import (
    CompletedTask,
    OpenTask,
    ProcessDefinition,
    ProcessVersion,
    TaskSpec,
    WorkflowInstance,
)


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProcessVersionInline(_ReadOnlyInline):
    model = ProcessVersion
    fields = ("number", "status", "total_budget_hours", "published_at")


class TaskSpecInline(_ReadOnlyInline):
    model = TaskSpec
    fields = ("bpmn_id", "name", "stage", "role", "agency_rule", "budget_hours", "actions")


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(_ReadOnlyAdmin):
    list_display = ("key", "name", "owner_agency", "created_at")
    search_fields = ("key", "name")
    inlines = [ProcessVersionInline]


@admin.register(ProcessVersion)
class ProcessVersionAdmin(_ReadOnlyAdmin):
    list_display = ("definition", "number", "status", "total_budget_hours", "published_at")
    list_filter = ("status",)
    exclude = ("bpmn_xml",)
    inlines = [TaskSpecInline]


@admin.register(WorkflowInstance)
class WorkflowInstanceAdmin(_ReadOnlyAdmin):
    list_display = ("subject_type", "subject_id", "version", "status", "started_at", "completed_at")
    list_filter = ("status", "subject_type")
    search_fields = ("subject_id",)
    exclude = ("state",)


@admin.register(OpenTask)
class OpenTaskAdmin(_ReadOnlyAdmin):
    list_display = (
        "name",
        "subject_type",
        "subject_id",
        "candidate_role",
        "candidate_agency",
        "assignee",
        "due_at",
        "sla_state",
    )
    list_filter = ("sla_state", "stage", "candidate_role")
    search_fields = ("subject_id", "name")
    list_select_related = ("candidate_agency", "assignee")


@admin.register(CompletedTask)
class CompletedTaskAdmin(_ReadOnlyAdmin):
    list_display = ("name", "subject_type", "subject_id", "actor", "action", "completed_at", "sla_state")
    list_filter = ("sla_state", "stage", "action")
    search_fields = ("subject_id", "name")
    list_select_related = ("actor",)
