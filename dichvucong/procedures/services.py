"""Writes of the catalog: versioning (draft → published → superseded), page views and popularity.

Editing a procedure never touches its published version: ``start_draft`` copies it (with its
processing options, fees and documents), ``update_draft`` edits the copy, ``publish_draft`` freezes
it, supersedes the previous version and points ``procedure.current_version`` at it. A frozen version
raises :class:`VersionFrozenError`. Every change is audited and recomputes the search columns.
The national catalog import lives in ``importer.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.core.audit import record_audit
from dichvucong.forms.constants import FormVersionStatus
from dichvucong.procedures import viewcounts
from dichvucong.procedures.constants import VersionStatus
from dichvucong.procedures.importer import popularity
from dichvucong.procedures.indexing import search_columns
from dichvucong.procedures.models import (
    Fee,
    Procedure,
    ProcedureVersion,
    ProcessingOption,
    RecentView,
    RequiredDocument,
)

# The version fields an editor may change (``update_draft(changes=…)``).
EDITABLE_FIELDS = frozenset(
    {
        "name",
        "name_en",
        "field",
        "decision_number",
        "procedure_type",
        "level_central",
        "level_city",
        "level_ward",
        "for_citizens",
        "for_businesses",
        "audience_text",
        "online_level",
        "min_assurance_level",
        "competent_authority",
        "implementing_agency_text",
        "receiving_address",
        "steps",
        "conditions",
        "legal_basis",
        "results",
        "fee_exemptions",
        "change_note",
    }
)
# A new draft keeps the process (BPMN) its source version runs dossiers through.
_COPIED_FIELDS = EDITABLE_FIELDS - {"change_note"} | {
    "raw",
    "parse_problems",
    "source_hash",
    "process_version",
    "form_version",
}


class CatalogError(Exception):
    """A catalog write that cannot be done; ``message`` is translated for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class VersionFrozenError(CatalogError):
    """A published or superseded version was about to be edited."""


def _user(actor: AbstractBaseUser | None) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _require_draft(version: ProcedureVersion) -> None:
    if version.is_frozen:
        raise VersionFrozenError(
            _("Phiên bản %(number)s đã được công bố nên không thể sửa; hãy tạo bản nháp mới.")
            % {"number": version.number}
        )


def _refresh_search(version: ProcedureVersion) -> None:
    version.search_name, version.search_text = search_columns(version)
    ProcedureVersion.objects.filter(pk=version.pk).update(
        search_name=version.search_name, search_text=version.search_text
    )


def get_draft(procedure: Procedure) -> ProcedureVersion | None:
    return procedure.versions.filter(status=VersionStatus.DRAFT).first()


@transaction.atomic
def start_draft(*, procedure: Procedure, actor: AbstractBaseUser | None) -> ProcedureVersion:
    """The procedure's draft: the existing one, or a fresh copy of the published version."""
    Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
    existing = get_draft(procedure)
    if existing is not None:
        return existing
    source = procedure.versions.filter(status=VersionStatus.PUBLISHED).first()
    if source is None:
        raise CatalogError(_("Thủ tục chưa có phiên bản đang áp dụng để sao chép."))
    top = procedure.versions.aggregate(top=Max("number"))["top"] or 0
    draft = ProcedureVersion(
        procedure=procedure,
        number=top + 1,
        status=VersionStatus.DRAFT,
        created_by=_user(actor),
        **{name: getattr(source, name) for name in _COPIED_FIELDS},
    )
    draft.save()
    option_map: dict[int, ProcessingOption] = {}
    for option in source.options.all():
        old_pk = option.pk
        option.pk, option.id, option.version = None, None, draft
        option.save()
        option_map[old_pk] = option
    for fee in source.fees.all():
        fee.pk, fee.id, fee.version = None, None, draft
        fee.option = option_map.get(fee.option_id) if fee.option_id else None
        fee.save()
    for document in source.documents.all():
        document.pk, document.id, document.version = None, None, draft
        document.save()
    _refresh_search(draft)
    record_audit(
        actor=actor,
        action="procedure_version.start_draft",
        target=draft,
        after={"procedure": procedure.code, "number": draft.number, "from": source.number},
    )
    return draft


@transaction.atomic
def update_draft(
    *,
    version: ProcedureVersion,
    actor: AbstractBaseUser | None,
    changes: dict[str, Any],
    options: Iterable[dict[str, Any]] | None = None,
    fees: Iterable[dict[str, Any]] | None = None,
    documents: Iterable[dict[str, Any]] | None = None,
) -> ProcedureVersion:
    """Change a draft's fields; ``options`` (each with its ``fees``) and ``documents`` replace the lists;
    ``fees`` replaces the fees that apply to every channel.

    An option is ``{"channel", "duration", "duration_unit", "description", "fees": [{"name",
    "amount", "currency", "description"}]}``; a document ``{"name", "case", "originals", "copies",
    "template_name", "template_url", "template_file", "is_required"}`` (missing keys keep defaults).
    """
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise CatalogError(_("Không thể sửa trường: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in changes.items():
        old = getattr(version, name)
        if old != value:
            before[name] = str(old.pk) if hasattr(old, "pk") else old
            after[name] = str(value.pk) if hasattr(value, "pk") else value
            setattr(version, name, value)
    version.save()
    if options is not None:
        version.fees.all().delete()
        version.options.all().delete()
        for position, item in enumerate(options):
            data = dict(item)
            fees = data.pop("fees", [])
            option = ProcessingOption.objects.create(version=version, position=position, **data)
            for index, fee in enumerate(fees):
                Fee.objects.create(version=version, option=option, position=index, **fee)
        after["options"] = len(version.options.all())
    if fees is not None:
        version.fees.filter(option__isnull=True).delete()
        for position, fee in enumerate(fees):
            Fee.objects.create(version=version, option=None, position=position, **fee)
        after["fees"] = version.fees.filter(option__isnull=True).count()
    if documents is not None:
        version.documents.all().delete()
        for position, item in enumerate(documents):
            RequiredDocument.objects.create(version=version, position=position, **item)
        after["documents"] = len(version.documents.all())
    _refresh_search(version)
    record_audit(
        actor=actor,
        action="procedure_version.update",
        target=version,
        before=before,
        after=after,
    )
    return version


@transaction.atomic
def publish_draft(
    *, version: ProcedureVersion, actor: AbstractBaseUser | None, change_note: str = ""
) -> ProcedureVersion:
    """Freeze the draft, supersede the published version and make the draft the current one."""
    version = ProcedureVersion.objects.select_for_update().select_related("procedure").get(pk=version.pk)
    _require_draft(version)
    procedure = version.procedure
    previous = procedure.versions.filter(status=VersionStatus.PUBLISHED).first()
    if previous is not None:
        previous.status = VersionStatus.SUPERSEDED
        previous.save(update_fields=["status", "updated_at"])
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = _user(actor)
    if change_note:
        version.change_note = change_note[:500]
    version.save()
    procedure.current_version = version
    procedure.save(update_fields=["current_version", "updated_at"])
    _refresh_search(version)
    record_audit(
        actor=actor,
        action="procedure_version.publish",
        target=version,
        before={"published": previous.number if previous else None},
        after={"published": version.number, "change_note": version.change_note},
    )
    return version


@transaction.atomic
def choose_form(
    *, version: ProcedureVersion, form_version: Any, actor: AbstractBaseUser | None
) -> ProcedureVersion:
    """Set the application form (a published ``forms.FormVersion``, or None) of a draft version. A
    published version keeps the form it was published with."""
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    if form_version is not None and form_version.status != FormVersionStatus.PUBLISHED:
        raise CatalogError(_("Chỉ chọn được phiên bản biểu mẫu đang áp dụng."))
    if form_version is not None:
        keys = {document.document_key for document in version.documents.all()}
        unknown = sorted(
            str(item.get("document_key"))
            for item in form_version.spec.fields
            if isinstance(item, dict) and item.get("type") == "file" and item.get("document_key") not in keys
        )
        if unknown:
            raise CatalogError(
                _("Biểu mẫu có ô tệp gắn với thành phần hồ sơ không có trong thủ tục: %(keys)s.")
                % {"keys": ", ".join(unknown)}
            )
    before = version.form_version_id
    version.form_version = form_version
    version.save(update_fields=["form_version", "updated_at"])
    record_audit(
        actor=actor,
        action="procedure_version.choose_form",
        target=version,
        before={"form_version": before},
        after={"form_version": form_version.pk if form_version is not None else None},
    )
    return version


@transaction.atomic
def discard_draft(*, version: ProcedureVersion, actor: AbstractBaseUser | None) -> None:
    """Delete a draft (never a published or superseded version)."""
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    record_audit(
        actor=actor,
        action="procedure_version.discard",
        target=version,
        before={"number": version.number, "procedure": version.procedure_id},
    )
    version.delete()


def record_view(*, procedure: Procedure, user: AbstractBaseUser | None) -> None:
    """Count a page view (buffered, see ``viewcounts``) and remember it in the user's recently viewed
    list."""
    viewcounts.count_view(procedure.pk)
    if getattr(user, "is_authenticated", False):
        RecentView.objects.update_or_create(
            user=user, procedure=procedure, defaults={"viewed_at": timezone.now()}
        )


def recompute_popularity(*, procedures: Iterable[Procedure] | None = None) -> int:
    """popularity = prior from ``usage_rank`` + log(1 + view_count); returns how many changed."""
    rows = Procedure.objects.only("id", "usage_rank", "view_count", "popularity")
    if procedures is not None:
        rows = rows.filter(pk__in=[procedure.pk for procedure in procedures])
    changed = []
    for procedure in rows:
        value = popularity(procedure.usage_rank, procedure.view_count)
        if value != procedure.popularity:
            procedure.popularity = value
            changed.append(procedure)
    Procedure.objects.bulk_update(changed, ["popularity"], batch_size=1000)
    return len(changed)
