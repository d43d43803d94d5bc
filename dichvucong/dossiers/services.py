"""Writes of the dossier lifecycle: drafts, submission, reception decisions, supplements, results.

Every function here is keyword-only and all-or-nothing: it checks the actor and the current status,
then in ONE transaction updates the ``Dossier`` row (locked), appends its ``DossierEvent``, writes
the audit entry and queues the applicant's notification (``notify`` → outbox, sent after commit).
Bad input raises ``DossierError`` (translated message, ``code``) and changes nothing.

Status machine (national codes, a draft has no status)::

    draft ──submit_online──▶ NEW ──receive──▶ RECEIVED ──resolve──▶ RESOLVED ──return_result──▶ RETURNED
                              │ └─refuse──▶ REFUSED
                              └─request_supplement─▶ SUPPLEMENT_REQUESTED ─supplement─▶ (status before)
    NEW / RECEIVED / PROCESSING / SUPPLEMENT_REQUESTED / PAYMENT_REQUESTED ──withdraw──▶ WITHDRAWN
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dichvucong.accounts.constants import Role
from dichvucong.accounts.models import Membership, Organisation, User
from dichvucong.accounts.selectors import get_assurance_help, get_verified_account_by_cccd, meets_assurance
from dichvucong.agencies.errors import AgencyError
from dichvucong.agencies.models import Agency
from dichvucong.agencies.scopes import get_data_scope
from dichvucong.core import clock
from dichvucong.core.audit import record_audit
from dichvucong.core.text import fold
from dichvucong.dossiers import hooks
from dichvucong.dossiers.codes import issue_code
from dichvucong.dossiers.constants import (
    ApplicantKind,
    DocumentKind,
    DossierStatus,
    EventAction,
    ReturnMethod,
    SubmissionChannel,
)
from dichvucong.dossiers.errors import DossierError, DossierErrorCode
from dichvucong.dossiers.models import Dossier, DossierDocument, DossierEvent, SupplementRequest
from dichvucong.dossiers.uploads import CheckedUpload, InfectedUpload, check_upload
from dichvucong.notifications.services import notify
from dichvucong.procedures.constants import Channel, OnlineLevel, VersionStatus
from dichvucong.procedures.models import ProcedureAgency, ProcedureVersion, RequiredDocument

__all__ = [
    "ApplicantData",
    "DossierError",
    "attach_document",
    "attach_result",
    "create_online_dossier",
    "receive",
    "record_counter_dossier",
    "refuse",
    "remove_document",
    "request_supplement",
    "resolve",
    "return_result",
    "save_draft",
    "submit_online",
    "supplement",
    "withdraw",
]

# Roles that may take reception decisions and handle results (auditors only look).
OFFICER_ROLES: tuple[str, ...] = (
    Role.COUNTER_OFFICER,
    Role.SPECIALIST,
    Role.UNIT_HEAD,
    Role.AGENCY_LEADER,
    Role.AGENCY_ADMIN,
    Role.CITY_ADMIN,
)
APPLICANT_ROLE = "applicant"
RECEPTION_STAGE = "reception"
WITHDRAWABLE = frozenset(
    {
        DossierStatus.NEW,
        DossierStatus.RECEIVED,
        DossierStatus.PROCESSING,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.PAYMENT_REQUESTED,
    }
)
SUPPLEMENT_FROM = frozenset({DossierStatus.NEW, DossierStatus.RECEIVED, DossierStatus.PROCESSING})
RESULT_FROM = frozenset({DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.RESOLVED})
RESOLVE_FROM = frozenset({DossierStatus.RECEIVED, DossierStatus.PROCESSING})
DEFAULT_SUPPLEMENT_DAYS = 3
MAX_FORM_BYTES = 256 * 1024
# After a supplement the handling clock restarts from zero (law, default) or pauses (SPEC-VN §5):
# ``settings.SUPPLEMENT_CLOCK_POLICY`` through ``agencies.workdays.supplement_clock_policy``.
SUPPLEMENT_CLOCK_RESTART = "restart"

_CHANNEL_OPTION = {
    SubmissionChannel.ONLINE: Channel.ONLINE,
    SubmissionChannel.DIRECT: Channel.DIRECT,
    SubmissionChannel.POSTAL: Channel.POSTAL,
}


@dataclass(frozen=True)
class ApplicantData:
    """Who the dossier is for, as declared online or checked at the counter."""

    kind: int = ApplicantKind.CITIZEN
    name: str = ""
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    organisation: Organisation | None = None

    @classmethod
    def from_user(cls, user: User, organisation: Organisation | None = None) -> ApplicantData:
        return cls(
            kind=ApplicantKind.BUSINESS if organisation is not None else ApplicantKind.CITIZEN,
            name=organisation.name if organisation is not None else (user.full_name or user.display_name),
            id_number=user.cccd or "",
            phone=user.phone or "",
            email=user.email or "",
            address=(organisation.address if organisation is not None else user.address) or "",
            organisation=organisation,
        )


# --- Helpers --------------------------------------------------------------------------------------


def _workdays() -> Any:
    from dichvucong.agencies import workdays  # the calendar module (agencies layer)

    return workdays


def _processing() -> Any:
    """The workflow glue (``dossiers.processing`` imports this module, hence the late import)."""
    from dichvucong.dossiers import processing

    return processing


def _locked(dossier: Dossier) -> Dossier:
    """Re-read the dossier FOR UPDATE and refresh the caller's instance from it."""
    fresh = Dossier.objects.select_for_update().get(pk=dossier.pk)
    for field in Dossier._meta.concrete_fields:
        setattr(dossier, field.attname, getattr(fresh, field.attname))
    return dossier


def _ref(dossier: Dossier) -> str:
    return dossier.code or f"#{dossier.pk}"


def _status_label(status: int | None) -> str:
    return str(DossierStatus(status).label) if status is not None else _("Bản nháp")


def _wrong_status(dossier: Dossier, action: str) -> DossierError:
    return DossierError(
        _("Không thể %(action)s hồ sơ %(ref)s khi đang ở trạng thái “%(status)s”.")
        % {"action": action, "ref": _ref(dossier), "status": _status_label(dossier.status)},
        code=DossierErrorCode.INVALID_TRANSITION,
    )


def _is_applicant(user: Any, dossier: Dossier) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if dossier.owner_id is not None and dossier.owner_id == user.pk:
        return True
    return (
        dossier.organisation_id is not None
        and Membership.objects.filter(organisation_id=dossier.organisation_id, user=user).exists()
    )


def _require_applicant(user: Any, dossier: Dossier) -> None:
    if not _is_applicant(user, dossier):
        raise DossierError(
            _("Bạn không có quyền thao tác trên hồ sơ này."), code=DossierErrorCode.NOT_ALLOWED
        )


def _officer_role(officer: Any, agency_id: int, field_code: str | None) -> str:
    """The officer's role that covers the agency (and field), or ``DossierError`` NOT_ALLOWED."""
    if officer is None or not getattr(officer, "is_authenticated", False) or not officer.is_active:
        raise DossierError(
            _("Bạn không có quyền thao tác trên hồ sơ này."), code=DossierErrorCode.NOT_ALLOWED
        )
    scope = get_data_scope(officer)
    for role in OFFICER_ROLES:
        if scope.allows(agency_id=agency_id, field_code=field_code, roles=[role]):
            return str(role)
    raise DossierError(
        _("Hồ sơ này không thuộc phạm vi tiếp nhận, xử lý của bạn."), code=DossierErrorCode.NOT_ALLOWED
    )


def _field_code(version: ProcedureVersion) -> str | None:
    return version.field.code if version.field_id else None


def _require_officer(officer: Any, dossier: Dossier) -> str:
    return _officer_role(officer, dossier.agency_id, _field_code(dossier.procedure_version))


def _event(
    dossier: Dossier,
    *,
    action: str,
    actor: Any,
    role: str,
    from_status: int | None,
    note: str = "",
    stage: str = "",
    data: Mapping[str, Any] | None = None,
    at: datetime | None = None,
    agency_id: int | None = None,
) -> DossierEvent:
    event = DossierEvent.objects.create(
        dossier=dossier,
        at=at or clock.now(),
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_role=role,
        agency_id=agency_id or dossier.agency_id,
        stage=stage,
        from_status=from_status,
        to_status=dossier.status,
        note=note,
        data=dict(data or {}),
    )
    hooks.event_appended(event)
    return event


def _audit(
    actor: Any, action: str, dossier: Dossier, before: Mapping[str, Any], after: Mapping[str, Any]
) -> None:
    record_audit(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target=dossier,
        before=dict(before),
        after=dict(after),
    )


def _fmt(value: datetime | None) -> str:
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), "d/m/Y H:i")


def _notify(dossier: Dossier, template: str, event: DossierEvent, **context: Any) -> None:
    """Tell the applicant (when they have an account); the key makes a retry harmless."""
    if dossier.owner_id is None:
        return
    base = {
        "dossier_ref": _ref(dossier),
        "procedure_name": dossier.procedure_version.name,
        "agency_name": dossier.agency.name,
    }
    notify(
        recipient=dossier.owner,
        template=template,
        context={**base, **context},
        link=_tracking_path(dossier),
        idempotency_key=f"dossier:{dossier.pk}:{event.action}:{event.pk}",
    )


def _tracking_path(dossier: Dossier) -> str:
    """The applicant's page of this dossier in the portal (by URL name: the portal routes to it)."""
    try:
        return reverse("portal:dossier_detail", args=[dossier.pk])
    except NoReverseMatch:
        return ""


def _check_procedure(version: ProcedureVersion, agency: Agency, *, online: bool) -> None:
    if version.status != VersionStatus.PUBLISHED:
        raise DossierError(
            _("Thủ tục này hiện không tiếp nhận hồ sơ (phiên bản chưa công bố hoặc đã được thay thế)."),
            code=DossierErrorCode.PROCEDURE_UNAVAILABLE,
        )
    if online and version.online_level == OnlineLevel.DIRECT:
        raise DossierError(
            _("Thủ tục này chỉ nộp trực tiếp hoặc qua bưu chính, không nộp trực tuyến."),
            code=DossierErrorCode.PROCEDURE_UNAVAILABLE,
        )
    if agency.valid_until is not None and agency.valid_until <= timezone.localdate():
        raise DossierError(
            _("Cơ quan này hiện không tiếp nhận hồ sơ."), code=DossierErrorCode.AGENCY_UNAVAILABLE
        )
    if not ProcedureAgency.objects.filter(
        procedure_id=version.procedure_id, agency=agency, is_active=True
    ).exists():
        raise DossierError(
            _("Cơ quan “%(agency)s” không tiếp nhận thủ tục này.") % {"agency": agency.name},
            code=DossierErrorCode.AGENCY_UNAVAILABLE,
        )


def _check_form_data(form_data: Any) -> dict[str, Any]:
    if form_data is None:
        return {}
    if not isinstance(form_data, dict):
        raise DossierError(_("Nội dung tờ khai không hợp lệ."), code=DossierErrorCode.INVALID)
    try:
        encoded = json.dumps(form_data, cls=DjangoJSONEncoder)
    except (TypeError, ValueError):
        raise DossierError(_("Nội dung tờ khai không hợp lệ."), code=DossierErrorCode.INVALID) from None
    if "\\u0000" in encoded or len(encoded) > MAX_FORM_BYTES:  # PostgreSQL jsonb refuses NUL
        raise DossierError(_("Nội dung tờ khai không hợp lệ."), code=DossierErrorCode.INVALID)
    return form_data


def _check_declaration(version: ProcedureVersion, data: Mapping[str, Any]) -> None:
    """When the version has a form (``forms`` engine), ``data["fields"]`` must satisfy it: else a
    ``DossierError`` naming each problem by its JSON path (``/fields/ho_ten: …``)."""
    if version.form_version_id is None:
        return
    from dichvucong.forms.validation import validate_data

    problems = validate_data(version.form_version.spec, data.get("fields", {}))
    if problems:
        details = "; ".join(f"/fields{problem.path}: {problem.message}" for problem in problems[:20])
        raise DossierError(
            _("Tờ khai chưa hợp lệ: %(details)s") % {"details": details}, code=DossierErrorCode.INVALID
        )


def _required_document(version: ProcedureVersion, required_document: Any) -> RequiredDocument | None:
    if required_document is None:
        return None
    pk = required_document.pk if isinstance(required_document, RequiredDocument) else required_document
    found = RequiredDocument.objects.filter(pk=pk, version=version).first()
    if found is None:
        raise DossierError(
            _("Giấy tờ được chọn không thuộc thành phần hồ sơ của thủ tục này."),
            code=DossierErrorCode.INVALID,
        )
    return found


def _check(upload: UploadedFile, *, actor: Any, dossier: Dossier | None) -> CheckedUpload:
    """Check one file; an infected file is audited (in its own transaction) before refusing."""
    try:
        return check_upload(upload)
    except InfectedUpload as exc:
        with transaction.atomic():
            record_audit(
                actor=actor if getattr(actor, "pk", None) else None,
                action="dossier.upload_infected",
                target=dossier,
                target_type="" if dossier is not None else "dossiers.dossier",
                after={"file": exc.name, "signature": exc.signature},
            )
        raise


def _check_all(
    uploads: Mapping[int, UploadedFile] | Sequence[UploadedFile] | None,
    *,
    actor: Any,
    dossier: Dossier | None,
) -> list[tuple[int | None, CheckedUpload]]:
    if not uploads:
        return []
    items: list[tuple[int | None, UploadedFile]]
    if isinstance(uploads, Mapping):
        items = [(int(key), value) for key, value in uploads.items()]
    else:
        items = [(None, value) for value in uploads]
    return [(key, _check(upload, actor=actor, dossier=dossier)) for key, upload in items]


def _store(
    dossier: Dossier,
    checked: CheckedUpload,
    *,
    actor: Any,
    kind: str,
    required_document: RequiredDocument | None,
    title: str = "",
) -> DossierDocument:
    return DossierDocument.objects.create(
        dossier=dossier,
        kind=kind,
        required_document=required_document,
        title=(title or (required_document.name if required_document is not None else checked.name))[:500],
        file=ContentFile(checked.data, name=checked.name),
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        scan_status=checked.scan_status,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )


def _option(version: ProcedureVersion, channel: int) -> Any:
    options = list(version.options.all())
    wanted = _CHANNEL_OPTION.get(channel)
    for option in options:
        if option.channel == wanted:
            return option
    return options[0] if options else None


def _calendar_error(exc: Exception) -> DossierError:
    return DossierError(
        _("Không tính được thời hạn giải quyết: %(detail)s") % {"detail": getattr(exc, "message", str(exc))},
        code=DossierErrorCode.AGENCY_UNAVAILABLE,
    )


def _reception_time(agency: Agency, at: datetime) -> datetime:
    try:
        return _workdays().reception_time(agency, at)
    except AgencyError as exc:
        raise _calendar_error(exc) from exc


def _deadline(dossier: Dossier, received_at: datetime) -> datetime | None:
    option = _option(dossier.procedure_version, dossier.channel)
    if option is None:
        return None
    try:
        return _workdays().due_at(dossier.agency, received_at, option.duration, option.duration_unit)
    except (AgencyError, ValueError) as exc:
        raise _calendar_error(exc) from exc


def _fees(version: ProcedureVersion) -> Any:
    return sum((fee.amount or 0) for fee in version.fees.all())


def _missing_documents(dossier: Dossier) -> list[str]:
    present = set(
        dossier.documents.filter(
            kind__in=[DocumentKind.APPLICATION, DocumentKind.SUPPLEMENT], required_document__isnull=False
        ).values_list("required_document_id", flat=True)
    )
    return [
        doc.name
        for doc in dossier.procedure_version.documents.filter(is_required=True).order_by("position", "pk")
        if doc.pk not in present
    ]


def _apply_applicant(dossier: Dossier, applicant: ApplicantData) -> None:
    if not applicant.name.strip():
        raise DossierError(_("Vui lòng nhập tên người nộp hồ sơ."), code=DossierErrorCode.INVALID)
    if applicant.kind not in ApplicantKind.values:
        raise DossierError(_("Loại đối tượng nộp hồ sơ không hợp lệ."), code=DossierErrorCode.INVALID)
    dossier.applicant_kind = applicant.kind
    dossier.applicant_name = applicant.name.strip()[:200]
    dossier.applicant_search_name = fold(dossier.applicant_name)[:200]
    dossier.applicant_id_number = applicant.id_number.strip()
    dossier.applicant_phone = applicant.phone.strip()
    dossier.applicant_email = applicant.email.strip()
    dossier.applicant_address = applicant.address.strip()[:300]
    dossier.organisation = applicant.organisation


# --- Drafts and online submission ----------------------------------------------------------------


def save_draft(
    *,
    user: User,
    procedure_version: ProcedureVersion,
    agency: Agency,
    form_data: Mapping[str, Any],
    applicant: ApplicantData | None = None,
    dossier: Dossier | None = None,
) -> Dossier:
    """Create or update the user's draft (status ``None``, no code) for an online submission."""
    if not getattr(user, "is_authenticated", False):
        raise DossierError(_("Vui lòng đăng nhập để lưu hồ sơ."), code=DossierErrorCode.NOT_ALLOWED)
    data = _check_form_data(form_data)
    _check_procedure(procedure_version, agency, online=True)
    applicant = applicant or ApplicantData.from_user(user)
    if (
        applicant.organisation is not None
        and not Membership.objects.filter(organisation=applicant.organisation, user=user).exists()
    ):
        raise DossierError(
            _("Bạn không phải thành viên của tổ chức được chọn."), code=DossierErrorCode.NOT_ALLOWED
        )
    with transaction.atomic():
        if dossier is None:
            dossier = Dossier(
                procedure_id=procedure_version.procedure_id,
                procedure_version=procedure_version,
                agency=agency,
                channel=SubmissionChannel.ONLINE,
                status=None,
                owner=user,
            )
            before: dict[str, Any] = {}
        else:
            _locked(dossier)
            _require_applicant(user, dossier)
            if not dossier.is_draft:
                raise DossierError(
                    _("Hồ sơ đã nộp, không thể sửa bản nháp."), code=DossierErrorCode.INVALID_TRANSITION
                )
            if dossier.procedure_version_id != procedure_version.pk:
                # The new version has its own list of documents: files tied to the old list go,
                # from the disk too once the change is committed.
                stale = dossier.documents.filter(required_document__isnull=False)
                _delete_files_on_commit([d.file for d in stale])
                stale.delete()
            before = {"agency": dossier.agency_id, "version": dossier.procedure_version_id}
            dossier.procedure_id = procedure_version.procedure_id
            dossier.procedure_version = procedure_version
            dossier.agency = agency
        _apply_applicant(dossier, applicant)
        dossier.form_data = data
        dossier.fee_total = _fees(procedure_version)
        dossier.save()
        _event(dossier, action=EventAction.DRAFT_SAVED, actor=user, role=APPLICANT_ROLE, from_status=None)
        _audit(
            user,
            "dossier.save_draft",
            dossier,
            before,
            {"agency": agency.pk, "version": procedure_version.pk},
        )
    return dossier


def _delete_files_on_commit(files: Sequence[Any]) -> None:
    """Remove stored files only when the rows pointing at them are gone for good (not on rollback)."""
    stored = [(f.storage, f.name) for f in files if f]

    def delete() -> None:
        for storage, name in stored:
            storage.delete(name)

    if stored:
        transaction.on_commit(delete)


def attach_document(
    *,
    dossier: Dossier,
    upload: UploadedFile,
    actor: User,
    required_document: RequiredDocument | int | None = None,
    kind: str = DocumentKind.APPLICATION,
    title: str = "",
) -> DossierDocument:
    """Attach a checked file to a draft (applicant), a supplement round (applicant) or a dossier at
    the counter (officer). A new file for the same required document replaces the draft's old one."""
    if kind not in (DocumentKind.APPLICATION, DocumentKind.SUPPLEMENT):
        raise DossierError(_("Loại tệp không hợp lệ."), code=DossierErrorCode.INVALID)
    required = _required_document(dossier.procedure_version, required_document)
    checked = _check(upload, actor=actor, dossier=dossier)
    with transaction.atomic():
        _locked(dossier)
        if dossier.is_draft:
            _require_applicant(actor, dossier)
            role = APPLICANT_ROLE
            kind = DocumentKind.APPLICATION
        elif dossier.status == DossierStatus.SUPPLEMENT_REQUESTED and _is_applicant(actor, dossier):
            role = APPLICANT_ROLE
            kind = DocumentKind.SUPPLEMENT
        elif dossier.status in (DossierStatus.NEW, DossierStatus.RECEIVED) and not _is_applicant(
            actor, dossier
        ):
            role = _require_officer(actor, dossier)
        else:
            if not _is_applicant(actor, dossier):
                _require_officer(actor, dossier)
            raise _wrong_status(dossier, _("đính kèm tệp vào"))
        replaced = []
        if dossier.is_draft and required is not None:
            old = dossier.documents.filter(kind=DocumentKind.APPLICATION, required_document=required)
            replaced = list(old.values_list("original_name", flat=True))
            _delete_files_on_commit([d.file for d in old])
            old.delete()
        document = _store(dossier, checked, actor=actor, kind=kind, required_document=required, title=title)
        action = EventAction.DRAFT_SAVED if dossier.is_draft else EventAction.NOTE
        _event(
            dossier,
            action=action,
            actor=actor,
            role=role,
            from_status=dossier.status,
            note=_("Đính kèm tệp “%(name)s”.") % {"name": document.original_name},
            data={"document": document.pk, "replaced": replaced},
        )
        _audit(
            actor,
            "dossier.attach_document",
            dossier,
            {"replaced": replaced},
            {"document": document.pk, "file": document.original_name, "sha256": document.sha256},
        )
    return document


def remove_document(*, dossier: Dossier, document: DossierDocument, actor: User) -> None:
    """Remove a file from a draft, or a not-yet-sent supplement file (applicant only)."""
    with transaction.atomic():
        _locked(dossier)
        _require_applicant(actor, dossier)
        if document.dossier_id != dossier.pk:
            raise DossierError(_("Tệp không thuộc hồ sơ này."), code=DossierErrorCode.INVALID)
        if dossier.is_draft and document.kind == DocumentKind.APPLICATION:
            pass
        elif (
            dossier.status == DossierStatus.SUPPLEMENT_REQUESTED and document.kind == DocumentKind.SUPPLEMENT
        ):
            request = dossier.supplement_requests.filter(fulfilled_at__isnull=True).first()
            if request is None or document.uploaded_at < request.requested_at:
                raise _wrong_status(dossier, _("xóa tệp của"))
        else:
            raise _wrong_status(dossier, _("xóa tệp của"))
        name, pk = document.original_name, document.pk
        _delete_files_on_commit([document.file])
        document.delete()
        _event(
            dossier,
            action=EventAction.DRAFT_SAVED if dossier.is_draft else EventAction.NOTE,
            actor=actor,
            role=APPLICANT_ROLE,
            from_status=dossier.status,
            note=_("Xóa tệp “%(name)s”.") % {"name": name},
            data={"removed": pk},
        )
        _audit(actor, "dossier.remove_document", dossier, {"document": pk, "file": name}, {})


def submit_online(*, dossier: Dossier, actor: User, idempotency_key: str = "") -> Dossier:
    """Submit a draft: all required documents present, assurance level met → status NEW."""
    with transaction.atomic():
        _locked(dossier)
        _require_applicant(actor, dossier)
        if not dossier.is_draft:
            if dossier.status == DossierStatus.NEW:
                raise DossierError(_("Hồ sơ này đã được nộp."), code=DossierErrorCode.ALREADY_DONE)
            raise _wrong_status(dossier, _("nộp"))
        version = dossier.procedure_version
        _check_procedure(version, dossier.agency, online=True)
        level = version.min_assurance_level
        if level and not meets_assurance(actor, level):
            raise DossierError(get_assurance_help(actor, level), code=DossierErrorCode.ASSURANCE_TOO_LOW)
        missing = _missing_documents(dossier)
        if missing:
            raise DossierError(
                _("Hồ sơ còn thiếu giấy tờ bắt buộc: %(items)s.") % {"items": "; ".join(missing)},
                code=DossierErrorCode.MISSING_DOCUMENTS,
            )
        now = clock.now()
        dossier.status = DossierStatus.NEW
        dossier.submitted_at = now
        if idempotency_key and not dossier.idempotency_key:
            dossier.idempotency_key = idempotency_key[:100]
        try:
            with transaction.atomic():
                dossier.save()
        except IntegrityError:
            raise DossierError(
                _("Mã chống gửi trùng đã được dùng cho một hồ sơ khác."),
                code=DossierErrorCode.IDEMPOTENCY_CONFLICT,
            ) from None
        event = _event(
            dossier, action=EventAction.SUBMITTED, actor=actor, role=APPLICANT_ROLE, from_status=None, at=now
        )
        _audit(actor, "dossier.submit", dossier, {"status": None}, {"status": dossier.status})
        _notify(dossier, "dossier.submitted", event, submitted_at=_fmt(now))
    return dossier


def _fingerprint(
    procedure_code: str, agency_code: str, form_data: Any, checked: list[tuple[int | None, CheckedUpload]]
) -> dict[str, Any]:
    return {
        "procedure": procedure_code,
        "agency": agency_code,
        "form": form_data,
        "files": sorted((key or 0, c.sha256) for key, c in checked),
    }


def _existing_fingerprint(dossier: Dossier) -> dict[str, Any]:
    return {
        "procedure": dossier.procedure.code,
        "agency": dossier.agency.code,
        "form": dossier.form_data,
        "files": sorted(
            (doc.required_document_id or 0, doc.sha256)
            for doc in dossier.documents.filter(kind=DocumentKind.APPLICATION)
        ),
    }


def _same_key(user: User, key: str, fingerprint: dict[str, Any]) -> Dossier | None:
    existing = (
        Dossier.objects.filter(owner=user, idempotency_key=key).select_related("procedure", "agency").first()
    )
    if existing is None:
        return None
    if _existing_fingerprint(existing) != fingerprint:
        raise DossierError(
            _("Mã chống gửi trùng (Idempotency-Key) này đã được dùng cho một hồ sơ khác nội dung."),
            code=DossierErrorCode.IDEMPOTENCY_CONFLICT,
        )
    return existing


def create_online_dossier(
    *,
    user: User,
    procedure_code: str,
    agency_code: str,
    form_data: Mapping[str, Any],
    uploads: Mapping[int, UploadedFile],
    idempotency_key: str,
) -> tuple[Dossier, bool]:
    """Draft, attach and submit in one go (the API). The same key returns the first dossier."""
    from dichvucong.procedures.selectors import get_published_version

    key = (idempotency_key or "").strip()
    if len(key) > 100:
        raise DossierError(_("Mã chống gửi trùng quá dài (tối đa 100 ký tự)."), code=DossierErrorCode.INVALID)
    data = _check_form_data(form_data)
    version = get_published_version(procedure_code or "")
    if version is None:
        raise DossierError(
            _("Không tìm thấy thủ tục đang áp dụng với mã đã cho."),
            code=DossierErrorCode.PROCEDURE_UNAVAILABLE,
        )
    agency = Agency.objects.filter(code=agency_code or "").first()
    if agency is None:
        raise DossierError(
            _("Không tìm thấy cơ quan tiếp nhận với mã đã cho."), code=DossierErrorCode.AGENCY_UNAVAILABLE
        )
    _check_declaration(version, data)
    checked = _check_all(uploads, actor=user, dossier=None)
    fingerprint = _fingerprint(version.procedure.code, agency.code, data, checked)
    if key:
        existing = _same_key(user, key, fingerprint)
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            dossier = save_draft(user=user, procedure_version=version, agency=agency, form_data=data)
            for required_id, item in checked:
                required = _required_document(version, required_id)
                document = _store(
                    dossier, item, actor=user, kind=DocumentKind.APPLICATION, required_document=required
                )
                _event(
                    dossier,
                    action=EventAction.DRAFT_SAVED,
                    actor=user,
                    role=APPLICANT_ROLE,
                    from_status=None,
                    note=_("Đính kèm tệp “%(name)s”.") % {"name": document.original_name},
                    data={"document": document.pk},
                )
            dossier = submit_online(dossier=dossier, actor=user, idempotency_key=key)
    except DossierError as exc:
        if key and exc.code == DossierErrorCode.IDEMPOTENCY_CONFLICT:  # a concurrent request won
            existing = _same_key(user, key, fingerprint)
            if existing is not None:
                return existing, False
        raise
    return dossier, True


# --- Counter intake and reception decisions --------------------------------------------------------


def record_counter_dossier(
    *,
    officer: User,
    procedure_version: ProcedureVersion,
    agency: Agency,
    applicant: ApplicantData,
    form_data: Mapping[str, Any],
    uploads: Mapping[int, UploadedFile],
    queue_ticket: str = "",
    channel: int = SubmissionChannel.DIRECT,
    idempotency_key: str = "",
) -> Dossier:
    """Record a walk-in (or postal) dossier and receive it at once: code, due date, RECEIVED.

    A citizen applicant whose CCCD belongs to an identity-verified account gets the dossier in that
    account (tracking, notifications, rating), as if filed online. The same ``idempotency_key`` from
    the same officer returns the dossier already recorded instead of a second one.
    """
    if channel not in (SubmissionChannel.DIRECT, SubmissionChannel.POSTAL):
        raise DossierError(_("Kênh nộp không hợp lệ cho hồ sơ tại quầy."), code=DossierErrorCode.INVALID)
    key = (idempotency_key or "").strip()
    if len(key) > 100:
        raise DossierError(_("Mã chống gửi trùng quá dài (tối đa 100 ký tự)."), code=DossierErrorCode.INVALID)
    role = _officer_role(officer, agency.pk, _field_code(procedure_version))
    if key and (existing := _recorded_with_key(officer, key)) is not None:
        return existing
    data = _check_form_data(form_data)
    _check_procedure(procedure_version, agency, online=False)
    checked = _check_all(uploads, actor=officer, dossier=None)
    owner = (
        get_verified_account_by_cccd(applicant.id_number)
        if applicant.kind == ApplicantKind.CITIZEN and applicant.organisation is None
        else None
    )
    try:
        dossier = _record_counter(
            officer=officer,
            role=role,
            procedure_version=procedure_version,
            agency=agency,
            applicant=applicant,
            owner=owner,
            data=data,
            checked=checked,
            queue_ticket=queue_ticket,
            channel=channel,
            key=key,
        )
    except IntegrityError:
        if key and (existing := _recorded_with_key(officer, key)) is not None:
            return existing  # the same form, sent twice at once: the first one won
        raise
    return dossier


def _recorded_with_key(officer: User, key: str) -> Dossier | None:
    return Dossier.objects.filter(recorded_by=officer, idempotency_key=key).first()


def _record_counter(
    *,
    officer: User,
    role: str,
    procedure_version: ProcedureVersion,
    agency: Agency,
    applicant: ApplicantData,
    owner: User | None,
    data: dict[str, Any],
    checked: list[tuple[int | None, CheckedUpload]],
    queue_ticket: str,
    channel: int,
    key: str,
) -> Dossier:
    with transaction.atomic():
        dossier = Dossier(
            procedure_id=procedure_version.procedure_id,
            procedure_version=procedure_version,
            agency=agency,
            channel=channel,
            status=DossierStatus.RECEIVED,
            recorded_by=officer,
            owner=owner,
            form_data=data,
            queue_ticket=(queue_ticket or "").strip()[:32],
            fee_total=_fees(procedure_version),
            idempotency_key=key,
        )
        _apply_applicant(dossier, applicant)
        now = clock.now()
        received_at = _reception_time(agency, now)
        dossier.submitted_at = now
        dossier.received_at = received_at
        dossier.due_at = _deadline(dossier, received_at)
        dossier.code = issue_code(agency, received_at)
        dossier.save()
        for required_id, item in checked:
            _store(
                dossier,
                item,
                actor=officer,
                kind=DocumentKind.APPLICATION,
                required_document=_required_document(procedure_version, required_id),
            )
        event = _event(
            dossier,
            action=EventAction.RECEIVED,
            actor=officer,
            role=role,
            from_status=None,
            stage=RECEPTION_STAGE,
            data={
                "channel": channel,
                "queue_ticket": dossier.queue_ticket,
                "linked_account": owner is not None,
            },
            at=now,
        )
        _audit(
            officer,
            "dossier.record_counter",
            dossier,
            {},
            {"code": dossier.code, "status": dossier.status, "owner": owner.pk if owner else None},
        )
        _notify(
            dossier,
            "dossier.received",
            event,
            code=dossier.code,
            received_at=_fmt(received_at),
            due_at=_fmt(dossier.due_at),
        )
        _processing().start_for_dossier(dossier=dossier, actor=officer)
    return dossier


def receive(*, dossier: Dossier, officer: User, note: str = "") -> Dossier:
    """Accept an online dossier (NEW → RECEIVED): code, reception time and due date."""
    with transaction.atomic():
        _locked(dossier)
        role = _require_officer(officer, dossier)
        if dossier.status == DossierStatus.RECEIVED:
            raise DossierError(
                _("Hồ sơ %(ref)s đã được tiếp nhận.") % {"ref": _ref(dossier)},
                code=DossierErrorCode.ALREADY_DONE,
            )
        if dossier.status != DossierStatus.NEW:
            raise _wrong_status(dossier, _("tiếp nhận"))
        now = clock.now()
        received_at = _reception_time(dossier.agency, now)
        before = {"status": dossier.status}
        dossier.status = DossierStatus.RECEIVED
        dossier.received_at = received_at
        dossier.due_at = _deadline(dossier, received_at)
        dossier.code = issue_code(dossier.agency, received_at)
        dossier.save()
        event = _event(
            dossier,
            action=EventAction.RECEIVED,
            actor=officer,
            role=role,
            from_status=before["status"],
            note=note,
            stage=RECEPTION_STAGE,
            at=now,
        )
        _audit(officer, "dossier.receive", dossier, before, {"status": dossier.status, "code": dossier.code})
        _notify(
            dossier,
            "dossier.received",
            event,
            code=dossier.code,
            received_at=_fmt(received_at),
            due_at=_fmt(dossier.due_at),
        )
        _processing().start_for_dossier(dossier=dossier, actor=officer)
    return dossier


def refuse(*, dossier: Dossier, officer: User, reason: str) -> Dossier:
    """Refuse to receive a dossier (NEW → REFUSED) with the reason printed on Mẫu 03."""
    reason = (reason or "").strip()
    with transaction.atomic():
        _locked(dossier)
        role = _require_officer(officer, dossier)
        if not reason:
            raise DossierError(_("Vui lòng nêu rõ lý do từ chối tiếp nhận."), code=DossierErrorCode.INVALID)
        if dossier.status == DossierStatus.REFUSED:
            raise DossierError(_("Hồ sơ này đã bị từ chối tiếp nhận."), code=DossierErrorCode.ALREADY_DONE)
        if dossier.status != DossierStatus.NEW:
            raise _wrong_status(dossier, _("từ chối tiếp nhận"))
        before = {"status": dossier.status}
        dossier.status = DossierStatus.REFUSED
        dossier.save()
        event = _event(
            dossier,
            action=EventAction.REFUSED,
            actor=officer,
            role=role,
            from_status=before["status"],
            note=reason,
            stage=RECEPTION_STAGE,
            data={"reason": reason},
        )
        _processing().cancel_for_dossier(dossier=dossier, actor=officer)
        _audit(officer, "dossier.refuse", dossier, before, {"status": dossier.status, "reason": reason})
        _notify(dossier, "dossier.refused", event, reason=reason)
    return dossier


def _clean_items(items: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    cleaned = []
    for item in items or []:
        if not isinstance(item, Mapping):
            raise DossierError(
                _("Danh sách giấy tờ cần bổ sung không hợp lệ."), code=DossierErrorCode.INVALID
            )
        title = str(item.get("title", "")).strip()
        reason = str(item.get("reason", "")).strip()
        if title:
            cleaned.append({"title": title[:500], "reason": reason[:1000]})
    if not cleaned:
        raise DossierError(
            _("Vui lòng liệt kê đầy đủ các giấy tờ cần bổ sung (hướng dẫn một lần)."),
            code=DossierErrorCode.INVALID,
        )
    return cleaned


def request_supplement(
    *,
    dossier: Dossier,
    officer: User,
    items: Sequence[Mapping[str, str]],
    note: str = "",
    deadline_days: int = DEFAULT_SUPPLEMENT_DAYS,
    via_workflow: bool = False,
) -> SupplementRequest:
    """Ask the applicant for the listed documents, once and fully (Mẫu 02), within ``deadline_days``
    working days → SUPPLEMENT_REQUESTED. The dossier's open process tasks are suspended until the
    applicant supplements (``via_workflow``: the caller completes the current task first and
    suspends what it opens)."""
    cleaned = _clean_items(items)
    if not isinstance(deadline_days, int) or not 1 <= deadline_days <= 60:
        raise DossierError(
            _("Thời hạn bổ sung phải từ 1 đến 60 ngày làm việc."), code=DossierErrorCode.INVALID
        )
    with transaction.atomic():
        _locked(dossier)
        role = _require_officer(officer, dossier)
        if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
            raise DossierError(
                _("Hồ sơ đang chờ bổ sung; chỉ yêu cầu bổ sung một lần cho đầy đủ."),
                code=DossierErrorCode.ALREADY_DONE,
            )
        if dossier.status not in SUPPLEMENT_FROM:
            raise _wrong_status(dossier, _("yêu cầu bổ sung"))
        now = clock.now()
        workdays = _workdays()
        local_now = timezone.localtime(now)
        deadline_day = workdays.add_working_days(dossier.agency, local_now.date(), deadline_days)
        deadline = timezone.make_aware(
            datetime.combine(deadline_day, datetime.max.time().replace(microsecond=0))
        )
        request = SupplementRequest.objects.create(
            dossier=dossier,
            items=cleaned,
            note=(note or "").strip(),
            deadline=deadline,
            requested_by=officer,
            requested_at=now,
        )
        before = {"status": dossier.status}
        dossier.status = DossierStatus.SUPPLEMENT_REQUESTED
        dossier.save()
        event = _event(
            dossier,
            action=EventAction.SUPPLEMENT_REQUESTED,
            actor=officer,
            role=role,
            from_status=before["status"],
            note=request.note,
            stage=RECEPTION_STAGE if before["status"] == DossierStatus.NEW else "",
            data={"request": request.pk, "items": cleaned},
            at=now,
        )
        _audit(
            officer,
            "dossier.request_supplement",
            dossier,
            before,
            {"status": dossier.status, "request": request.pk},
        )
        _notify(
            dossier,
            "dossier.supplement_requested",
            event,
            items="\n".join(
                f"- {item['title']}" + (f": {item['reason']}" if item["reason"] else "") for item in cleaned
            ),
            deadline=formats.date_format(deadline_day, "d/m/Y"),
            note=request.note,
        )
        if not via_workflow:
            _processing().after_supplement_requested(dossier, now=now)
    return request


def supplement(
    *,
    dossier: Dossier,
    actor: User,
    uploads: Mapping[int, UploadedFile] | Sequence[UploadedFile],
    note: str = "",
) -> Dossier:
    """The applicant sends the requested documents: back to the status before the request; the due
    date restarts from now (default, the law) or shifts by the paused working days
    (``SUPPLEMENT_CLOCK_POLICY=pause``)."""
    _require_applicant(actor, dossier)
    checked = _check_all(uploads, actor=actor, dossier=dossier)
    with transaction.atomic():
        _locked(dossier)
        if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED:
            raise _wrong_status(dossier, _("bổ sung"))
        request = (
            dossier.supplement_requests.filter(fulfilled_at__isnull=True).order_by("-requested_at").first()
        )
        if request is None:
            raise _wrong_status(dossier, _("bổ sung"))
        already = dossier.documents.filter(
            kind=DocumentKind.SUPPLEMENT, uploaded_at__gte=request.requested_at
        )
        if not checked and not already.exists():
            raise DossierError(
                _("Vui lòng đính kèm giấy tờ bổ sung."), code=DossierErrorCode.MISSING_DOCUMENTS
            )
        for required_id, item in checked:
            _store(
                dossier,
                item,
                actor=actor,
                kind=DocumentKind.SUPPLEMENT,
                required_document=_required_document(dossier.procedure_version, required_id),
            )
        request_event = (
            dossier.events.filter(action=EventAction.SUPPLEMENT_REQUESTED).order_by("-at", "-id").first()
        )
        previous = request_event.from_status if request_event is not None else DossierStatus.NEW
        now = clock.now()
        request.fulfilled_at = now
        request.save(update_fields=["fulfilled_at"])
        before = {"status": dossier.status, "due_at": dossier.due_at.isoformat() if dossier.due_at else None}
        workdays = _workdays()
        policy = str(workdays.supplement_clock_policy())
        dossier.status = previous
        if dossier.received_at is not None and dossier.due_at is not None:
            if policy == SUPPLEMENT_CLOCK_RESTART:
                dossier.due_at = _deadline(dossier, _reception_time(dossier.agency, now))
            else:
                try:
                    dossier.due_at = workdays.resume_due_at(
                        dossier.agency, dossier.due_at, paused_at=request.requested_at, resumed_at=now
                    )
                except AgencyError as exc:
                    raise _calendar_error(exc) from exc
        dossier.save()
        _event(
            dossier,
            action=EventAction.SUPPLEMENTED,
            actor=actor,
            role=APPLICANT_ROLE,
            from_status=DossierStatus.SUPPLEMENT_REQUESTED,
            note=(note or "").strip(),
            data={"request": request.pk, "clock": policy},
            at=now,
        )
        _processing().after_supplement(dossier, restart=policy == SUPPLEMENT_CLOCK_RESTART, now=now)
        _audit(
            actor,
            "dossier.supplement",
            dossier,
            before,
            {"status": dossier.status, "due_at": dossier.due_at.isoformat() if dossier.due_at else None},
        )
    return dossier


def withdraw(*, dossier: Dossier, actor: User, reason: str) -> Dossier:
    """The applicant withdraws a submitted dossier before it is resolved → WITHDRAWN."""
    reason = (reason or "").strip()
    with transaction.atomic():
        _locked(dossier)
        _require_applicant(actor, dossier)
        if not reason:
            raise DossierError(_("Vui lòng nêu lý do rút hồ sơ."), code=DossierErrorCode.INVALID)
        if dossier.status == DossierStatus.WITHDRAWN:
            raise DossierError(_("Hồ sơ này đã được rút."), code=DossierErrorCode.ALREADY_DONE)
        if dossier.status not in WITHDRAWABLE:
            raise _wrong_status(dossier, _("rút"))
        before = {"status": dossier.status}
        dossier.status = DossierStatus.WITHDRAWN
        dossier.save()
        event = _event(
            dossier,
            action=EventAction.WITHDRAWN,
            actor=actor,
            role=APPLICANT_ROLE,
            from_status=before["status"],
            note=reason,
            data={"reason": reason},
        )
        _processing().cancel_for_dossier(dossier=dossier, actor=actor)
        _audit(actor, "dossier.withdraw", dossier, before, {"status": dossier.status, "reason": reason})
        _notify(dossier, "dossier.withdrawn", event, reason=reason)
    return dossier


# --- Results ----------------------------------------------------------------------------------------


def attach_result(*, dossier: Dossier, officer: User, upload: UploadedFile, title: str) -> DossierDocument:
    """Attach a result document (kind RESULT) to a received dossier."""
    title = (title or "").strip()
    if not title:
        raise DossierError(_("Vui lòng nhập tên kết quả giải quyết."), code=DossierErrorCode.INVALID)
    _require_officer(officer, dossier)
    checked = _check(upload, actor=officer, dossier=dossier)
    with transaction.atomic():
        _locked(dossier)
        role = _require_officer(officer, dossier)
        if dossier.status not in RESULT_FROM:
            raise _wrong_status(dossier, _("đính kèm kết quả cho"))
        document = _store(
            dossier, checked, actor=officer, kind=DocumentKind.RESULT, required_document=None, title=title
        )
        _event(
            dossier,
            action=EventAction.RESULT_ATTACHED,
            actor=officer,
            role=role,
            from_status=dossier.status,
            note=title,
            data={"document": document.pk},
        )
        _audit(
            officer,
            "dossier.attach_result",
            dossier,
            {},
            {"document": document.pk, "sha256": document.sha256},
        )
        _processing().after_result_attached(dossier, actor=officer)
    return document


def resolve(*, dossier: Dossier, officer: User, note: str = "") -> Dossier:
    """Mark the dossier resolved (→ RESOLVED); needs at least one result document."""
    with transaction.atomic():
        _locked(dossier)
        role = _require_officer(officer, dossier)
        if dossier.status == DossierStatus.RESOLVED:
            raise DossierError(_("Hồ sơ này đã được xử lý xong."), code=DossierErrorCode.ALREADY_DONE)
        if dossier.status not in RESOLVE_FROM:
            raise _wrong_status(dossier, _("hoàn thành xử lý"))
        if _processing().is_running(dossier):
            raise DossierError(
                _("Hồ sơ đang xử lý theo quy trình: kết quả được hoàn thành ở bước trả kết quả."),
                code=DossierErrorCode.INVALID_TRANSITION,
            )
        if not dossier.documents.filter(kind=DocumentKind.RESULT).exists():
            raise DossierError(
                _("Vui lòng đính kèm kết quả giải quyết trước khi hoàn thành."),
                code=DossierErrorCode.MISSING_DOCUMENTS,
            )
        now = clock.now()
        before = {"status": dossier.status}
        dossier.status = DossierStatus.RESOLVED
        dossier.resolved_at = now
        dossier.save()
        event = _event(
            dossier,
            action=EventAction.RESOLVED,
            actor=officer,
            role=role,
            from_status=before["status"],
            note=note,
            at=now,
        )
        _audit(officer, "dossier.resolve", dossier, before, {"status": dossier.status})
        results = ", ".join(
            dossier.documents.filter(kind=DocumentKind.RESULT).values_list("title", flat=True)
        )
        _notify(dossier, "dossier.resolved", event, results=results)
    return dossier


def return_result(
    *, dossier: Dossier, officer: User, method: int, note: str = "", via_workflow: bool = False
) -> Dossier:
    """Record that the result was handed over (counter, post or online) → RETURNED. A dossier with a
    running process is returned through its return step (``processing.act_on_task``, which passes
    ``via_workflow=True``)."""
    if method not in ReturnMethod.values:
        raise DossierError(_("Hình thức trả kết quả không hợp lệ."), code=DossierErrorCode.INVALID)
    with transaction.atomic():
        _locked(dossier)
        role = _require_officer(officer, dossier)
        if dossier.status == DossierStatus.RETURNED:
            raise DossierError(_("Kết quả của hồ sơ này đã được trả."), code=DossierErrorCode.ALREADY_DONE)
        if dossier.status != DossierStatus.RESOLVED:
            raise _wrong_status(dossier, _("trả kết quả"))
        if not via_workflow and _processing().is_running(dossier):
            raise DossierError(
                _("Hồ sơ đang xử lý theo quy trình: trả kết quả ở bước “Trả kết quả”."),
                code=DossierErrorCode.INVALID_TRANSITION,
            )
        now = clock.now()
        before = {"status": dossier.status}
        dossier.status = DossierStatus.RETURNED
        dossier.return_method = method
        dossier.returned_at = now
        dossier.save()
        event = _event(
            dossier,
            action=EventAction.RETURNED,
            actor=officer,
            role=role,
            from_status=before["status"],
            note=note,
            data={"method": method},
            at=now,
        )
        _audit(
            officer, "dossier.return_result", dossier, before, {"status": dossier.status, "method": method}
        )
        _notify(
            dossier,
            "dossier.returned",
            event,
            method=str(ReturnMethod(method).label),
            returned_at=_fmt(now),
        )
    return dossier
