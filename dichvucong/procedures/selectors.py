"""Reads of the catalog. Everyone may read published versions; drafts only through the back office."""

from __future__ import annotations

from django.db.models import QuerySet

from dichvucong.procedures.constants import VersionStatus
from dichvucong.procedures.models import Field, Procedure, ProcedureVersion


def get_procedure(code: str) -> Procedure | None:
    return Procedure.objects.select_related("current_version__field").filter(code=code).first()


def get_published_version(code: str) -> ProcedureVersion | None:
    return (
        ProcedureVersion.objects.select_related("procedure", "field")
        .filter(procedure__code=code, status=VersionStatus.PUBLISHED)
        .first()
    )


def list_fields() -> QuerySet[Field]:
    return Field.objects.order_by("name")
