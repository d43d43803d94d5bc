"""The one-stop counter in the back office: reception queue, decisions, counter intake, results, search.

Every view goes through ``officer_required``; every dossier is loaded with
``dossiers.selectors.get_dossier_for_user`` (the officer's data scope), so a dossier of another agency
is a 404 exactly like one that does not exist. Decisions need the counter-officer role at the
dossier's agency (a grant of the scope that covers it); writes are the ``dossiers.services`` calls,
which refuse bad transitions with a translated ``DossierError`` shown to the officer.

The applicant-name search compares the folded query with ``Dossier.applicant_search_name`` (kept
folded by the services, GIN-trigram indexed on PostgreSQL), so "nguyen van an" finds "Nguyễn Văn An".
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dichvucong.accounts.constants import Role
from dichvucong.accounts.validation import mask_cccd, mask_phone
from dichvucong.agencies import workdays
from dichvucong.agencies.models import Agency
from dichvucong.agencies.scopes import restrict
from dichvucong.core import clock
from dichvucong.core.text import fold
from dichvucong.dossiers import processing, selectors, services, slips
from dichvucong.dossiers.constants import (
    DocumentKind,
    DossierStatus,
    ReturnMethod,
    SubmissionChannel,
    TransferStatus,
)
from dichvucong.dossiers.errors import DossierError
from dichvucong.dossiers.models import Dossier, DossierReschedule, SupplementRequest
from dichvucong.forms.documents import answer_rows
from dichvucong.forms.rendering import render_error_summary, render_form
from dichvucong.forms.validation import process_submission
from dichvucong.procedures.constants import VersionStatus
from dichvucong.procedures.models import Procedure
from dichvucong.procedures.search import search_procedures
from dichvucong.sites.backoffice import dossier_forms as df
from dichvucong.sites.backoffice.access import forbidden, officer_required
from dichvucong.workflows import permissions as workflow_permissions
from dichvucong.workflows.constants import TaskAction
from dichvucong.workflows.models import OpenTask

PAGE_SIZE = 30
COUNTER_ROLES = (Role.COUNTER_OFFICER,)
# Who may attach a result and mark a dossier resolved (the workflow issue refines the processing roles).
RESULT_ROLES = (Role.COUNTER_OFFICER, Role.SPECIALIST, Role.UNIT_HEAD, Role.AGENCY_LEADER)
RESULT_STATUSES = (DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.RESOLVED)
PROCEDURE_SEARCH_AGENCIES = 5  # above this many counter agencies, filter the hits afterwards
DONE_NOTICES = ("received", "refused", "supplement", "intake", "returned", "rescheduled")
# Pending statuses whose clock runs (received, processing, waiting for a payment): "overdue" as in
# Biểu 06 (``reports.rollups``); waiting for a supplement (5) stops the clock.
OVERDUE_STATUSES = (DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.PAYMENT_REQUESTED)
# Who may apologise and set a new return date (Mẫu 04): the handling officers and their heads.
PROCESSING_ROLES = (Role.SPECIALIST, Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.COUNTER_OFFICER)


# --- helpers -----------------------------------------------------------------------------------


def _dossier_or_404(request: HttpRequest, pk: int) -> Dossier:
    dossier = selectors.get_dossier_for_user(request.user, pk)
    if dossier is None:
        # An officer of another agency sees the dossier while one of its open tasks is theirs to take.
        dossier = _dossier_of_my_task(request, pk)
    if dossier is None:
        raise Http404
    return dossier


def _dossier_of_my_task(request: HttpRequest, pk: int) -> Dossier | None:
    condition = selectors.candidate_filter(request.data_scope)  # type: ignore[attr-defined]
    mine = OpenTask.objects.filter(subject_type=processing.SUBJECT_TYPE, subject_id=str(pk))
    allowed = Q(assignee=request.user) if condition is None else Q(assignee=request.user) | condition
    if not mine.filter(allowed).exists():
        return None
    return Dossier.objects.select_related("procedure", "procedure_version", "agency").filter(pk=pk).first()


def _task_panels(request: HttpRequest, dossier: Dossier, action_form: Any = None) -> list[dict[str, Any]]:
    """Each open task with its SLA badge and what this officer may do on it (claim, assign, actions)."""
    from dichvucong.sites.backoffice.worklist_views import next_assignees, sla_badge, transfer_agencies

    user = request.user
    waiting = dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    pending = dossier.transfers.filter(status__in=[TransferStatus.SENT, TransferStatus.ACCEPTED]).exists()
    panels = []
    for task in processing.open_tasks(dossier):
        may_act = workflow_permissions.can_act_on(user, task) and not waiting and not pending
        actions = []
        if may_act and task.assignee_id == user.pk:
            for action in task.spec.actions or []:
                if action not in TaskAction.values:
                    continue
                if action == TaskAction.RETURN_RESULT and dossier.status != DossierStatus.RESOLVED:
                    continue
                form = (
                    action_form
                    if action_form is not None and action_form.data.get("action") == action
                    else df.TaskActionForm(
                        initial={"action": action, "return_method": dossier.return_method},
                        agencies=transfer_agencies(task) if action == TaskAction.TRANSFER else None,
                        assignees=next_assignees(task) if action == TaskAction.APPROVE else None,
                        prefix=None,
                        auto_id=f"id_t{task.pk}_{action}_%s",
                    )
                )
                actions.append({"action": action, "label": TaskAction(action).label, "form": form})
        panels.append(
            {
                "task": task,
                "sla": sla_badge(selectors.live_sla_state(task)),
                "can_claim": may_act and task.assignee_id is None,
                "can_assign": workflow_permissions.can_assign(user, task),
                "actions": actions,
            }
        )
    return panels


def _field_code(dossier: Dossier) -> str | None:
    version = dossier.procedure_version
    return version.field.code if version.field_id else None


def _may(request: HttpRequest, dossier: Dossier, roles: tuple[str, ...]) -> bool:
    """Whether the officer holds one of ``roles`` at the dossier's agency (and for its field)."""
    return request.data_scope.allows(  # type: ignore[attr-defined]
        agency_id=dossier.agency_id, field_code=_field_code(dossier), roles=roles
    )


def _counter_agencies(request: HttpRequest) -> QuerySet[Agency]:
    ids = request.data_scope.agency_ids_for(*COUNTER_ROLES)  # type: ignore[attr-defined]
    agencies = Agency.objects.all()
    return agencies if ids is None else agencies.filter(pk__in=sorted(ids))


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _slug(dossier: Dossier) -> str:
    return dossier.code or f"ho-so-{dossier.pk}"


def _form_labels() -> dict[str, str]:
    """Labels of the keys the plain form (portal and counter) stores in ``form_data``."""
    return {
        "content": _("Nội dung yêu cầu giải quyết"),
        "return_method": _("Hình thức nhận kết quả"),
        "return_address": _("Địa chỉ nhận kết quả"),
    }


def _form_data_rows(form_data: Any, version: Any = None) -> list[tuple[str, str]]:
    """The form's answers as (label, value) rows: the declaration designed for the procedure (its
    labels and values as on paper) first, then the plain keys; other nested values as text."""
    if not isinstance(form_data, dict):
        return []
    labels = _form_labels()
    rows = []
    declared = getattr(version, "form_version", None) if getattr(version, "form_version_id", None) else None
    if declared is not None and isinstance(form_data.get("fields"), dict):
        rows.extend(answer_rows(declared.spec, form_data["fields"]))
    for key, value in form_data.items():
        if value in (None, ""):
            continue
        if declared is not None and key in ("fields", "form"):
            continue
        if key == "return_method" and str(value).isdigit() and int(value) in ReturnMethod.values:
            rows.append((labels[key], str(ReturnMethod(int(value)).label)))
            continue
        if isinstance(value, dict):
            text = "; ".join(f"{k}: {v}" for k, v in value.items())
        elif isinstance(value, list):
            text = "; ".join(str(v) for v in value)
        else:
            text = "" if value is None else str(value)
        rows.append((labels.get(str(key), str(key).replace("_", " ")), text))
    return rows


def _detail_context(request: HttpRequest, dossier: Dossier, **forms_: Any) -> dict[str, Any]:
    documents = list(dossier.documents.order_by("uploaded_at", "pk"))
    present = {d.required_document_id for d in documents if d.required_document_id}
    required = [
        (item, item.pk in present) for item in dossier.procedure_version.documents.order_by("position", "pk")
    ]
    can_decide = dossier.status == DossierStatus.NEW and _may(request, dossier, COUNTER_ROLES)
    can_result = dossier.status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING) and _may(
        request, dossier, RESULT_ROLES
    )
    can_return = dossier.status == DossierStatus.RESOLVED and _may(request, dossier, COUNTER_ROLES)
    results = [d for d in documents if d.kind == DocumentKind.RESULT]
    notice = request.GET.get("xong", "")
    workflow = processing.has_workflow(dossier)
    if workflow:
        # The process decides: resolving and returning are steps of its tasks.
        can_return = False
    reschedule = DossierReschedule.objects.filter(dossier=dossier).first()
    active = dossier.status in processing.RESCHEDULABLE
    sla = None
    if active and dossier.due_at is not None:
        from dichvucong.sites.backoffice.worklist_views import sla_badge

        sla = sla_badge(workdays.sla_state(dossier))
    return {
        "dossier": dossier,
        "applicant_id": mask_cccd(dossier.applicant_id_number),
        "applicant_phone": mask_phone(dossier.applicant_phone),
        "form_rows": _form_data_rows(dossier.form_data, dossier.procedure_version),
        "documents": [d for d in documents if d.kind != DocumentKind.RESULT],
        "results": results,
        "required": required,
        "missing_count": sum(1 for item, ok in required if item.is_required and not ok),
        "events": selectors.history(dossier),
        "supplement_requests": list(dossier.supplement_requests.order_by("-requested_at")),
        "can_decide": can_decide,
        "can_result": can_result,
        "can_resolve": can_result and bool(results) and not workflow,
        "has_workflow": workflow,
        "tasks": _task_panels(request, dossier, forms_.get("action_form")) if workflow else [],
        "transfers": list(dossier.transfers.select_related("to_agency", "from_agency")),
        "reschedule": reschedule,
        "can_reschedule": reschedule is None
        and active
        and dossier.due_at is not None
        and _may(request, dossier, PROCESSING_ROLES),
        "dossier_sla": sla,
        "can_return": can_return,
        "accept_form": forms_.get("accept_form") or df.AcceptForm(),
        "refuse_form": forms_.get("refuse_form") or df.RefuseForm(),
        "result_form": forms_.get("result_form") or df.ResultForm(),
        "resolve_form": forms_.get("resolve_form") or df.ResolveForm(),
        "return_form": forms_.get("return_form") or df.ReturnForm(),
        "notice": notice if notice in DONE_NOTICES else "",
        "statuses": DossierStatus,
    }


def _render_detail(
    request: HttpRequest, dossier: Dossier, *, status: int = 200, **forms_: Any
) -> HttpResponse:
    for form in forms_.values():
        df.mark_errors(form)
    return render(
        request, "backoffice/dossiers/detail.html", _detail_context(request, dossier, **forms_), status=status
    )


def _done(dossier: Dossier, notice: str) -> HttpResponse:
    return redirect(f"{reverse('backoffice:dossier_detail', args=[dossier.pk])}?xong={notice}")


# --- reception ---------------------------------------------------------------------------------


@officer_required(roles=COUNTER_ROLES)
@require_GET
def reception(request: HttpRequest) -> HttpResponse:
    """Online dossiers waiting for reception (status NEW) in the officer's scope, oldest first."""
    queue = (
        selectors.list_reception_queue(request.data_scope)  # type: ignore[attr-defined]
        .select_related("procedure_version", "agency")
        .order_by("submitted_at", "pk")
    )
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(dossier, now - dossier.submitted_at if dossier.submitted_at else None) for dossier in page]
    return render(request, "backoffice/dossiers/reception.html", {"page": page, "rows": rows})


@officer_required
@require_GET
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything the counter needs to decide: applicant, form, documents against the list, history."""
    return _render_detail(request, _dossier_or_404(request, pk))


@officer_required(roles=COUNTER_ROLES)
@require_POST
def dossier_accept(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_or_404(request, pk)
    if not _may(request, dossier, COUNTER_ROLES):
        return forbidden(request)
    form = df.AcceptForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, dossier, status=400, accept_form=form)
    try:
        services.receive(dossier=dossier, officer=request.user, note=form.cleaned_data["note"])
    except DossierError as error:
        messages.error(request, error.message)
        return redirect("backoffice:dossier_detail", pk=dossier.pk)
    return _done(dossier, "received")


@officer_required(roles=COUNTER_ROLES)
@require_POST
def dossier_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    """Two steps: the reason, then a confirmation page; only the confirmed POST refuses."""
    dossier = _dossier_or_404(request, pk)
    if not _may(request, dossier, COUNTER_ROLES):
        return forbidden(request)
    form = df.RefuseForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, dossier, status=400, refuse_form=form)
    if not form.cleaned_data["confirmed"]:
        confirm = df.RefuseForm(initial={"reason": form.cleaned_data["reason"], "confirmed": True})
        confirm.fields["reason"].widget = forms.HiddenInput()
        return render(
            request,
            "backoffice/dossiers/refuse_confirm.html",
            {"dossier": dossier, "form": confirm, "reason": form.cleaned_data["reason"]},
        )
    try:
        services.refuse(dossier=dossier, officer=request.user, reason=form.cleaned_data["reason"])
    except DossierError as error:
        messages.error(request, error.message)
        return redirect("backoffice:dossier_detail", pk=dossier.pk)
    return _done(dossier, "refused")


@officer_required(roles=COUNTER_ROLES)
def dossier_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    """Mẫu 02: the exact list of what to add (items of the required list and/or free rows), once."""
    dossier = _dossier_or_404(request, pk)
    if not _may(request, dossier, COUNTER_ROLES):
        return forbidden(request)
    required = list(dossier.procedure_version.documents.order_by("position", "pk"))
    form = df.SupplementForm(request.POST or None, required_documents=required)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.request_supplement(
                    dossier=dossier,
                    officer=request.user,
                    items=data["items"],
                    note=data["note"].strip(),
                    deadline_days=data["deadline_days"],
                )
            except DossierError as error:
                form.add_error(None, error.message)
            else:
                return _done(dossier, "supplement")
        status = 400
        df.mark_errors(form)
    return render(
        request, "backoffice/dossiers/supplement.html", {"dossier": dossier, "form": form}, status=status
    )


# --- documents and slips -----------------------------------------------------------------------


@officer_required
@require_GET
def dossier_document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponseBase:
    """A file of a dossier in scope: shown inline, or downloaded with ``?tai=1``."""
    dossier = _dossier_or_404(request, pk)
    document = dossier.documents.filter(pk=document_pk).first()
    if document is None or not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=request.GET.get("tai") == "1",
        filename=document.original_name or document.file.name.rsplit("/", 1)[-1],
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@officer_required
@require_GET
def dossier_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """Mẫu 01, the receipt with its appointment date, as a PDF to print."""
    dossier = _dossier_or_404(request, pk)
    if not dossier.code:
        raise Http404
    return _pdf(slips.receipt_pdf(dossier), f"giay-tiep-nhan-{_slug(dossier)}.pdf")


@officer_required
@require_GET
def dossier_refusal_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Mẫu 03, the refusal notice."""
    dossier = _dossier_or_404(request, pk)
    if dossier.status != DossierStatus.REFUSED:
        raise Http404
    return _pdf(slips.refusal_pdf(dossier), f"phieu-tu-choi-{_slug(dossier)}.pdf")


@officer_required
@require_GET
def dossier_supplement_pdf(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    """Mẫu 02, one supplement request."""
    dossier = _dossier_or_404(request, pk)
    supplement = SupplementRequest.objects.filter(dossier=dossier, pk=request_pk).first()
    if supplement is None:
        raise Http404
    return _pdf(slips.supplement_request_pdf(supplement), f"phieu-yeu-cau-bo-sung-{_slug(dossier)}.pdf")


@officer_required(roles=PROCESSING_ROLES)
def dossier_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Mẫu 04: apologise for the delay and set the new return date (once per dossier)."""
    dossier = _dossier_or_404(request, pk)
    if not _may(request, dossier, PROCESSING_ROLES):
        return forbidden(request)
    form = df.RescheduleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                processing.reschedule(
                    dossier=dossier,
                    officer=request.user,
                    reason=form.cleaned_data["reason"],
                    extra_days=form.cleaned_data["extra_days"],
                )
            except DossierError as error:
                form.add_error(None, error.message)
            else:
                return _done(dossier, "rescheduled")
        status = 400
        df.mark_errors(form)
    return render(
        request, "backoffice/dossiers/reschedule.html", {"dossier": dossier, "form": form}, status=status
    )


@officer_required
@require_GET
def dossier_apology_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Mẫu 04, the apology and new return date."""
    dossier = _dossier_or_404(request, pk)
    reschedule = DossierReschedule.objects.filter(dossier=dossier).select_related("requested_by").first()
    if reschedule is None:
        raise Http404
    return _pdf(slips.apology_pdf(reschedule), f"phieu-xin-loi-{_slug(dossier)}.pdf")


@officer_required
@require_GET
def dossier_process_control_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Mẫu 05, the process-control slip generated from the event log."""
    dossier = _dossier_or_404(request, pk)
    if dossier.received_at is None:
        raise Http404
    return _pdf(slips.process_control_pdf(dossier), f"phieu-kiem-soat-{_slug(dossier)}.pdf")


# --- counter intake ----------------------------------------------------------------------------


def _local_procedures(request: HttpRequest, query: str) -> list[Any]:
    """Published procedures matching ``query`` with an active local variant at a counter agency."""
    agencies = list(_counter_agencies(request).values_list("pk", "code"))
    ids = request.data_scope.agency_ids_for(*COUNTER_ROLES)  # type: ignore[attr-defined]
    hits: dict[str, Any] = {}
    if ids is not None and len(agencies) <= PROCEDURE_SEARCH_AGENCIES:
        for _pk, code in agencies:
            for hit in search_procedures(query, agency=code, limit=30, with_facets=False).hits:
                hits.setdefault(hit.version.procedure.code, hit.version)
        return list(hits.values())
    found = search_procedures(query, limit=100, with_facets=False).hits
    local = Procedure.objects.filter(local_variants__is_active=True)
    if ids is not None:
        local = local.filter(local_variants__agency__in=sorted(ids))
    allowed = set(local.filter(pk__in=[h.version.procedure_id for h in found]).values_list("pk", flat=True))
    return [hit.version for hit in found if hit.version.procedure_id in allowed][:30]


@officer_required(roles=COUNTER_ROLES)
def counter_intake(request: HttpRequest) -> HttpResponse:
    """A walk-in dossier: find the procedure, then identity, request, scanned documents → received."""
    code = request.GET.get("thu_tuc", "").strip()
    if not code:
        search = df.ProcedureSearchForm(request.GET or None)
        versions = None
        if search.is_valid() and search.cleaned_data["q"].strip():
            versions = _local_procedures(request, search.cleaned_data["q"])
        return render(
            request, "backoffice/dossiers/intake_search.html", {"search": search, "versions": versions}
        )
    procedure = Procedure.objects.filter(code=code, current_version__status=VersionStatus.PUBLISHED).first()
    agencies = (
        list(
            _counter_agencies(request)
            .filter(procedure_variants__procedure=procedure, procedure_variants__is_active=True)
            .order_by("name")
        )
        if procedure
        else []
    )
    if not agencies:
        raise Http404
    version = procedure.current_version
    required = list(version.documents.order_by("position", "pk"))
    spec = version.form_version.spec if version.form_version_id else None
    form = df.CounterIntakeForm(
        request.POST or None,
        request.FILES or None,
        agencies=agencies,
        required_documents=required,
        with_content=spec is None,
    )
    status = 200
    declaration: Any = None
    if request.method == "POST":
        if spec is not None:  # the same form as on the portal, validated by the server
            declaration = process_submission(spec, request.POST, request.FILES, expected_prefill={})
        if form.is_valid() and (declaration is None or declaration.is_valid):
            data = form.cleaned_data
            form_data: dict[str, Any] = {"content": data.get("content", "").strip()}
            uploads = form.uploads()
            if declaration is not None:
                form_data["fields"] = declaration.data
                form_data["form"] = {"key": spec.key, "number": spec.number}
                slots = dict(spec.iter_fields())
                keys = {d.document_key: d.pk for d in required}
                for pointer, upload in declaration.files.items():
                    pk = keys.get(str(slots.get(pointer, {}).get("document_key", "")))
                    if pk is not None:
                        uploads.setdefault(pk, upload)
            agency = next(a for a in agencies if a.pk == data["agency"])
            applicant = services.ApplicantData(
                kind=data["applicant_kind"],
                name=data["name"].strip(),
                id_number=data["id_number"],
                phone=data["phone"],
                email=data["email"],
                address=data["address"].strip(),
                organisation=None,
            )
            try:
                dossier = services.record_counter_dossier(
                    officer=request.user,
                    procedure_version=version,
                    agency=agency,
                    applicant=applicant,
                    form_data=form_data,
                    uploads=uploads,
                    queue_ticket=data["queue_ticket"].strip(),
                    channel=SubmissionChannel.DIRECT,
                    idempotency_key=data["idempotency_key"],
                )
            except DossierError as error:
                form.add_error(None, error.message)
            else:
                return _done(dossier, "intake")
        status = 400
        df.mark_errors(form)
    context: dict[str, Any] = {"form": form, "version": version, "procedure": procedure}
    if spec is not None:
        errors = declaration.errors if declaration is not None else []
        context["declaration_summary"] = render_error_summary(spec, errors)
        context["declaration"] = render_form(
            spec, data=declaration.data if declaration is not None else None, errors=errors, heading_level=3
        )
    return render(request, "backoffice/dossiers/intake_form.html", context, status=status)


# --- results -----------------------------------------------------------------------------------


@officer_required(roles=COUNTER_ROLES)
@require_GET
def results(request: HttpRequest) -> HttpResponse:
    """Dossiers in scope being processed or resolved: attach the result, mark resolved, return it."""
    wanted = request.GET.get("trang_thai", "")
    statuses = [int(wanted)] if wanted.isdigit() and int(wanted) in RESULT_STATUSES else list(RESULT_STATUSES)
    dossiers = (
        selectors.list_dossiers_in_scope(request.data_scope)  # type: ignore[attr-defined]
        .filter(status__in=statuses)
        .select_related("procedure_version", "agency")
        .order_by("due_at", "received_at", "pk")
    )
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/dossiers/results.html",
        {
            "page": page,
            "filters": [(s, DossierStatus(s).label) for s in RESULT_STATUSES],
            "wanted": int(wanted) if wanted.isdigit() else None,
            "query_string": f"trang_thai={wanted}" if wanted.isdigit() else "",
            "now": timezone.now(),
        },
    )


@officer_required(roles=RESULT_ROLES)
@require_POST
def dossier_attach_result(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_or_404(request, pk)
    if not _may(request, dossier, RESULT_ROLES):
        return forbidden(request)
    form = df.ResultForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attach_result(
                dossier=dossier,
                officer=request.user,
                upload=form.cleaned_data["upload"],
                title=form.cleaned_data["title"].strip(),
            )
        except DossierError as error:
            form.add_error("upload", error.message)
        else:
            messages.success(request, _("Đã đính kèm kết quả giải quyết."))
            return redirect("backoffice:dossier_detail", pk=dossier.pk)
    return _render_detail(request, dossier, status=400, result_form=form)


@officer_required(roles=RESULT_ROLES)
@require_POST
def dossier_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_or_404(request, pk)
    if not _may(request, dossier, RESULT_ROLES):
        return forbidden(request)
    form = df.ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.resolve(dossier=dossier, officer=request.user, note=form.cleaned_data["note"].strip())
        except DossierError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Hồ sơ đã được đánh dấu xử lý xong."))
            return redirect("backoffice:dossier_detail", pk=dossier.pk)
    return _render_detail(request, dossier, status=400, resolve_form=form)


@officer_required(roles=COUNTER_ROLES)
@require_POST
def dossier_return(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_or_404(request, pk)
    if not _may(request, dossier, COUNTER_ROLES):
        return forbidden(request)
    form = df.ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.return_result(
                dossier=dossier,
                officer=request.user,
                method=form.cleaned_data["method"],
                note=form.full_note(),
            )
        except DossierError as error:
            messages.error(request, error.message)
        else:
            return _done(dossier, "returned")
    return _render_detail(request, dossier, status=400, return_form=form)


# --- search ------------------------------------------------------------------------------------


def _filter_by_name(dossiers: QuerySet[Dossier], name: str) -> QuerySet[Dossier]:
    """Accents optional: the folded query against the folded name the services keep (indexed)."""
    return dossiers.filter(applicant_search_name__contains=fold(name))


def _in_range(dossiers: QuerySet[Dossier], start: date | None, end: date | None) -> QuerySet[Dossier]:
    if start:
        dossiers = dossiers.filter(Q(received_at__date__gte=start) | Q(submitted_at__date__gte=start))
    if end:
        dossiers = dossiers.filter(Q(received_at__date__lte=end) | Q(submitted_at__date__lte=end))
    return dossiers


def _scope_agencies(request: HttpRequest) -> QuerySet[Agency]:
    """Every agency (in force or not: old dossiers keep their agency) the officer's scope covers."""
    return restrict(Agency.objects.order_by("path"), request.data_scope, agency_path="pk")  # type: ignore[attr-defined]


def _overdue(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """Pending dossiers whose due day is today or earlier: the dashboards' "overdue" (Biểu 06 at the end
    of today, ``reports.rollups``). Waiting for a supplement stops the clock, so status 5 never counts."""
    tomorrow = timezone.localdate(clock.now()) + timedelta(days=1)
    end_of_today = timezone.make_aware(datetime.combine(tomorrow, time.min))
    return dossiers.filter(status__in=OVERDUE_STATUSES, due_at__isnull=False, due_at__lt=end_of_today)


def _resolved_in(dossiers: QuerySet[Dossier], start: date | None, end: date | None) -> QuerySet[Dossier]:
    if start:
        dossiers = dossiers.filter(resolved_at__date__gte=start)
    if end:
        dossiers = dossiers.filter(resolved_at__date__lte=end)
    return dossiers


def _narrow(
    request: HttpRequest, dossiers: QuerySet[Dossier], data: dict[str, Any]
) -> tuple[QuerySet[Dossier], list[str]]:
    """The agency (subtree or alone), procedure, overdue and resolution-date filters, and the notices
    explaining an empty answer. An agency outside the officer's scope is answered exactly like an
    unknown one (no rows, the same notice), so the list never reveals what the officer may not see."""
    notices: list[str] = []
    if data["agency"]:
        agency = Agency.objects.filter(code=data["agency"]).only("pk", "path").first()
        alone = data["agency_scope"] == df.AGENCY_ONLY
        in_scope = _scope_agencies(request)
        visible = (
            agency is not None
            and (
                in_scope.filter(pk=agency.pk) if alone else in_scope.filter(path__startswith=agency.path)
            ).exists()
        )
        if agency is None or not visible:
            notices.append(
                _("Không có cơ quan mã %(code)s trong phạm vi dữ liệu của bạn, nên không có hồ sơ nào.")
                % {"code": data["agency"]}
            )
            dossiers = dossiers.none()
        elif alone:
            dossiers = dossiers.filter(agency=agency)
        else:
            dossiers = dossiers.filter(agency__path__startswith=agency.path)
    if data["procedure"]:
        if not Procedure.objects.filter(code=data["procedure"]).exists():
            notices.append(_("Không có thủ tục hành chính mã %(code)s.") % {"code": data["procedure"]})
            dossiers = dossiers.none()
        else:
            dossiers = dossiers.filter(procedure__code=data["procedure"])
    if data["overdue"]:
        dossiers = _overdue(dossiers)
    return _resolved_in(dossiers, data["resolved_from"], data["resolved_to"]), notices


@officer_required
@require_GET
def dossier_search(request: HttpRequest) -> HttpResponse:
    """Find a dossier in scope by code (typed or scanned), applicant name, status, channel, agency
    (with or without its subtree), procedure, "overdue now" and dates; the dashboards link here."""
    agencies = list(_scope_agencies(request).values_list("code", "name"))
    form = df.DossierSearchForm(request.GET or None, agencies=agencies)
    page = None
    notices: list[str] = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        dossiers = selectors.list_dossiers_in_scope(
            request.data_scope,  # type: ignore[attr-defined]
            status=data["status"],
            channel=data["channel"],
        ).exclude(status__isnull=True)
        code = data["code"]
        if code:
            dossiers = dossiers.filter(Q(code=code) | Q(external_code=code))
            exact = list(dossiers[:2])
            if len(exact) == 1 and not (data["name"] or data["date_from"] or data["date_to"]):
                return redirect("backoffice:dossier_detail", pk=exact[0].pk)
        if data["name"].strip():
            dossiers = _filter_by_name(dossiers, data["name"])
        dossiers = _in_range(dossiers, data["date_from"], data["date_to"])
        dossiers, notices = _narrow(request, dossiers, data)
        dossiers = dossiers.select_related("procedure_version", "agency").order_by("-created_at", "-pk")
        page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        df.mark_errors(form)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/dossiers/search.html",
        {"form": form, "page": page, "notices": notices, "query_string": query.urlencode()},
    )
