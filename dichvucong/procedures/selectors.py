"""Reads of the catalog. Everyone may read published versions; drafts only through the back office."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from dichvucong.procedures.constants import VersionStatus
from dichvucong.procedures.models import (
    Fee,
    Field,
    Procedure,
    ProcedureAgency,
    ProcedureVersion,
    ProcessingOption,
    RequiredDocument,
)


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


# --- Back-office catalog editing ------------------------------------------------------------------


def _admin_agency_ids(user: Any) -> frozenset[int] | bool | None:
    """``None`` = the whole city, a set = those agencies, ``False`` = not a catalog editor."""
    from dichvucong.agencies.constants import ADMIN_ROLES
    from dichvucong.agencies.scopes import get_data_scope

    scope = get_data_scope(user)
    if not scope.has_role(*ADMIN_ROLES):
        return False
    return scope.agency_ids_for(*ADMIN_ROLES)


def list_editable_procedures(user: Any) -> QuerySet[Procedure]:
    """City admins edit every procedure; agency admins those with a local variant in their scope."""
    ids = _admin_agency_ids(user)
    procedures = Procedure.objects.select_related("current_version__field")
    if ids is False:
        return procedures.none()
    if ids is None:
        return procedures
    return procedures.filter(
        pk__in=ProcedureAgency.objects.filter(agency_id__in=sorted(ids)).values("procedure_id")  # type: ignore[arg-type]
    )


def can_edit_procedure(user: Any, procedure: Procedure) -> bool:
    return list_editable_procedures(user).filter(pk=procedure.pk).exists()


def list_versions(procedure: Procedure) -> QuerySet[ProcedureVersion]:
    """Every version of ``procedure``, newest first, with author and publisher."""
    return procedure.versions.select_related("created_by", "published_by", "field").order_by("-number")


_DIFF_FIELDS = (
    "name",
    "name_en",
    "field",
    "online_level",
    "min_assurance_level",
    "level_central",
    "level_city",
    "level_ward",
    "for_citizens",
    "for_businesses",
    "conditions",
    "steps",
    "legal_basis",
    "results",
    "fee_exemptions",
)


def _describe(version: ProcedureVersion, name: str) -> str:
    value = getattr(version, name)
    display = getattr(version, f"get_{name}_display", None)
    if display is not None:
        return str(display())
    if isinstance(value, list):
        return "\n".join(
            " — ".join(str(part) for part in item.values() if part) if isinstance(item, dict) else str(item)
            for item in value
        )
    if isinstance(value, bool):
        return "✓" if value else "—"
    return str(value or "")


def _children_text(version: ProcedureVersion) -> dict[str, str]:
    options = "\n".join(str(option) for option in version.options.all())
    fees = "\n".join(f"{fee.name} {fee}".strip() for fee in version.fees.all())
    documents = "\n".join(
        f"{document.name} ({document.originals}/{document.copies}) {document.template_name}".strip()
        for document in version.documents.all()
    )
    return {"options": options, "fees": fees, "documents": documents}


def diff_versions(old: ProcedureVersion | None, new: ProcedureVersion) -> list[tuple[str, str, str]]:
    """``(field label, old text, new text)`` for every field that differs between two versions."""
    rows: list[tuple[str, str, str]] = []
    for name in _DIFF_FIELDS:
        before = _describe(old, name) if old is not None else ""
        after = _describe(new, name)
        if before != after:
            rows.append((str(ProcedureVersion._meta.get_field(name).verbose_name), before, after))
    labels = {
        "options": ProcessingOption._meta.verbose_name,
        "fees": Fee._meta.verbose_name,
        "documents": RequiredDocument._meta.verbose_name,
    }
    old_children = _children_text(old) if old is not None else {}
    for key, after in _children_text(new).items():
        before = old_children.get(key, "")
        if before != after:
            rows.append((str(labels[key]), before, after))
    return rows
