"""Writes of the forms engine: definitions, drafts, publishing, cloning, import, field templates.

Versioned like the catalog: a definition has at most one draft and one published version; saving
edits the draft (creating it from the latest version when there is none), publishing freezes it and
supersedes the version before. Every definition is checked (``definition.check_definition``) before
anything is written, so a refused save or publication changes nothing. Every write is audited.

The document wallet: ``add_wallet_document``, ``record_wallet_use`` (the owner's access log) and
``remove_wallet_document``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from dichvucong.agencies.models import Agency
from dichvucong.core import clock
from dichvucong.core.audit import record_audit
from dichvucong.forms.constants import (
    EXPORT_FORMAT,
    EXPORT_FORMAT_VERSION,
    MAX_DEFINITION_BYTES,
    WALLET_TYPE,
    FormErrorCode,
    FormVersionStatus,
    WalletSource,
)
from dichvucong.forms.definition import check_definition
from dichvucong.forms.errors import FormError, Problem
from dichvucong.forms.models import (
    FieldTemplate,
    FormDefinition,
    FormVersion,
    WalletDocument,
    WalletDocumentUse,
)
from dichvucong.forms.palette import build_schema, ui_schema_for


def _user(actor: AbstractBaseUser | None) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _checked(
    schema: dict[str, Any] | None, ui_schema: dict[str, Any], document_keys: Iterable[str] | None
) -> dict[str, Any]:
    """The schema to store (compiled from the fields when not given); ``FormError`` on any problem."""
    if schema is None and isinstance(ui_schema, dict) and isinstance(ui_schema.get("fields"), list):
        try:
            schema = build_schema(ui_schema["fields"])
        except (KeyError, TypeError, ValueError, AttributeError):
            schema = None  # the field checks below name the broken field
    problems = check_definition(schema if schema is not None else {}, ui_schema, document_keys=document_keys)
    if problems:
        raise FormError(_("Biểu mẫu chưa hợp lệ; chưa có gì được lưu."), problems=problems)
    return schema or {}


def _require_draft(version: FormVersion) -> None:
    if version.is_frozen:
        raise FormError(
            _("Phiên bản %(number)s đã được công bố nên không thể sửa; hãy lưu để tạo bản nháp mới.")
            % {"number": version.number},
            code=FormErrorCode.FROZEN,
        )


@transaction.atomic
def create_form_definition(
    *,
    key: str,
    name: str,
    owner_agency: Agency | None,
    actor: AbstractBaseUser | None,
    ui_schema: dict[str, Any] | None = None,
    schema: dict[str, Any] | None = None,
) -> FormDefinition:
    """A new definition with its first draft (empty unless ``ui_schema`` is given)."""
    ui_schema = ui_schema if ui_schema is not None else ui_schema_for([])
    stored_schema = _checked(schema, ui_schema, None)
    if FormDefinition.objects.filter(key=key).exists():
        raise FormError(
            _("Mã biểu mẫu “%(key)s” đã được dùng.") % {"key": key}, code=FormErrorCode.DUPLICATE_KEY
        )
    now = clock.now()
    definition = FormDefinition.objects.create(key=key, name=name, owner_agency=owner_agency, created_at=now)
    version = FormVersion.objects.create(
        definition=definition,
        number=1,
        schema=stored_schema,
        ui_schema=ui_schema,
        created_by=_user(actor),
        created_at=now,
        updated_at=now,
    )
    record_audit(
        actor=actor,
        action="form_definition.create",
        target=definition,
        after={
            "key": key,
            "name": name,
            "owner_agency": owner_agency.pk if owner_agency else None,
            "version": version.number,
        },
    )
    return definition


@transaction.atomic
def save_form_draft(
    *,
    definition: FormDefinition,
    actor: AbstractBaseUser | None,
    ui_schema: dict[str, Any],
    schema: dict[str, Any] | None = None,
    document_keys: Iterable[str] | None = None,
) -> FormVersion:
    """Store the fields (and the schema compiled from them, or the ``schema`` given) in the draft.

    With no draft, one is created with the next number; the published version is never touched."""
    stored_schema = _checked(schema, ui_schema, document_keys)
    FormDefinition.objects.select_for_update().filter(pk=definition.pk).first()
    now = clock.now()
    draft = definition.versions.filter(status=FormVersionStatus.DRAFT).first()
    if draft is None:
        top = definition.versions.aggregate(top=Max("number"))["top"] or 0
        draft = FormVersion(definition=definition, number=top + 1, created_by=_user(actor), created_at=now)
    draft.schema = stored_schema
    draft.ui_schema = ui_schema
    draft.updated_at = now
    draft.save()
    record_audit(
        actor=actor,
        action="form_version.save_draft",
        target=draft,
        after={
            "definition": definition.key,
            "number": draft.number,
            "fields": len(ui_schema.get("fields") or []),
        },
    )
    return draft


@transaction.atomic
def publish_form_version(
    *,
    version: FormVersion,
    actor: AbstractBaseUser | None,
    change_note: str = "",
    document_keys: Iterable[str] | None = None,
) -> FormVersion:
    """Check the draft again, freeze it, and supersede the version published before (all or nothing)."""
    version = FormVersion.objects.select_for_update().select_related("definition").get(pk=version.pk)
    _require_draft(version)
    _checked(version.schema, version.ui_schema, document_keys)
    if not version.ui_schema.get("fields"):
        raise FormError(
            _("Biểu mẫu chưa có trường nào."),
            problems=[Problem("/ui_schema/fields", "empty", _("Biểu mẫu chưa có trường nào."))],
        )
    previous = version.definition.versions.filter(status=FormVersionStatus.PUBLISHED).first()
    if previous is not None:
        previous.status = FormVersionStatus.SUPERSEDED
        previous.save(update_fields=["status", "updated_at"])
    now = clock.now()
    version.status = FormVersionStatus.PUBLISHED
    version.published_at = now
    version.published_by = _user(actor)
    version.updated_at = now
    version.change_note = change_note[:500]
    version.save()
    record_audit(
        actor=actor,
        action="form_version.publish",
        target=version,
        before={"published": previous.number if previous else None},
        after={"published": version.number, "change_note": version.change_note},
    )
    return version


@transaction.atomic
def discard_form_draft(*, version: FormVersion, actor: AbstractBaseUser | None) -> None:
    """Delete a draft (never a published or superseded version)."""
    version = FormVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    record_audit(
        actor=actor,
        action="form_version.discard",
        target=version,
        before={"definition": version.definition_id, "number": version.number},
    )
    version.delete()


@transaction.atomic
def clone_form_definition(
    *,
    source: FormVersion,
    key: str,
    name: str,
    owner_agency: Agency | None,
    actor: AbstractBaseUser | None,
) -> FormDefinition:
    """A new definition whose first draft is a copy of ``source`` (e.g. an agency's copy of a city form)."""
    definition = create_form_definition(
        key=key,
        name=name,
        owner_agency=owner_agency,
        actor=actor,
        ui_schema=source.ui_schema,
        schema=source.schema,
    )
    record_audit(
        actor=actor,
        action="form_definition.clone",
        target=definition,
        after={"from": source.definition.key, "from_number": source.number},
    )
    return definition


def parse_export(payload: bytes | str) -> dict[str, Any]:
    """Read an exported form (``export_form_version``); ``FormError`` with the JSON path when malformed."""
    if len(payload) > MAX_DEFINITION_BYTES:
        raise FormError(
            _("Tệp quá lớn."),
            code=FormErrorCode.INVALID_IMPORT,
            problems=[Problem("", "too_large", _("Tệp quá lớn."))],
        )
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FormError(
            _("Tệp không phải JSON hợp lệ."),
            code=FormErrorCode.INVALID_IMPORT,
            problems=[Problem("", "json", _("Tệp không phải JSON hợp lệ."))],
        ) from exc
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise FormError(
            _("Tệp không phải biểu mẫu xuất từ hệ thống."),
            code=FormErrorCode.INVALID_IMPORT,
            problems=[
                Problem("/format", "format", _('Cần "format": "%(format)s".') % {"format": EXPORT_FORMAT})
            ],
        )
    if data.get("format_version") != EXPORT_FORMAT_VERSION:
        raise FormError(
            _("Phiên bản định dạng tệp không được hỗ trợ."),
            code=FormErrorCode.INVALID_IMPORT,
            problems=[Problem("/format_version", "format", _("Phiên bản định dạng tệp không được hỗ trợ."))],
        )
    return data


@transaction.atomic
def import_form_draft(
    *,
    definition: FormDefinition,
    payload: bytes | str,
    actor: AbstractBaseUser | None,
    document_keys: Iterable[str] | None = None,
) -> FormVersion:
    """Replace the definition's draft with an exported form; problems carry ``/schema/…`` or
    ``/ui_schema/…`` paths."""
    data = parse_export(payload)
    return save_form_draft(
        definition=definition,
        actor=actor,
        ui_schema=data.get("ui_schema"),  # type: ignore[arg-type]
        schema=data.get("schema") if isinstance(data.get("schema"), dict) else {"type": "invalid"},
        document_keys=document_keys,
    )


@transaction.atomic
def create_field_template(
    *, name: str, field: dict[str, Any], owner_agency: Agency | None, actor: AbstractBaseUser | None
) -> FieldTemplate:
    """Keep a configured field for reuse; it must pass the same checks as a field in a form."""
    problems = check_definition(
        build_schema([field]) if isinstance(field, dict) else {}, ui_schema_for([field])
    )
    if problems:
        raise FormError(_("Trường chưa hợp lệ."), problems=problems)
    template = FieldTemplate.objects.create(
        name=name[:200],
        field=field,
        owner_agency=owner_agency,
        created_by=_user(actor),
        created_at=clock.now(),
    )
    record_audit(
        actor=actor, action="form_field_template.create", target=template, after={"name": template.name}
    )
    return template


@transaction.atomic
def delete_field_template(*, template: FieldTemplate, actor: AbstractBaseUser | None) -> None:
    record_audit(
        actor=actor, action="form_field_template.delete", target=template, before={"name": template.name}
    )
    template.delete()


@transaction.atomic
def save_and_publish_form(
    *,
    definition: FormDefinition,
    actor: AbstractBaseUser | None,
    ui_schema: dict[str, Any],
    change_note: str = "",
    document_keys: Iterable[str] | None = None,
) -> FormVersion:
    """Save the fields as the draft and publish it, in one transaction (both or neither)."""
    draft = save_form_draft(
        definition=definition, actor=actor, ui_schema=ui_schema, document_keys=document_keys
    )
    return publish_form_version(
        version=draft, actor=actor, change_note=change_note, document_keys=document_keys
    )


# --- the document wallet ---------------------------------------------------------------------------


@transaction.atomic
def add_wallet_document(
    *,
    owner: AbstractBaseUser,
    document_type: str,
    title: str,
    content: bytes,
    filename: str,
    content_type: str = "",
    source: str = WalletSource.UPLOADED,
    source_ref: str = "",
    valid_until: datetime.date | None = None,
    actor: AbstractBaseUser | None,
) -> WalletDocument:
    """Keep a document in the owner's wallet. The caller has already checked the file (type, size,
    virus scan: ``dossiers.uploads``); the wallet stores what it is given with its SHA-256."""
    if not WALLET_TYPE.match(document_type):
        raise FormError(_("Loại giấy tờ “%(type)s” không hợp lệ.") % {"type": document_type})
    document = WalletDocument(
        owner=owner,
        document_type=document_type,
        title=title[:300],
        content_type=content_type[:100],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        source=source,
        source_ref=source_ref[:200],
        valid_until=valid_until,
        created_at=clock.now(),
    )
    document.file.save(filename[-100:] or "giay-to", ContentFile(content), save=False)
    document.save()
    record_audit(
        actor=actor,
        action="wallet_document.add",
        target=document,
        after={"owner": owner.pk, "type": document_type, "source": source, "sha256": document.sha256},
    )
    return document


@transaction.atomic
def record_wallet_use(
    *,
    document: WalletDocument,
    actor: AbstractBaseUser | None,
    subject_type: str,
    subject_id: str,
    purpose: str = "",
) -> WalletDocumentUse:
    """Log that a wallet document was used (e.g. attached to dossier ``subject_id``); its owner sees it."""
    use = WalletDocumentUse.objects.create(
        document=document,
        used_by=_user(actor),
        used_by_name=str(getattr(actor, "display_name", "") or getattr(actor, "username", ""))[:200],
        subject_type=subject_type[:100],
        subject_id=str(subject_id)[:64],
        purpose=purpose[:300],
        at=clock.now(),
    )
    record_audit(
        actor=actor,
        action="wallet_document.use",
        target=document,
        after={"subject_type": use.subject_type, "subject_id": use.subject_id},
    )
    return use


@transaction.atomic
def remove_wallet_document(*, document: WalletDocument, actor: AbstractBaseUser | None) -> None:
    """The owner removes a document from the wallet (its file goes with it once the transaction commits)."""
    record_audit(
        actor=actor, action="wallet_document.remove", target=document, before={"type": document.document_type}
    )
    stored = document.file
    document.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
