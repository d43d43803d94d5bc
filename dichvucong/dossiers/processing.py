"""A received dossier moving through its internal process (BPMN, run by ``dichvucong.workflows``).

The workflows engine is generic: it knows its subject as ``("dossiers.dossier", pk)``. This module
is the glue. Each call is ONE transaction that runs the engine step and, together with it, updates
the dossier (status, handler), appends the ``DossierEvent``, writes the audit entry and notifies the
applicant when the status changes (O4):

- ``start_for_dossier`` — called by ``services.receive`` / counter intake: the process of the
  procedure version (or the city template) is started with the receiving / field-owner / parent
  agencies resolved;
- ``act_on_task`` — one officer action on an open task: ``approve`` / ``sign`` (next step),
  ``return_previous`` (with a reason), ``request_supplement`` (the existing supplement flow, status 5;
  the process waits at its next task until the applicant supplements), ``transfer`` (liên thông: an
  ``InterAgencyTransfer`` to another agency, the task waits for its result), ``return_result``
  (status 10, the process ends) and ``refuse`` (status 8 Dừng xử lý, the process is cancelled);
- ``claim`` / ``assign`` — take a task, or give it to an officer (unit heads);
- ``reschedule`` — the apology and new return date (Mẫu 04), once per dossier;
- transfers: ``accept_transfer`` (hash check of every handed-over file) and ``return_transfer``.

Status mapping: a task of stage ``processing`` or ``approval`` open → 4 PROCESSING; a ``return``
task open → 9 RESOLVED once a result is attached (``services.attach_result`` re-checks); the
``return_result`` action → 10 RETURNED. Dossiers without a process work exactly as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dichvucong.accounts.constants import Role
from dichvucong.accounts.models import User
from dichvucong.agencies.errors import AgencyError
from dichvucong.agencies.models import Agency
from dichvucong.agencies.scopes import get_data_scope
from dichvucong.core import clock
from dichvucong.core.audit import record_audit
from dichvucong.dossiers import services
from dichvucong.dossiers.constants import (
    DocumentKind,
    DossierStatus,
    EventAction,
    TransferStatus,
)
from dichvucong.dossiers.errors import DossierError, DossierErrorCode
from dichvucong.dossiers.models import Dossier, DossierDocument, DossierReschedule, InterAgencyTransfer
from dichvucong.procedures.constants import Channel, DurationUnit, VersionStatus
from dichvucong.procedures.models import ProcedureVersion
from dichvucong.workflows import permissions as workflow_permissions
from dichvucong.workflows import services as workflow_services
from dichvucong.workflows.constants import ProcessVersionStatus, TaskAction, TaskStage, WorkflowStatus
from dichvucong.workflows.errors import WorkflowError
from dichvucong.workflows.models import OpenTask, ProcessVersion, WorkflowInstance

__all__ = [
    "SUBJECT_TYPE",
    "ActResult",
    "accept_transfer",
    "act_on_task",
    "after_result_attached",
    "after_supplement",
    "after_supplement_requested",
    "assign",
    "cancel_for_dossier",
    "changed_documents",
    "choose_process",
    "claim",
    "has_workflow",
    "is_running",
    "open_tasks",
    "process_version_for",
    "reschedule",
    "return_transfer",
    "start_for_dossier",
]

SUBJECT_TYPE = "dossiers.dossier"
TEMPLATE_COMMON = "mot-cua-chung"
TEMPLATE_SAME_DAY = "mot-cua-trong-ngay"
# Statuses in which a task may be acted on (not while waiting for the applicant, not once final).
ACTIVE_STATUSES = frozenset({DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.RESOLVED})
RESCHEDULABLE = frozenset(
    {DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.SUPPLEMENT_REQUESTED}
)
MAX_RESCHEDULE_DAYS = 30
MAX_TRANSFER_DAYS = 30
DEFAULT_TRANSFER_DAYS = 3
_HOURS_PER_DAY = Decimal(8)
_CHANNEL_OPTION = {1: Channel.DIRECT, 2: Channel.ONLINE, 3: Channel.POSTAL}
_WORKFLOW_CODES = {
    "not_allowed": DossierErrorCode.NOT_ALLOWED,
    "task_taken": DossierErrorCode.NOT_ALLOWED,
    "task_closed": DossierErrorCode.ALREADY_DONE,
    "not_running": DossierErrorCode.INVALID_TRANSITION,
    "action_not_allowed": DossierErrorCode.INVALID_TRANSITION,
    "no_route": DossierErrorCode.INVALID_TRANSITION,
}


@dataclass(frozen=True)
class ActResult:
    """What one action did: the dossier (refreshed), the tasks opened, whether the process ended."""

    dossier: Dossier
    opened: list[OpenTask]
    finished: bool


# --- Which process --------------------------------------------------------------------------------


def _legal_hours(version: ProcedureVersion, channel: int | None = None) -> Decimal | None:
    """The legal time of the version's option for ``channel`` (else its first option) in working
    hours; None when it has no fixed time or counts calendar days/months."""
    options = list(version.options.all())
    wanted = _CHANNEL_OPTION.get(channel or 0)
    option = next((o for o in options if o.channel == wanted), None) or next(iter(options), None)
    if option is None or option.duration is None:
        return None
    if option.duration_unit == DurationUnit.WORKING_DAYS:
        return Decimal(option.duration) * _HOURS_PER_DAY
    if option.duration_unit == DurationUnit.HOURS:
        return Decimal(option.duration)
    return None


def _template(key: str) -> ProcessVersion | None:
    return (
        ProcessVersion.objects.filter(
            definition__key=key,
            definition__owner_agency__isnull=True,
            status=ProcessVersionStatus.PUBLISHED,
        )
        .select_related("definition")
        .first()
    )


def process_version_for(version: ProcedureVersion, channel: int | None = None) -> ProcessVersion | None:
    """The process dossiers of ``version`` run through: its own, else the city template (same-day when
    the legal time is at most one working day); None when no process is loaded (no workflow)."""
    if version.process_version_id is not None:
        return version.process_version
    hours = _legal_hours(version, channel)
    if hours is not None and hours <= _HOURS_PER_DAY:
        same_day = _template(TEMPLATE_SAME_DAY)
        if same_day is not None:
            return same_day
    return _template(TEMPLATE_COMMON)


def _agencies(dossier: Dossier) -> dict[str, int]:
    """``receiving`` / ``field_owner`` / ``parent``. The catalog has no owner per field yet: the field
    owner is the receiving agency; an agency without a parent is its own parent."""
    agency = dossier.agency
    return {
        "receiving": agency.pk,
        "field_owner": agency.pk,
        "parent": agency.parent_id or agency.pk,
    }


def _instance(dossier: Dossier) -> WorkflowInstance | None:
    return WorkflowInstance.objects.filter(subject_type=SUBJECT_TYPE, subject_id=str(dossier.pk)).first()


def has_workflow(dossier: Dossier) -> bool:
    return WorkflowInstance.objects.filter(subject_type=SUBJECT_TYPE, subject_id=str(dossier.pk)).exists()


def open_tasks(dossier: Dossier) -> list[OpenTask]:
    """The dossier's open tasks (projection rows), soonest due first."""
    return list(
        OpenTask.objects.filter(subject_type=SUBJECT_TYPE, subject_id=str(dossier.pk))
        .select_related("spec", "candidate_agency", "assignee")
        .order_by("due_at", "pk")
    )


def _workflow_error(exc: WorkflowError) -> DossierError:
    return DossierError(exc.message, code=_WORKFLOW_CODES.get(str(exc.code), DossierErrorCode.INVALID))


# --- Status mapping -------------------------------------------------------------------------------


def _has_result(dossier: Dossier) -> bool:
    return dossier.documents.filter(kind=DocumentKind.RESULT).exists()


def _status_after(dossier: Dossier, opened: Sequence[OpenTask]) -> int | None:
    """The status the opened tasks put the dossier in (None: unchanged)."""
    stages = {task.stage for task in opened}
    current = dossier.status
    if TaskStage.RETURN in stages:
        if _has_result(dossier) and current in (DossierStatus.RECEIVED, DossierStatus.PROCESSING):
            return DossierStatus.RESOLVED
        return DossierStatus.PROCESSING if current == DossierStatus.RECEIVED else None
    if stages & {TaskStage.PROCESSING, TaskStage.APPROVAL} and current == DossierStatus.RECEIVED:
        return DossierStatus.PROCESSING
    return None


def _apply_status(dossier: Dossier, status: int | None, now: datetime) -> bool:
    if status is None or status == dossier.status:
        return False
    dossier.status = status
    if status == DossierStatus.RESOLVED:
        dossier.resolved_at = now
    return True


def _notify_status(dossier: Dossier, event: Any) -> None:
    if dossier.status == DossierStatus.PROCESSING:
        services._notify(dossier, "dossier.processing", event, task_name=event.data.get("opened", ""))
    elif dossier.status == DossierStatus.RESOLVED:
        results = ", ".join(
            dossier.documents.filter(kind=DocumentKind.RESULT).values_list("title", flat=True)
        )
        services._notify(dossier, "dossier.resolved", event, results=results)
    elif dossier.status == DossierStatus.STOPPED:
        services._notify(dossier, "dossier.stopped", event, reason=event.note)


def _task_data(task: OpenTask) -> dict[str, Any]:
    return {
        "task": task.name,
        "task_id": task.spec.bpmn_id if task.spec_id else "",
        "task_uuid": task.task_uuid,
        "started_at": task.started_at.isoformat() if task.started_at else None,
        "due_at": task.due_at.isoformat() if task.due_at else None,
    }


def _record(
    dossier: Dossier,
    *,
    action: str,
    actor: Any,
    role: str,
    agency_id: int | None,
    stage: str,
    from_status: int | None,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> Any:
    return services._event(
        dossier,
        action=action,
        actor=actor,
        role=role,
        from_status=from_status,
        note=note,
        stage=stage,
        data=data,
        at=at,
        agency_id=agency_id,
    )


def choose_process(
    *, version: ProcedureVersion, process: ProcessVersion | None, actor: User
) -> ProcedureVersion:
    """Set the process a procedure's draft version will run (None: the city template). A published
    version keeps the process it was published with, so only drafts change."""
    if version.status != VersionStatus.DRAFT:
        raise DossierError(
            _("Chỉ chọn quy trình cho bản nháp; phiên bản đã công bố giữ quy trình đã công bố cùng."),
            code=DossierErrorCode.INVALID_TRANSITION,
        )
    if process is not None and process.status != ProcessVersionStatus.PUBLISHED:
        raise DossierError(
            _("Chỉ chọn được phiên bản quy trình đang áp dụng."), code=DossierErrorCode.INVALID
        )
    with transaction.atomic():
        before = version.process_version_id
        version.process_version = process
        version.save(update_fields=["process_version", "updated_at"])
        record_audit(
            actor=actor,
            action="procedure_version.choose_process",
            target=version,
            before={"process_version": before},
            after={"process_version": process.pk if process is not None else None},
        )
    return version


# --- Start and cancel ------------------------------------------------------------------------------


def start_for_dossier(*, dossier: Dossier, actor: Any) -> list[OpenTask]:
    """Start the dossier's process right after reception (inside the caller's transaction); no process
    loaded → nothing happens and the dossier is handled as before."""
    process = process_version_for(dossier.procedure_version, dossier.channel)
    if process is None or has_workflow(dossier):
        return []
    now = clock.now()
    try:
        opened = workflow_services.start_workflow(
            version=process,
            subject_type=SUBJECT_TYPE,
            subject_id=str(dossier.pk),
            agencies=_agencies(dossier),
            data={"dossier_code": dossier.code or "", "procedure": dossier.procedure.code},
            now=now,
        )
    except WorkflowError as exc:
        raise _workflow_error(exc) from exc
    # The officer who received the dossier holds its reception step (forwarding it for processing).
    opened = [_claim_for(task, actor) for task in opened]
    before = dossier.status
    changed = _apply_status(dossier, _status_after(dossier, opened), now)
    assignees = [t.assignee for t in opened if t.assignee_id]
    if assignees:
        dossier.handler = assignees[0]
    if changed or assignees:
        dossier.save()
    first = opened[0] if opened else None
    event = _record(
        dossier,
        action=EventAction.WORKFLOW_STARTED,
        actor=actor,
        role="",
        agency_id=first.candidate_agency_id if first else None,
        stage=first.stage if first else "",
        from_status=before,
        data={
            "process": process.definition.key,
            "process_version": process.number,
            "opened": ", ".join(t.name for t in opened),
        },
        at=now,
    )
    record_audit(
        actor=actor if getattr(actor, "pk", None) else None,
        action="dossier.workflow_start",
        target=dossier,
        before={"status": before},
        after={"status": dossier.status, "process": process.definition.key, "version": process.number},
    )
    if changed:
        _notify_status(dossier, event)
    return opened


def _claim_for(task: OpenTask, officer: Any) -> OpenTask:
    """``task`` claimed for ``officer`` when they may take it; unchanged otherwise."""
    if officer is None or not getattr(officer, "pk", None) or task.assignee_id is not None:
        return task
    if not workflow_permissions.can_act_on(officer, task):
        return task
    return workflow_services.claim_task(task=task, actor=officer)


def _hand_to(task: OpenTask, assignee: User, officer: User) -> OpenTask:
    """The step just opened, given to ``assignee`` by ``officer`` (who must be allowed to assign)."""
    try:
        return workflow_services.assign_task(task=task, assignee=assignee, actor=officer)
    except WorkflowError as exc:
        raise _workflow_error(exc) from exc


def _give_back(dossier: Dossier, task: OpenTask) -> OpenTask:
    """A step opened again (returned, supplement loop) goes back to the officer who did it last."""
    last = (
        dossier.events.filter(
            action__in=[EventAction.TASK_COMPLETED, EventAction.TASK_RETURNED, EventAction.TASK_CLAIMED],
            data__task_id=task.spec.bpmn_id,
            actor__isnull=False,
        )
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if last is None or not last.actor.is_active:
        return task
    return _claim_for(task, last.actor)


def cancel_for_dossier(*, dossier: Dossier, actor: Any) -> bool:
    """Cancel the dossier's running process (withdrawal, refusal, stop); False when it had none."""
    instance = _instance(dossier)
    if instance is None or instance.status != WorkflowStatus.RUNNING:
        return False
    try:
        workflow_services.cancel_workflow(subject_type=SUBJECT_TYPE, subject_id=str(dossier.pk), actor=actor)
    except WorkflowError as exc:
        raise _workflow_error(exc) from exc
    return True


def after_supplement_requested(dossier: Dossier, *, now: datetime) -> None:
    """The process waits for the applicant: its open tasks are suspended, so they leave worklists
    and the SLA sweeps (no reminder or escalation for time the office is not handling the dossier)."""
    if is_running(dossier):
        workflow_services.suspend_tasks(subject_type=SUBJECT_TYPE, subject_id=str(dossier.pk), now=now)


def after_supplement(dossier: Dossier, *, restart: bool, now: datetime) -> None:
    """The applicant supplemented: the process goes on at its open task, whose clock restarts from
    zero under the restart policy (the law's default) or moves later by the working time it waited
    under the pause policy. Tasks opened before suspension existed restart under the restart policy."""
    if not is_running(dossier):
        return
    resumed = workflow_services.resume_tasks(
        subject_type=SUBJECT_TYPE, subject_id=str(dossier.pk), restart=restart, now=now
    )
    if not resumed and restart:
        workflow_services.restart_task_clock(subject_type=SUBJECT_TYPE, subject_id=str(dossier.pk), now=now)


def is_running(dossier: Dossier) -> bool:
    return WorkflowInstance.objects.filter(
        subject_type=SUBJECT_TYPE, subject_id=str(dossier.pk), status=WorkflowStatus.RUNNING
    ).exists()


def after_result_attached(dossier: Dossier, *, actor: Any) -> bool:
    """A result attached while a ``return`` task is open: the dossier is resolved (→ 9)."""
    if dossier.status not in (DossierStatus.RECEIVED, DossierStatus.PROCESSING):
        return False
    returning = [
        t
        for t in OpenTask.objects.filter(
            subject_type=SUBJECT_TYPE, subject_id=str(dossier.pk), stage=TaskStage.RETURN
        )
    ]
    if not returning:
        return False
    now = clock.now()
    before = dossier.status
    _apply_status(dossier, DossierStatus.RESOLVED, now)
    dossier.save()
    task = returning[0]
    event = _record(
        dossier,
        action=EventAction.RESOLVED,
        actor=actor,
        role=task.candidate_role,
        agency_id=task.candidate_agency_id,
        stage=task.stage,
        from_status=before,
        data=_task_data(task),
        at=now,
    )
    record_audit(
        actor=actor if getattr(actor, "pk", None) else None,
        action="dossier.resolve",
        target=dossier,
        before={"status": before},
        after={"status": dossier.status},
    )
    _notify_status(dossier, event)
    return True


# --- Acting on a task ------------------------------------------------------------------------------


def _task_of(dossier: Dossier, task: OpenTask) -> OpenTask:
    fresh = (
        OpenTask.objects.select_related("spec", "candidate_agency", "assignee")
        .filter(pk=task.pk, subject_type=SUBJECT_TYPE, subject_id=str(dossier.pk))
        .first()
    )
    if fresh is None:
        raise DossierError(
            _("Bước xử lý này đã được thực hiện hoặc không thuộc hồ sơ %(ref)s.")
            % {"ref": services._ref(dossier)},
            code=DossierErrorCode.ALREADY_DONE,
        )
    return fresh


def _may_act(officer: Any, task: OpenTask) -> None:
    """The task's candidate role at its candidate agency, and the task free or the officer's own."""
    if officer is None or not getattr(officer, "is_authenticated", False) or not officer.is_active:
        raise DossierError(_("Bạn không có quyền thực hiện bước này."), code=DossierErrorCode.NOT_ALLOWED)
    if task.assignee_id is not None and task.assignee_id != officer.pk:
        raise DossierError(
            _("Bước “%(task)s” đang được giao cho cán bộ khác.") % {"task": task.name},
            code=DossierErrorCode.NOT_ALLOWED,
        )
    if not workflow_permissions.is_candidate(officer, task):
        raise DossierError(_("Bạn không có quyền thực hiện bước này."), code=DossierErrorCode.NOT_ALLOWED)


def _check_action(task: OpenTask, action: str) -> None:
    allowed = list(task.spec.actions or []) if task.spec_id else []
    if action not in allowed:
        raise DossierError(
            _("Thao tác “%(action)s” không được phép ở bước “%(task)s”.")
            % {"action": _action_label(action), "task": task.name},
            code=DossierErrorCode.INVALID_TRANSITION,
        )


def _action_label(action: str) -> str:
    try:
        return str(TaskAction(action).label)
    except ValueError:
        return action


def _open_transfer(dossier: Dossier) -> InterAgencyTransfer | None:
    return (
        dossier.transfers.filter(status__in=[TransferStatus.SENT, TransferStatus.ACCEPTED])
        .select_related("to_agency")
        .first()
    )


def act_on_task(
    *,
    dossier: Dossier,
    task: OpenTask,
    officer: User,
    action: str,
    note: str = "",
    target_agency: Agency | None = None,
    items: Sequence[Mapping[str, str]] | None = None,
    deadline_days: int = services.DEFAULT_SUPPLEMENT_DAYS,
    return_method: int | None = None,
    transfer_days: int = DEFAULT_TRANSFER_DAYS,
    assignee: User | None = None,
) -> ActResult:
    """Run one officer action on an open task of the dossier (see the module docstring).

    ``assignee``: the officer the next step goes to (a unit head's "Phân công thụ lý")."""
    note = (note or "").strip()
    with transaction.atomic():
        services._locked(dossier)
        task = _task_of(dossier, task)
        _may_act(officer, task)
        _check_action(task, action)
        if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
            raise DossierError(
                _("Hồ sơ đang chờ người nộp bổ sung; tiếp tục xử lý sau khi nhận đủ hồ sơ bổ sung."),
                code=DossierErrorCode.INVALID_TRANSITION,
            )
        if dossier.status not in ACTIVE_STATUSES:
            raise services._wrong_status(dossier, _("xử lý"))
        pending = _open_transfer(dossier)
        if pending is not None:
            raise DossierError(
                _("Hồ sơ đang được xử lý liên thông tại %(agency)s; chờ kết quả trả về.")
                % {"agency": pending.to_agency.name},
                code=DossierErrorCode.INVALID_TRANSITION,
            )
        if action == TaskAction.RETURN_PREVIOUS and not note:
            raise DossierError(_("Vui lòng nêu lý do trả lại bước trước."), code=DossierErrorCode.INVALID)
        if action == TaskAction.REFUSE:
            return _stop(dossier, task, officer, note)
        if action == TaskAction.TRANSFER:
            return _transfer(dossier, task, officer, note, target_agency, transfer_days)
        if action == TaskAction.REQUEST_SUPPLEMENT:
            services.request_supplement(
                dossier=dossier,
                officer=officer,
                items=items or [],
                note=note,
                deadline_days=deadline_days,
                via_workflow=True,
            )
        if action == TaskAction.RETURN_RESULT:
            if dossier.status != DossierStatus.RESOLVED:
                raise DossierError(
                    _("Vui lòng đính kèm kết quả giải quyết trước khi trả kết quả."),
                    code=DossierErrorCode.MISSING_DOCUMENTS,
                )
            services.return_result(
                dossier=dossier,
                officer=officer,
                method=return_method if return_method is not None else dossier.return_method,
                note=note,
                via_workflow=True,
            )
        result = _step(dossier, task, officer, action, note, assignee)
        if action == TaskAction.REQUEST_SUPPLEMENT:
            # Only now: the step just completed had to be acted on; what it opened waits.
            after_supplement_requested(dossier, now=clock.now())
        return result


def _step(
    dossier: Dossier, task: OpenTask, officer: User, action: str, note: str, assignee: User | None = None
) -> ActResult:
    now = clock.now()
    before = dossier.status
    data = _task_data(task)
    try:
        result = workflow_services.complete_task(
            task=task, actor=officer, action=action, data={"note": note} if note else None, now=now
        )
    except WorkflowError as exc:
        raise _workflow_error(exc) from exc
    opened = [
        _claim_for(t, officer) if t.spec_id == task.spec_id else _give_back(dossier, t) for t in result.opened
    ]
    if assignee is not None:
        opened = [_hand_to(t, assignee, officer) for t in opened]
    status = _status_after(dossier, opened)
    if (
        result.finished
        and not opened
        and dossier.status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING)
    ):
        # A process drawn without a return step: its end is the end of processing, so the dossier is
        # resolved and the counter returns the result the usual way (no process runs any more).
        status = DossierStatus.RESOLVED
    changed = _apply_status(dossier, status, now)
    assignees = [t.assignee for t in opened if t.assignee_id]
    dossier.handler = assignees[0] if assignees else (dossier.handler if result.finished else None)
    dossier.save()
    event = _record(
        dossier,
        action=EventAction.TASK_RETURNED
        if action == TaskAction.RETURN_PREVIOUS
        else EventAction.TASK_COMPLETED,
        actor=officer,
        role=task.candidate_role,
        agency_id=task.candidate_agency_id,
        stage=task.stage,
        from_status=before,
        note=note,
        data=data
        | {
            "action": action,
            "completed_at": now.isoformat(),
            "opened": ", ".join(t.name for t in opened),
            "finished": result.finished,
        },
        at=now,
    )
    record_audit(
        actor=officer,
        action=f"dossier.task_{action}",
        target=dossier,
        before={"status": before, "task": task.name},
        after={"status": dossier.status, "opened": [t.name for t in opened], "finished": result.finished},
    )
    if changed:
        _notify_status(dossier, event)
    return ActResult(dossier=dossier, opened=opened, finished=result.finished)


def _stop(dossier: Dossier, task: OpenTask, officer: User, reason: str) -> ActResult:
    if not reason:
        raise DossierError(_("Vui lòng nêu lý do dừng xử lý hồ sơ."), code=DossierErrorCode.INVALID)
    cancel_for_dossier(dossier=dossier, actor=officer)
    now = clock.now()
    before = dossier.status
    dossier.status = DossierStatus.STOPPED
    dossier.save()
    event = _record(
        dossier,
        action=EventAction.STOPPED,
        actor=officer,
        role=task.candidate_role,
        agency_id=task.candidate_agency_id,
        stage=task.stage,
        from_status=before,
        note=reason,
        data=_task_data(task) | {"action": TaskAction.REFUSE, "reason": reason},
        at=now,
    )
    record_audit(
        actor=officer,
        action="dossier.stop",
        target=dossier,
        before={"status": before},
        after={"status": dossier.status, "reason": reason},
    )
    _notify_status(dossier, event)
    return ActResult(dossier=dossier, opened=[], finished=True)


# --- Claim and assign -------------------------------------------------------------------------------


def claim(*, dossier: Dossier, task: OpenTask, officer: User) -> OpenTask:
    """The officer takes a free task of the dossier (it leaves "Việc chờ nhận" for "Việc của tôi")."""
    with transaction.atomic():
        services._locked(dossier)
        task = _task_of(dossier, task)
        _may_act(officer, task)
        if task.assignee_id == officer.pk:
            raise DossierError(_("Bạn đã nhận bước xử lý này."), code=DossierErrorCode.ALREADY_DONE)
        try:
            workflow_services.claim_task(task=task, actor=officer)
        except WorkflowError as exc:
            raise _workflow_error(exc) from exc
        dossier.handler = officer
        dossier.save(update_fields=["handler", "updated_at"])
        _record(
            dossier,
            action=EventAction.TASK_CLAIMED,
            actor=officer,
            role=task.candidate_role,
            agency_id=task.candidate_agency_id,
            stage=task.stage,
            from_status=dossier.status,
            data=_task_data(task),
        )
        record_audit(actor=officer, action="dossier.task_claim", target=dossier, after={"task": task.name})
    task.refresh_from_db()
    return task


def assign(*, dossier: Dossier, task: OpenTask, assignee: User, officer: User) -> OpenTask:
    """A unit head (or above) of the task's agency gives the task to ``assignee`` (or reassigns it)."""
    with transaction.atomic():
        services._locked(dossier)
        task = _task_of(dossier, task)
        previous = task.assignee
        try:
            workflow_services.assign_task(task=task, assignee=assignee, actor=officer)
        except WorkflowError as exc:
            raise _workflow_error(exc) from exc
        dossier.handler = assignee
        dossier.save(update_fields=["handler", "updated_at"])
        _record(
            dossier,
            action=EventAction.TASK_ASSIGNED,
            actor=officer,
            role=str(Role.UNIT_HEAD),
            agency_id=task.candidate_agency_id,
            stage=task.stage,
            from_status=dossier.status,
            note=_("Giao cho %(name)s.") % {"name": assignee.display_name},
            data=_task_data(task)
            | {"assignee": assignee.pk, "previous": previous.pk if previous is not None else None},
        )
        record_audit(
            actor=officer,
            action="dossier.task_assign",
            target=dossier,
            before={"assignee": previous.pk if previous is not None else None},
            after={"task": task.name, "assignee": assignee.pk},
        )
    task.refresh_from_db()
    return task


# --- Late dossiers: apology and new date (Mẫu 04) ----------------------------------------------------


def reschedule(*, dossier: Dossier, officer: User, reason: str, extra_days: int) -> DossierReschedule:
    """Apologise and set a new return date ``extra_days`` working days after the current one (Mẫu 04).

    Only once per dossier (Decree 61 Art. 20 as amended by Decree 107/2021); the applicant is notified.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DossierError(_("Vui lòng nêu lý do chậm trả kết quả."), code=DossierErrorCode.INVALID)
    if not isinstance(extra_days, int) or not 1 <= extra_days <= MAX_RESCHEDULE_DAYS:
        raise DossierError(
            _("Số ngày gia hạn phải từ 1 đến %(max)s ngày làm việc.") % {"max": MAX_RESCHEDULE_DAYS},
            code=DossierErrorCode.INVALID,
        )
    with transaction.atomic():
        services._locked(dossier)
        role = services._require_officer(officer, dossier)
        if DossierReschedule.objects.filter(dossier=dossier).exists():
            raise DossierError(
                _("Hồ sơ %(ref)s đã được hẹn lại ngày trả kết quả; chỉ được hẹn lại một lần.")
                % {"ref": services._ref(dossier)},
                code=DossierErrorCode.ALREADY_DONE,
            )
        if dossier.status not in RESCHEDULABLE:
            raise services._wrong_status(dossier, _("hẹn lại ngày trả kết quả cho"))
        if dossier.due_at is None:
            raise DossierError(
                _("Hồ sơ không có ngày hẹn trả cụ thể, không cần hẹn lại."),
                code=DossierErrorCode.INVALID_TRANSITION,
            )
        now = clock.now()
        old_due = dossier.due_at
        try:
            new_due = services._workdays().due_at(
                dossier.agency, max(old_due, now), extra_days, DurationUnit.WORKING_DAYS
            )
        except (AgencyError, ValueError) as exc:
            raise services._calendar_error(exc) from exc
        slip = DossierReschedule.objects.create(
            dossier=dossier,
            reason=reason,
            old_due_at=old_due,
            new_due_at=new_due,
            extra_days=extra_days,
            requested_by=officer,
            requested_at=now,
        )
        dossier.due_at = new_due
        dossier.save(update_fields=["due_at", "updated_at"])
        event = services._event(
            dossier,
            action=EventAction.RESCHEDULED,
            actor=officer,
            role=role,
            from_status=dossier.status,
            note=reason,
            data={"old_due_at": old_due.isoformat(), "new_due_at": new_due.isoformat(), "days": extra_days},
            at=now,
        )
        record_audit(
            actor=officer,
            action="dossier.reschedule",
            target=dossier,
            before={"due_at": old_due.isoformat()},
            after={"due_at": new_due.isoformat(), "reason": reason},
        )
        services._notify(
            dossier,
            "dossier.rescheduled",
            event,
            reason=reason,
            deadline=services._fmt(old_due),
            due_at=services._fmt(new_due),
        )
    return slip


# --- Inter-agency transfer (liên thông) --------------------------------------------------------------


def _handover(dossier: Dossier) -> list[dict[str, Any]]:
    return [
        {"id": d.pk, "name": d.title or d.original_name, "sha256": d.sha256}
        for d in dossier.documents.filter(
            kind__in=[DocumentKind.APPLICATION, DocumentKind.SUPPLEMENT, DocumentKind.RESULT]
        ).order_by("uploaded_at", "pk")
    ]


def _transfer(
    dossier: Dossier, task: OpenTask, officer: User, note: str, target: Agency | None, days: int
) -> ActResult:
    if target is None:
        raise DossierError(_("Vui lòng chọn cơ quan nhận liên thông."), code=DossierErrorCode.INVALID)
    if target.pk == task.candidate_agency_id:
        raise DossierError(
            _("Cơ quan nhận liên thông phải khác cơ quan đang xử lý."), code=DossierErrorCode.INVALID
        )
    if not isinstance(days, int) or not 1 <= days <= MAX_TRANSFER_DAYS:
        raise DossierError(
            _("Thời hạn liên thông phải từ 1 đến %(max)s ngày làm việc.") % {"max": MAX_TRANSFER_DAYS},
            code=DossierErrorCode.INVALID,
        )
    now = clock.now()
    try:
        due = services._workdays().due_at(target, now, days, DurationUnit.WORKING_DAYS)
    except (AgencyError, ValueError) as exc:
        raise services._calendar_error(exc) from exc
    try:
        with transaction.atomic():
            transfer = InterAgencyTransfer.objects.create(
                dossier=dossier,
                task_uuid=task.task_uuid,
                task_name=task.name,
                from_agency_id=task.candidate_agency_id,
                to_agency=target,
                note=note,
                documents=_handover(dossier),
                due_at=due,
                sent_by=officer,
                sent_at=now,
            )
    except IntegrityError:
        raise DossierError(
            _("Hồ sơ đang được xử lý liên thông; chờ kết quả trả về."), code=DossierErrorCode.ALREADY_DONE
        ) from None
    _record(
        dossier,
        action=EventAction.TRANSFERRED,
        actor=officer,
        role=task.candidate_role,
        agency_id=task.candidate_agency_id,
        stage=task.stage,
        from_status=dossier.status,
        note=note,
        data=_task_data(task)
        | {
            "transfer": transfer.pk,
            "to_agency": target.name,
            "transfer_due_at": due.isoformat() if due else None,
        },
        at=now,
    )
    record_audit(
        actor=officer,
        action="dossier.transfer",
        target=dossier,
        after={"transfer": transfer.pk, "to_agency": target.pk, "documents": len(transfer.documents)},
    )
    return ActResult(dossier=dossier, opened=[task], finished=False)


def _transfer_officer_role(officer: Any, transfer: InterAgencyTransfer) -> str:
    if officer is None or not getattr(officer, "is_authenticated", False) or not officer.is_active:
        raise DossierError(
            _("Bạn không có quyền thao tác trên hồ sơ này."), code=DossierErrorCode.NOT_ALLOWED
        )
    scope = get_data_scope(officer)
    for role in (Role.SPECIALIST, Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.COUNTER_OFFICER):
        if scope.allows(agency_id=transfer.to_agency_id, roles=[role]):
            return str(role)
    raise DossierError(
        _("Hồ sơ liên thông này không gửi tới cơ quan của bạn."), code=DossierErrorCode.NOT_ALLOWED
    )


def _sha256(document: DossierDocument) -> str:
    digest = hashlib.sha256()
    with document.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


def changed_documents(transfer: InterAgencyTransfer) -> list[str]:
    """Names of handed-over files that are missing or whose content no longer matches its hash."""
    stored = {d.pk: d for d in DossierDocument.objects.filter(pk__in=[i["id"] for i in transfer.documents])}
    changed = []
    for item in transfer.documents:
        document = stored.get(item["id"])
        try:
            ok = (
                document is not None
                and document.sha256 == item["sha256"]
                and _sha256(document) == item["sha256"]
            )
        except (FileNotFoundError, OSError):
            ok = False
        if not ok:
            changed.append(str(item.get("name", item["id"])))
    return changed


def accept_transfer(*, transfer: InterAgencyTransfer, officer: User) -> InterAgencyTransfer:
    """The receiving agency takes the dossier: every file is hash-checked; a changed file refuses the
    transfer (status REFUSED, audited) and raises ``DossierError`` FILE_REJECTED."""
    role = _transfer_officer_role(officer, transfer)
    with transaction.atomic():
        transfer = InterAgencyTransfer.objects.select_for_update().get(pk=transfer.pk)
        if transfer.status != TransferStatus.SENT:
            raise DossierError(
                _("Hồ sơ liên thông này đã được tiếp nhận."), code=DossierErrorCode.ALREADY_DONE
            )
        changed = changed_documents(transfer)
        now = clock.now()
        dossier = transfer.dossier
        if changed:
            transfer.status = TransferStatus.REFUSED
            transfer.result_note = _("Tệp bị thay đổi sau khi bàn giao: %(files)s") % {
                "files": "; ".join(changed)
            }
            transfer.returned_at = now
            transfer.returned_by = officer
            transfer.save()
            _record(
                dossier,
                action=EventAction.NOTE,
                actor=officer,
                role=role,
                agency_id=transfer.to_agency_id,
                stage="",
                from_status=dossier.status,
                note=transfer.result_note,
                data={"transfer": transfer.pk, "changed": changed},
                at=now,
            )
            record_audit(
                actor=officer,
                action="dossier.transfer_hash_mismatch",
                target=dossier,
                after={"transfer": transfer.pk, "changed": changed},
            )
    if transfer.status == TransferStatus.REFUSED:
        raise DossierError(
            _("Không tiếp nhận: tệp đã bị thay đổi sau khi bàn giao (%(files)s). Đã báo cơ quan chuyển.")
            % {"files": "; ".join(changed)},
            code=DossierErrorCode.FILE_REJECTED,
        )
    with transaction.atomic():
        transfer.status = TransferStatus.ACCEPTED
        transfer.accepted_by = officer
        transfer.accepted_at = now
        transfer.save()
        _record(
            dossier,
            action=EventAction.TRANSFER_ACCEPTED,
            actor=officer,
            role=role,
            agency_id=transfer.to_agency_id,
            stage=TaskStage.PROCESSING,
            from_status=dossier.status,
            data={"transfer": transfer.pk},
            at=now,
        )
        record_audit(
            actor=officer, action="dossier.transfer_accept", target=dossier, after={"transfer": transfer.pk}
        )
    return transfer


def return_transfer(
    *, transfer: InterAgencyTransfer, officer: User, upload: UploadedFile, title: str, note: str = ""
) -> InterAgencyTransfer:
    """The receiving agency sends its result back: a RESULT document of the same dossier; the task that
    sent it can go on."""
    title = (title or "").strip()
    if not title:
        raise DossierError(_("Vui lòng nhập tên kết quả xử lý liên thông."), code=DossierErrorCode.INVALID)
    role = _transfer_officer_role(officer, transfer)
    dossier = transfer.dossier
    checked = services._check(upload, actor=officer, dossier=dossier)
    with transaction.atomic():
        transfer = InterAgencyTransfer.objects.select_for_update().get(pk=transfer.pk)
        if transfer.status != TransferStatus.ACCEPTED:
            raise DossierError(
                _("Chỉ trả kết quả cho hồ sơ liên thông đang xử lý."),
                code=DossierErrorCode.INVALID_TRANSITION,
            )
        now = clock.now()
        document = services._store(
            dossier, checked, actor=officer, kind=DocumentKind.RESULT, required_document=None, title=title
        )
        transfer.status = TransferStatus.RETURNED
        transfer.result_document = document
        transfer.result_note = (note or "").strip()
        transfer.returned_by = officer
        transfer.returned_at = now
        transfer.save()
        _record(
            dossier,
            action=EventAction.TRANSFER_RETURNED,
            actor=officer,
            role=role,
            agency_id=transfer.to_agency_id,
            stage=TaskStage.PROCESSING,
            from_status=dossier.status,
            note=transfer.result_note or title,
            data={"transfer": transfer.pk, "document": document.pk, "sha256": document.sha256},
            at=now,
        )
        record_audit(
            actor=officer,
            action="dossier.transfer_return",
            target=dossier,
            after={"transfer": transfer.pk, "document": document.pk, "sha256": document.sha256},
        )
    return transfer
