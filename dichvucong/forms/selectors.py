"""Reads of the forms engine: definitions an admin may see, versions, templates, the export document."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet

from dichvucong.accounts.constants import Role
from dichvucong.forms.constants import EXPORT_FORMAT, EXPORT_FORMAT_VERSION, FormVersionStatus
from dichvucong.forms.models import (
    FieldTemplate,
    FormDefinition,
    FormVersion,
    WalletDocument,
    WalletDocumentUse,
)


def admin_agency_ids(scope: Any) -> frozenset[int] | None:
    """Agencies whose forms the admin may own and edit (``None``: every agency and city-wide forms)."""
    if scope.has_role(Role.CITY_ADMIN) and scope.agency_ids_for(Role.CITY_ADMIN) is None:
        return None
    return scope.agency_ids_for(Role.AGENCY_ADMIN) or frozenset()


def list_form_definitions(*, scope: Any) -> QuerySet[FormDefinition]:
    """City admins: every definition; agency admins: their agencies' and the city-wide ones (read-only)."""
    rows = FormDefinition.objects.select_related("owner_agency")
    ids = admin_agency_ids(scope)
    if ids is None:
        return rows
    return rows.filter(Q(owner_agency__isnull=True) | Q(owner_agency_id__in=ids))


def may_edit_definition(scope: Any, definition: FormDefinition) -> bool:
    ids = admin_agency_ids(scope)
    if ids is None:
        return True
    return definition.owner_agency_id is not None and definition.owner_agency_id in ids


def list_versions(definition: FormDefinition) -> QuerySet[FormVersion]:
    return definition.versions.select_related("created_by", "published_by").order_by("-number")


def get_draft(definition: FormDefinition) -> FormVersion | None:
    return definition.versions.filter(status=FormVersionStatus.DRAFT).first()


def get_published_version(definition: FormDefinition) -> FormVersion | None:
    return definition.versions.filter(status=FormVersionStatus.PUBLISHED).first()


def get_working_version(definition: FormDefinition) -> FormVersion | None:
    """The draft if there is one, else the published version, else the newest."""
    return get_draft(definition) or get_published_version(definition) or definition.versions.first()


def list_field_templates(*, scope: Any) -> QuerySet[FieldTemplate]:
    ids = admin_agency_ids(scope)
    rows = FieldTemplate.objects.all()
    if ids is None:
        return rows
    return rows.filter(Q(owner_agency__isnull=True) | Q(owner_agency_id__in=ids))


def export_form_version(version: FormVersion) -> dict[str, Any]:
    """The JSON document that ``services.import_form_draft`` reads back."""
    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "key": version.definition.key,
        "name": version.definition.name,
        "number": version.number,
        "status": version.status,
        "schema": version.schema,
        "ui_schema": version.ui_schema,
    }


def list_wallet_documents(
    *, owner: Any, document_types: Any = None, valid_on: datetime.date | None = None
) -> QuerySet[WalletDocument]:
    """The owner's wallet documents, optionally of some types and still valid on ``valid_on``."""
    rows = WalletDocument.objects.filter(owner=owner)
    if document_types is not None:
        rows = rows.filter(document_type__in=list(document_types))
    if valid_on is not None:
        rows = rows.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=valid_on))
    return rows


def list_wallet_uses(*, owner: Any) -> QuerySet[WalletDocumentUse]:
    """Every use of the owner's documents, newest first (which dossier, which officer, when)."""
    return WalletDocumentUse.objects.filter(document__owner=owner).select_related("document")
