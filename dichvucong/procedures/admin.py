"""Django admin for the catalog: read-only inspection (city admins reach it through ``admin.site``).

Edits go through the back office (draft → publish, audited); here fields and versions can be looked
up, including what the importer could not parse.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dichvucong.procedures.models import Field, Procedure, ProcedureAgency, ProcedureVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Field)
class FieldAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "name_en")
    search_fields = ("code", "name", "search_name")


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyAdmin):
    list_display = ("code", "__str__", "scope", "usage_rank", "view_count", "popularity")
    list_filter = ("scope",)
    search_fields = ("code", "current_version__search_name")


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(ReadOnlyAdmin):
    list_display = ("procedure", "number", "status", "field", "online_level", "published_at")
    list_filter = ("status", "online_level", "level_ward", "level_city")
    search_fields = ("procedure__code", "search_name")
    list_select_related = ("procedure", "field")


@admin.register(ProcedureAgency)
class ProcedureAgencyAdmin(ReadOnlyAdmin):
    list_display = ("local_code", "procedure", "agency", "is_active")
    search_fields = ("local_code",)
    list_select_related = ("procedure", "agency")
