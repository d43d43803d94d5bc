"""Django admin for dossiers: read-only views for operators tracing a dossier.

Every change to a dossier goes through ``dossiers.services`` (event log, audit, notifications), so
nothing here adds, edits or deletes. The applicant's encrypted identity number and phone are not shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dichvucong.dossiers.models import (
    Dossier,
    DossierCodeCounter,
    DossierDocument,
    DossierEvent,
    DossierReschedule,
    InterAgencyTransfer,
    SupplementRequest,
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


class DocumentInline(_ReadOnlyInline):
    model = DossierDocument
    fields = [
        "kind",
        "title",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "scan_status",
        "uploaded_at",
    ]
    readonly_fields = fields


class EventInline(_ReadOnlyInline):
    model = DossierEvent
    fields = ["at", "action", "actor", "actor_role", "from_status", "to_status", "note"]
    readonly_fields = fields


@admin.register(Dossier)
class DossierAdmin(_ReadOnlyAdmin):
    list_display = ["code", "id", "procedure", "agency", "channel", "status", "received_at", "due_at"]
    list_filter = ["status", "channel"]
    search_fields = ["code", "external_code", "procedure__code", "applicant_name"]
    list_select_related = ["procedure", "agency"]
    date_hierarchy = "created_at"
    exclude = ["applicant_id_number", "applicant_phone", "idempotency_key"]
    inlines = [DocumentInline, EventInline]


@admin.register(DossierEvent)
class DossierEventAdmin(_ReadOnlyAdmin):
    list_display = ["id", "at", "dossier", "action", "actor", "from_status", "to_status"]
    list_filter = ["action"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier", "actor"]
    raw_id_fields = ["dossier", "actor"]


@admin.register(SupplementRequest)
class SupplementRequestAdmin(_ReadOnlyAdmin):
    list_display = ["id", "dossier", "requested_at", "deadline", "fulfilled_at"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier"]
    raw_id_fields = ["dossier", "requested_by"]


@admin.register(DossierCodeCounter)
class DossierCodeCounterAdmin(_ReadOnlyAdmin):
    list_display = ["agency", "day", "last_number"]
    list_filter = ["day"]
    list_select_related = ["agency"]


@admin.register(DossierReschedule)
class DossierRescheduleAdmin(_ReadOnlyAdmin):
    list_display = ("dossier", "old_due_at", "new_due_at", "requested_by", "requested_at")
    search_fields = ("dossier__code",)


@admin.register(InterAgencyTransfer)
class InterAgencyTransferAdmin(_ReadOnlyAdmin):
    list_display = ("dossier", "from_agency", "to_agency", "status", "due_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("dossier__code",)
