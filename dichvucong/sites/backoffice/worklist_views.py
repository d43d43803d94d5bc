"""Officers' worklists and the task actions: "Việc của tôi", "Việc chờ nhận", incoming liên thông.

The lists read the workflows' ``OpenTask`` projection only (``dossiers.selectors.worklist``) plus one
query for the dossiers of the page, so their cost does not depend on how many tasks an officer has.
Claiming, assigning and acting go through ``dossiers.processing`` (one transaction per step: engine,
dossier status, event, audit, notification); a refused step shows its translated message and changes
nothing. A task of a dossier the officer may not see is a 404, exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dichvucong.accounts.constants import Role
from dichvucong.accounts.models import User
from dichvucong.agencies.constants import ADMIN_ROLES, SlaState
from dichvucong.agencies.models import Agency
from dichvucong.dossiers import processing, selectors
from dichvucong.dossiers.errors import DossierError
from dichvucong.dossiers.models import Dossier, InterAgencyTransfer
from dichvucong.procedures.constants import VersionStatus
from dichvucong.procedures.models import ProcedureVersion
from dichvucong.sites.backoffice import dossier_forms as df
from dichvucong.sites.backoffice.access import officer_required
from dichvucong.workflows import permissions as workflow_permissions
from dichvucong.workflows.constants import ProcessVersionStatus, TaskAction, TaskStage
from dichvucong.workflows.models import OpenTask, ProcessVersion
from dichvucong.workflows.selectors import list_process_definitions

PAGE_SIZE = 30
WORKLIST_ROLES = (Role.COUNTER_OFFICER, Role.SPECIALIST, Role.UNIT_HEAD, Role.AGENCY_LEADER)
TABS = ("mine", "available", "transfers")
SLA_ICONS = {SlaState.ON_TIME: "✓", SlaState.NEAR_DUE: "!", SlaState.OVERDUE: "✕"}


def sla_badge(state: str) -> dict[str, str]:
    """What the SLA badge shows: a class for the colour, an icon and the words (never colour alone)."""
    state = state if state in SlaState.values else SlaState.ON_TIME
    return {"state": state, "icon": SLA_ICONS[SlaState(state)], "label": str(SlaState(state).label)}


def sla_legend() -> list[dict[str, str]]:
    return [sla_badge(state) for state in SlaState.values]


# --- helpers -------------------------------------------------------------------------------------


def _task_or_404(pk: int) -> OpenTask:
    task = (
        OpenTask.objects.select_related("spec", "candidate_agency", "assignee")
        .filter(pk=pk, subject_type=processing.SUBJECT_TYPE)
        .first()
    )
    if task is None:
        raise Http404
    return task


def _dossier_of(request: HttpRequest, task: OpenTask) -> Dossier:
    """The task's dossier if the officer may see it (its scope, or a candidate / assigner of the task)."""
    dossier = selectors.get_dossier_for_user(request.user, task.subject_id)
    if dossier is not None:
        return dossier
    user = request.user
    if workflow_permissions.is_candidate(user, task) or workflow_permissions.can_assign(user, task):
        found = Dossier.objects.select_related("procedure", "procedure_version", "agency").filter(
            pk=int(task.subject_id)
        )
        dossier = found.first()
        if dossier is not None:
            return dossier
    raise Http404


def _back(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    target = request.POST.get("next", "")
    if target == "worklist":
        return redirect("backoffice:worklist")
    return redirect("backoffice:dossier_detail", pk=dossier.pk)


def transfer_agencies(task: OpenTask | None = None) -> Any:
    """Agencies a task may be handed to (liên thông): every current agency but the task's own."""
    agencies = Agency.objects.order_by("name")
    return agencies.exclude(pk=task.candidate_agency_id) if task is not None else agencies


# --- worklists -----------------------------------------------------------------------------------


@officer_required(roles=WORKLIST_ROLES)
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    """The officer's tasks (mine / to take) with filters, or the liên thông dossiers sent to them."""
    tab = request.GET.get("tab", "mine")
    tab = tab if tab in TABS else "mine"
    scope = request.data_scope  # type: ignore[attr-defined]
    form = df.WorklistFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value}
    rows: list[dict[str, Any]] = []
    page = None
    transfers: list[InterAgencyTransfer] = []
    if tab == "transfers":
        transfers = list(selectors.incoming_transfers(scope)[:200])
    else:
        tasks = selectors.worklist(
            request.user,
            scope,
            tab=selectors.WORKLIST_AVAILABLE if tab == "available" else selectors.WORKLIST_MINE,
            stage=filters.get("stage", ""),
            sla=filters.get("sla", ""),
            procedure=filters.get("procedure", ""),
            q=filters.get("q", ""),
            sort=filters.get("sort", "due"),
        )
        page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
        dossiers = selectors.dossiers_of_tasks(page.object_list)
        for task in page.object_list:
            rows.append(
                {
                    "task": task,
                    "dossier": dossiers.get(task.subject_id),
                    "sla": sla_badge(selectors.live_sla_state(task)),
                }
            )
    query = request.GET.copy()
    query.pop("page", None)
    counts = {
        "mine": selectors.worklist(request.user, scope, tab=selectors.WORKLIST_MINE).count(),
        "available": selectors.worklist(request.user, scope, tab=selectors.WORKLIST_AVAILABLE).count(),
    }
    return render(
        request,
        "backoffice/worklist/list.html",
        {
            "tab": tab,
            "form": form,
            "rows": rows,
            "page": page,
            "transfers": transfers,
            "counts": counts,
            "legend": sla_legend(),
            "query_string": query.urlencode(),
        },
    )


# --- task actions --------------------------------------------------------------------------------


@officer_required(roles=WORKLIST_ROLES)
@require_POST
def task_claim(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_or_404(pk)
    dossier = _dossier_of(request, task)
    try:
        processing.claim(dossier=dossier, task=task, officer=request.user)
    except DossierError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Bạn đã nhận xử lý “%(task)s”.") % {"task": task.name})
    return _back(request, dossier)


def next_assignees(task: OpenTask) -> Any:
    """Whom a unit head's assignment step ("Phân công thụ lý") may give the next step to: the
    specialists of the task's agency; None for other steps (no choice offered)."""
    if task.candidate_role != Role.UNIT_HEAD or task.stage != TaskStage.PROCESSING:
        return None
    return (
        User.objects.filter(
            is_active=True,
            assignments__active=True,
            assignments__role=Role.SPECIALIST,
            assignments__agency_id=task.candidate_agency_id,
        )
        .distinct()
        .order_by("full_name", "username")
    )


def assign_candidates(task: OpenTask) -> Any:
    """Active officers holding the task's candidate role at the task's agency."""
    return (
        User.objects.filter(
            is_active=True,
            assignments__active=True,
            assignments__role=task.candidate_role,
        )
        .filter(Q(assignments__agency_id=task.candidate_agency_id))
        .distinct()
        .order_by("full_name", "username")
    )


@officer_required(roles=(Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.AGENCY_ADMIN, Role.CITY_ADMIN))
def task_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit head gives a task to an officer of the task's role (or reassigns it)."""
    task = _task_or_404(pk)
    dossier = _dossier_of(request, task)
    if not workflow_permissions.can_assign(request.user, task):
        raise Http404
    form = df.AssignForm(request.POST or None, candidates=assign_candidates(task))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            assignee = form.cleaned_data["assignee"]
            try:
                processing.assign(dossier=dossier, task=task, assignee=assignee, officer=request.user)
            except DossierError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Đã giao “%(task)s” cho %(name)s.")
                    % {"task": task.name, "name": assignee.display_name},
                )
                return _back(request, dossier)
        status = 400
        df.mark_errors(form)
    return render(
        request,
        "backoffice/worklist/assign.html",
        {"task": task, "dossier": dossier, "form": form, "sla": sla_badge(selectors.live_sla_state(task))},
        status=status,
    )


@officer_required(roles=WORKLIST_ROLES)
@require_POST
def task_act(request: HttpRequest, pk: int) -> HttpResponse:
    """One action of the task's allowed actions, from the dossier page."""
    task = _task_or_404(pk)
    dossier = _dossier_of(request, task)
    form = df.TaskActionForm(request.POST, agencies=transfer_agencies(task), assignees=next_assignees(task))
    if not form.is_valid():
        errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, errors)
        return redirect(f"{reverse('backoffice:dossier_detail', args=[dossier.pk])}#task-{task.pk}")
    data = form.cleaned_data
    action = data["action"]
    try:
        result = processing.act_on_task(
            dossier=dossier,
            task=task,
            officer=request.user,
            action=action,
            note=data["note"],
            target_agency=data.get("target_agency"),
            items=data.get("item_list"),
            deadline_days=data.get("deadline_days") or 3,
            return_method=data.get("return_method") if data.get("return_method") not in (None, "") else None,
            transfer_days=data.get("transfer_days") or processing.DEFAULT_TRANSFER_DAYS,
            assignee=data.get("assignee") if action == TaskAction.APPROVE else None,
        )
    except DossierError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('backoffice:dossier_detail', args=[dossier.pk])}#task-{task.pk}")
    label = str(TaskAction(action).label) if action in TaskAction.values else action
    if result.opened and action != TaskAction.TRANSFER:
        messages.success(
            request,
            _("Đã thực hiện “%(action)s”. Bước tiếp theo: %(next)s.")
            % {"action": label, "next": ", ".join(t.name for t in result.opened)},
        )
    else:
        messages.success(request, _("Đã thực hiện “%(action)s”.") % {"action": label})
    return _back(request, dossier)


# --- inter-agency transfers ------------------------------------------------------------------------


def _transfer_or_404(request: HttpRequest, pk: int) -> InterAgencyTransfer:
    transfer = selectors.get_transfer_for_user(request.user, pk)
    if transfer is None:
        raise Http404
    return transfer


def _may_handle_transfer(request: HttpRequest, transfer: InterAgencyTransfer) -> bool:
    return request.data_scope.allows(  # type: ignore[attr-defined]
        agency_id=transfer.to_agency_id, roles=WORKLIST_ROLES
    )


@officer_required(roles=WORKLIST_ROLES)
@require_GET
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A liên thông dossier: what was handed over (with its hashes), the deadline, accept / return."""
    return _render_transfer(request, _transfer_or_404(request, pk))


def _render_transfer(
    request: HttpRequest, transfer: InterAgencyTransfer, return_form: Any = None, status: int = 200
) -> HttpResponse:
    dossier = transfer.dossier
    documents = {d.pk: d for d in dossier.documents.all()}
    handed = [(item, documents.get(item.get("id"))) for item in transfer.documents]
    return render(
        request,
        "backoffice/worklist/transfer.html",
        {
            "transfer": transfer,
            "dossier": dossier,
            "handed": handed,
            "can_handle": _may_handle_transfer(request, transfer),
            "return_form": return_form or df.TransferReturnForm(),
        },
        status=status,
    )


@officer_required(roles=WORKLIST_ROLES)
@require_POST
def transfer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer_or_404(request, pk)
    if not _may_handle_transfer(request, transfer):
        raise Http404
    try:
        processing.accept_transfer(transfer=transfer, officer=request.user)
    except DossierError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã tiếp nhận hồ sơ liên thông; các tệp khớp mã băm khi bàn giao."))
    return redirect("backoffice:transfer_detail", pk=transfer.pk)


@officer_required(roles=WORKLIST_ROLES)
@require_POST
def transfer_return(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer_or_404(request, pk)
    if not _may_handle_transfer(request, transfer):
        raise Http404
    form = df.TransferReturnForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            processing.return_transfer(
                transfer=transfer,
                officer=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                note=form.cleaned_data["note"],
            )
        except DossierError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Đã trả kết quả liên thông về cơ quan chuyển."))
            return redirect("backoffice:transfer_detail", pk=transfer.pk)
    df.mark_errors(form)
    return _render_transfer(request, transfer, return_form=form, status=400)


# --- the process of a procedure version (catalog) ---------------------------------------------------


@officer_required(roles=tuple(ADMIN_ROLES))
def procedure_process(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """Which process a procedure version runs: chosen on a draft, shown on published versions."""
    version = (
        ProcedureVersion.objects.select_related("procedure", "process_version__definition")
        .filter(procedure__code=code, number=number)
        .first()
    )
    if version is None:
        raise Http404
    processes = ProcessVersion.objects.filter(
        status=ProcessVersionStatus.PUBLISHED,
        definition__in=list_process_definitions(user=request.user),
    ).select_related("definition")
    form = df.ProcessChoiceForm(
        request.POST or None, processes=processes, initial={"process": version.process_version}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                processing.choose_process(
                    version=version, process=form.cleaned_data["process"], actor=request.user
                )
            except DossierError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Đã chọn quy trình xử lý cho phiên bản này."))
                return redirect("backoffice:catalog_version", code=code, number=number)
        status = 400
        df.mark_errors(form)
    return render(
        request,
        "backoffice/worklist/procedure_process.html",
        {
            "version": version,
            "procedure": version.procedure,
            "form": form,
            "effective": processing.process_version_for(version),
            "editable": version.status == VersionStatus.DRAFT,
        },
        status=status,
    )
