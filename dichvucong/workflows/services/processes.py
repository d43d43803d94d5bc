"""Process definitions and versions: validate, create, save drafts, publish (superseding), clone."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from dichvucong.accounts.models import User
from dichvucong.agencies.models import Agency
from dichvucong.core import clock
from dichvucong.core.audit import record_audit
from dichvucong.workflows.constants import (
    ProcessVersionStatus,
    WorkflowErrorCode,
)
from dichvucong.workflows.errors import Problem, WorkflowError
from dichvucong.workflows.models import (
    ProcessDefinition,
    ProcessVersion,
    TaskSpec,
)
from dichvucong.workflows.permissions import can_manage_process
from dichvucong.workflows.validation import Analysis, analyse_process

# --- Process definitions and versions -----------------------------------------------------------


def validate_process_xml(*, bpmn_xml: str, legal_hours: Decimal | None = None) -> list[Problem]:
    """Every problem of a drawing, in readable words (empty: it can be published)."""
    return analyse_process(bpmn_xml, legal_hours=legal_hours).problems


def _require_manager(actor: User | None, owner_agency: Agency | None) -> None:
    if actor is not None and not can_manage_process(actor, owner_agency):
        raise WorkflowError(
            _("Chỉ quản trị thành phố hoặc quản trị của cơ quan sở hữu mới được sửa, ban hành quy trình."),
            code=WorkflowErrorCode.NOT_ALLOWED,
        )


def _hash(bpmn_xml: str) -> str:
    return hashlib.sha256(bpmn_xml.encode("utf-8")).hexdigest()


def _analyse_or_refuse(bpmn_xml: str, legal_hours: Decimal | None = None) -> Analysis:
    analysis = analyse_process(bpmn_xml, legal_hours=legal_hours)
    if not analysis.parsed:
        raise WorkflowError(
            analysis.problems[0].message if analysis.problems else _("Tệp không phải sơ đồ BPMN 2.0."),
            code=WorkflowErrorCode.INVALID,
            problems=analysis.problems,
        )
    return analysis


def _store_analysis(version: ProcessVersion, analysis: Analysis) -> None:
    version.process_id = analysis.process_id
    version.problems = [p.as_dict() for p in analysis.problems]
    version.total_budget_hours = analysis.total_budget_hours
    version.save()
    version.task_specs.all().delete()
    TaskSpec.objects.bulk_create(
        TaskSpec(
            version=version,
            bpmn_id=t.bpmn_id,
            name=t.name[:300],
            stage=t.stage,
            role=t.role,
            agency_rule=t.agency_rule,
            budget_hours=t.budget_hours,
            actions=t.actions,
            position=t.position,
        )
        for t in analysis.tasks
        if t.bpmn_id
    )


def _new_version(
    *, definition: ProcessDefinition, bpmn_xml: str, actor: User | None, analysis: Analysis, number: int
) -> ProcessVersion:
    version = ProcessVersion(
        definition=definition,
        number=number,
        status=ProcessVersionStatus.DRAFT,
        bpmn_xml=bpmn_xml,
        source_hash=_hash(bpmn_xml),
        created_by=actor,
        created_at=clock.now(),
    )
    _store_analysis(version, analysis)
    return version


def create_process_definition(
    *,
    key: str,
    name: str,
    owner_agency: Agency | None,
    actor: User | None,
    bpmn_xml: str,
    description: str = "",
) -> ProcessDefinition:
    """A new process with version 1 as a draft (problems stored; XML that does not parse is refused)."""
    _require_manager(actor, owner_agency)
    key = (key or "").strip()
    if not key or slugify(key) != key or len(key) > 100:
        raise WorkflowError(
            _("Mã quy trình chỉ gồm chữ thường không dấu, số và dấu gạch ngang."),
            code=WorkflowErrorCode.INVALID,
        )
    name = " ".join((name or "").split())
    if not name:
        raise WorkflowError(_("Hãy nhập tên quy trình."), code=WorkflowErrorCode.INVALID)
    analysis = _analyse_or_refuse(bpmn_xml)
    try:
        with transaction.atomic():
            definition = ProcessDefinition.objects.create(
                key=key,
                name=name[:300],
                description=description,
                owner_agency=owner_agency,
                created_at=clock.now(),
            )
            version = _new_version(
                definition=definition, bpmn_xml=bpmn_xml, actor=actor, analysis=analysis, number=1
            )
            record_audit(
                actor=actor,
                action="process_definition.create",
                target=definition,
                after={
                    "key": key,
                    "name": name,
                    "owner_agency": owner_agency.pk if owner_agency else None,
                    "version": version.number,
                },
            )
    except IntegrityError:
        raise WorkflowError(
            _("Mã quy trình “%(key)s” đã được dùng.") % {"key": key}, code=WorkflowErrorCode.DUPLICATE_KEY
        ) from None
    return definition


@transaction.atomic
def save_process_draft(*, definition: ProcessDefinition, bpmn_xml: str, actor: User | None) -> ProcessVersion:
    """Create or update the definition's draft; stores its problems. Refuses XML that does not parse."""
    definition = ProcessDefinition.objects.select_for_update().get(pk=definition.pk)
    _require_manager(actor, definition.owner_agency)
    analysis = _analyse_or_refuse(bpmn_xml)
    draft = definition.versions.filter(status=ProcessVersionStatus.DRAFT).first()
    if draft is None:
        number = (definition.versions.aggregate(m=Max("number"))["m"] or 0) + 1
        draft = _new_version(
            definition=definition, bpmn_xml=bpmn_xml, actor=actor, analysis=analysis, number=number
        )
    else:
        draft.bpmn_xml = bpmn_xml
        draft.source_hash = _hash(bpmn_xml)
        _store_analysis(draft, analysis)
    record_audit(
        actor=actor,
        action="process_version.save_draft",
        target=draft,
        after={"definition": definition.key, "number": draft.number, "problems": len(analysis.problems)},
    )
    return draft


@transaction.atomic
def publish_process_version(
    *, version: ProcessVersion, actor: User | None, legal_hours: Decimal | None = None
) -> ProcessVersion:
    """Publish a draft: refused with its problems when any; the previous published version is
    superseded (running instances keep it)."""
    version = (
        ProcessVersion.objects.select_for_update(of=("self",)).select_related("definition").get(pk=version.pk)
    )
    definition = version.definition
    _require_manager(actor, definition.owner_agency)
    if version.status != ProcessVersionStatus.DRAFT:
        raise WorkflowError(_("Chỉ ban hành được bản nháp."), code=WorkflowErrorCode.NOT_DRAFT)
    analysis = analyse_process(version.bpmn_xml, legal_hours=legal_hours)
    if analysis.problems:
        raise WorkflowError(
            _("Quy trình còn %(n)d lỗi, chưa thể ban hành.") % {"n": len(analysis.problems)},
            code=WorkflowErrorCode.INVALID_PROCESS,
            problems=analysis.problems,
        )
    now = clock.now()
    previous = list(
        ProcessVersion.objects.select_for_update().filter(
            definition=definition, status=ProcessVersionStatus.PUBLISHED
        )
    )
    ProcessVersion.objects.filter(pk__in=[p.pk for p in previous]).update(
        status=ProcessVersionStatus.SUPERSEDED
    )
    _store_analysis(version, analysis)
    version.status = ProcessVersionStatus.PUBLISHED
    version.published_by = actor
    version.published_at = now
    version.save(update_fields=["status", "published_by", "published_at"])
    record_audit(
        actor=actor,
        action="process_version.publish",
        target=version,
        after={
            "definition": definition.key,
            "number": version.number,
            "superseded": [p.number for p in previous],
            "total_budget_hours": str(version.total_budget_hours),
        },
    )
    return version


def clone_process_definition(
    *, version: ProcessVersion, key: str, name: str, owner_agency: Agency | None, actor: User | None
) -> ProcessDefinition:
    """A new process (version 1, draft) drawn like ``version`` — e.g. a city template for one agency."""
    definition = create_process_definition(
        key=key,
        name=name,
        owner_agency=owner_agency,
        actor=actor,
        bpmn_xml=version.bpmn_xml,
        description=version.definition.description,
    )
    record_audit(
        actor=actor,
        action="process_definition.clone",
        target=definition,
        after={"from": version.definition.key, "from_version": version.number},
    )
    return definition
