"""Back-office process designer: the process definitions an admin may see, the bpmn-js modeler to draw
them, drafts with readable validation problems, publishing, version history with diffs, import and
export of ``.bpmn`` files, creating from a city template and cloning.

Who may do what (checked here for every object, before any service is called):
- city admins see and edit every definition, city templates (no owner agency) included;
- agency admins see their agencies' definitions (editable) and the city templates (read-only);
- everyone else gets the 403 page. A definition outside what the admin may see is a 404.
Writes go through ``workflows.services`` (which validate, version and audit).

The modeler is the JS island ``assets/designer/`` (bundled into ``static/vendor/bpmn/`` by
``scripts/vendor_assets.py``). It runs under the site's CSP unchanged: the page passes the XML and the
panel's labels as ``json_script`` data, and the forms carry the XML back in a normal field filled on
submit. The properties panel's two inline ``style`` attributes are refused by ``style-src 'self'``; the
same rules come from ``designer.css`` instead, so no ``'unsafe-inline'`` is needed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dichvucong.accounts.constants import Role
from dichvucong.agencies.constants import ADMIN_ROLES
from dichvucong.agencies.models import Agency
from dichvucong.sites.backoffice.access import forbidden, officer_required
from dichvucong.workflows import selectors, services
from dichvucong.workflows.constants import (
    AGENCY_CODE_PREFIX,
    MAX_BPMN_CHARS,
    TASK_ROLES,
    AgencyRule,
    ProcessVersionStatus,
    TaskAction,
    TaskStage,
)
from dichvucong.workflows.errors import WorkflowError
from dichvucong.workflows.models import ProcessDefinition, ProcessVersion, TaskSpec
from dichvucong.workflows.permissions import can_manage_process

MAX_UPLOAD_BYTES = MAX_BPMN_CHARS  # a hand-drawn process is a few dozen kilobytes
BPMN_EXTENSIONS = (".bpmn", ".bpmn20.xml", ".xml")
_DIFF_PROPERTIES = ("name", "stage", "role", "agency_rule", "budget_hours", "actions")
ROLE_ORDER = (Role.COUNTER_OFFICER, Role.SPECIALIST, Role.UNIT_HEAD, Role.AGENCY_LEADER)

# A new blank process: start → one reception task → end, with its diagram, so the modeler shows it.
BLANK_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:dvc="https://dichvucong.vn/schema/bpmn/1.0"
  id="Definitions_{key}" targetNamespace="https://dichvucong.vn/schema/bpmn/1.0">
  <bpmn:process id="Process_{key}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_TiepNhan" name="{task_name}">
      <bpmn:extensionElements>
        <dvc:taskRules stage="reception" role="counter_officer" agency="receiving" budgetHours="4"
                       actions="approve,request_supplement,refuse"/>
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="EndEvent_1"><bpmn:incoming>Flow_2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_TiepNhan"/>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_TiepNhan" targetRef="EndEvent_1"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_1">
    <bpmndi:BPMNPlane id="Plane_1" bpmnElement="Process_{key}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="152" y="102" width="36" height="36"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Task_TiepNhan_di" bpmnElement="Task_TiepNhan">
        <dc:Bounds x="240" y="80" width="100" height="80"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="EndEvent_1_di" bpmnElement="EndEvent_1">
        <dc:Bounds x="392" y="102" width="36" height="36"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1">
        <di:waypoint x="188" y="120"/><di:waypoint x="240" y="120"/>
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2">
        <di:waypoint x="340" y="120"/><di:waypoint x="392" y="120"/>
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def blank_bpmn(*, key: str) -> str:
    """The diagram a new process starts from (ids derived from its key)."""
    return BLANK_BPMN.replace("{key}", key.replace("-", "_")).replace("{task_name}", _("Tiếp nhận hồ sơ"))


# --- permissions ----------------------------------------------------------------------------------


def _admin_agencies(scope: Any) -> QuerySet[Agency] | None:
    """Agencies a new process may belong to (``None``: every agency, or none for a city template)."""
    if scope.has_role(Role.CITY_ADMIN):
        return None
    ids = scope.agency_ids_for(Role.AGENCY_ADMIN) or frozenset()
    return Agency.objects.filter(pk__in=ids)


def may_edit(user: Any, definition: ProcessDefinition) -> bool:
    """City admins edit everything; agency admins the definitions owned by an agency in their scope."""
    return can_manage_process(user, definition.owner_agency)


def _visible_or_404(request: HttpRequest, key: str) -> ProcessDefinition:
    definition = (
        selectors.list_process_definitions(user=request.user)
        .select_related("owner_agency")
        .filter(key=key)
        .first()
    )
    if definition is None:
        raise Http404
    return definition


def _editable_or_403(request: HttpRequest, key: str) -> ProcessDefinition | HttpResponse:
    definition = _visible_or_404(request, key)
    if not may_edit(request.user, definition):
        return forbidden(request)
    return definition


# --- forms -----------------------------------------------------------------------------------------


class _OwnerChoiceForm(forms.Form):
    """Key, name and owner agency of a new definition (the owner choices follow the admin's scope)."""

    key = forms.SlugField(
        label=gettext_lazy("Mã quy trình"),
        max_length=100,
        help_text=gettext_lazy("Chữ không dấu, số và gạch ngang, ví dụ: cap-giay-phep-xay-dung."),
    )
    name = forms.CharField(label=gettext_lazy("Tên quy trình"), max_length=300)
    owner_agency = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan sở hữu"), queryset=Agency.objects.none(), required=False
    )

    def __init__(self, *args: Any, scope: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = _admin_agencies(scope)
        field = self.fields["owner_agency"]
        if agencies is None:
            field.queryset = Agency.objects.order_by("path")
            field.empty_label = _("Quy trình mẫu của Thành phố")
            field.help_text = _("Để trống là quy trình mẫu dùng chung cho toàn Thành phố.")
        else:
            field.queryset = agencies.order_by("path")
            field.required = True
            field.empty_label = None

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip().lower()
        if ProcessDefinition.objects.filter(key=key).exists():
            raise forms.ValidationError(_("Mã quy trình này đã được dùng."))
        return key


class CreateForm(_OwnerChoiceForm):
    template = forms.ModelChoiceField(
        label=gettext_lazy("Tạo từ quy trình mẫu"),
        queryset=ProcessDefinition.objects.none(),
        required=False,
        help_text=gettext_lazy("Để trống để bắt đầu từ một sơ đồ trống."),
    )

    def __init__(self, *args: Any, templates: QuerySet[ProcessDefinition], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["template"].empty_label = _("Sơ đồ trống")


class CloneForm(_OwnerChoiceForm):
    pass


class PublishForm(forms.Form):
    bpmn_xml = forms.CharField(widget=forms.HiddenInput, required=False, max_length=MAX_BPMN_CHARS)
    legal_hours = forms.DecimalField(
        label=gettext_lazy("Thời hạn giải quyết theo quy định (giờ làm việc)"),
        min_value=Decimal("0.5"),
        max_digits=9,
        decimal_places=2,
        required=False,
        help_text=gettext_lazy(
            "Nếu nhập, tổng thời gian của nhánh dài nhất không được vượt quá thời hạn này."
        ),
    )


class ImportForm(forms.Form):
    bpmn_file = forms.FileField(
        label=gettext_lazy("Tệp BPMN"),
        help_text=gettext_lazy(
            "Tệp .bpmn vẽ bằng bpmn.io, Camunda Modeler hoặc công cụ BPMN 2.0 khác, tối đa 2 MB."
        ),
    )

    def clean_bpmn_file(self) -> str:
        upload = self.cleaned_data["bpmn_file"]
        if not upload.name.lower().endswith(BPMN_EXTENSIONS):
            raise forms.ValidationError(_("Chỉ nhận tệp .bpmn hoặc .xml."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 2 MB)."))
        raw = upload.read(MAX_UPLOAD_BYTES + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Tệp phải là văn bản XML mã hóa UTF-8.")) from None
        # BPMN never needs a DTD; refusing DOCTYPE/ENTITY keeps entity expansion and external entities
        # (billion laughs, XXE) away from every XML parser behind the services.
        head = text.upper()
        if "<!DOCTYPE" in head or "<!ENTITY" in head:
            raise forms.ValidationError(
                _("Tệp chứa khai báo DOCTYPE/ENTITY, không được phép trong tệp BPMN.")
            )
        return text


def _mark_errors(form: forms.BaseForm) -> None:
    """Ties each field's error message to its control (aria-invalid, aria-describedby)."""
    for name in form.errors:
        if name in form.fields:
            attrs = form.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{form[name].auto_id}_error"


# --- helpers ---------------------------------------------------------------------------------------


def _versions(definition: ProcessDefinition) -> list[ProcessVersion]:
    return list(
        ProcessVersion.objects.filter(definition=definition)
        .select_related("created_by", "published_by")
        .order_by("-number")
    )


def _current(versions: list[ProcessVersion]) -> ProcessVersion | None:
    """The version the designer opens: the draft, else the published one, else the newest."""
    for status in (ProcessVersionStatus.DRAFT, ProcessVersionStatus.PUBLISHED):
        found = next((v for v in versions if v.status == status), None)
        if found is not None:
            return found
    return versions[0] if versions else None


def _source_version(definition: ProcessDefinition) -> ProcessVersion | None:
    """The version a clone copies: the published one, else the draft, else the newest."""
    versions = _versions(definition)
    return next((v for v in versions if v.status == ProcessVersionStatus.PUBLISHED), None) or _current(
        versions
    )


def designer_config() -> dict[str, Any]:
    """Choices and labels of the "Processing rules" group, in the user's language (json_script)."""
    roles = [(role.value, str(role.label)) for role in ROLE_ORDER if role in TASK_ROLES]
    agency_rules = [(value, str(label)) for value, label in AgencyRule.choices]
    agency_rules.append(("code", _("Một cơ quan cố định (theo mã)")))
    return {
        "stages": [(value, str(label)) for value, label in TaskStage.choices],
        "roles": roles,
        "agencyRules": agency_rules,
        "actions": [(value, str(label)) for value, label in TaskAction.choices],
        "labels": {
            "group": _("Quy tắc xử lý"),
            "stage": _("Giai đoạn hồ sơ"),
            "role": _("Vai trò cán bộ xử lý"),
            "agency": _("Cơ quan xử lý"),
            "agencyCode": _("Mã cơ quan (QCVN 102)"),
            "agencyCodeHelp": _("Ví dụ: 000.00.12.H29"),
            "budgetHours": _("Thời gian xử lý (giờ làm việc)"),
            "budgetHoursHelp": _("Một ngày làm việc là 8 giờ."),
            "actionPrefix": _("Thao tác được phép"),
            "choose": _("— Chọn —"),
            "conditionGroup": _("Điều kiện rẽ nhánh"),
            "condition": _("Đi theo nhánh này khi cán bộ chọn"),
            "conditionHelp": _("Thao tác mà cán bộ chọn ở bước trước cổng rẽ nhánh."),
            "noCondition": _("— Không điều kiện —"),
            "customCondition": _("Biểu thức khác"),
            "unsaved": _("Có thay đổi chưa lưu."),
            "saveFailed": _("Không lấy được sơ đồ để lưu:"),
            "openFailed": _("Không mở được sơ đồ:"),
            "importWarnings": _("Sơ đồ mở được nhưng có %(count)s cảnh báo."),
        },
    }


def _agency_rule_display(rule: str) -> str:
    if rule.startswith(AGENCY_CODE_PREFIX):
        return _("Cơ quan có mã %(code)s") % {"code": rule[len(AGENCY_CODE_PREFIX) :]}
    try:
        return str(AgencyRule(rule).label)
    except ValueError:
        return rule or "—"


def _task_rows(version: ProcessVersion | None) -> list[dict[str, Any]]:
    """The version's user tasks as readable rows (the table shown on phones and under the diagram)."""
    if version is None:
        return []
    roles = dict(Role.choices)
    actions = dict(TaskAction.choices)
    return [
        {
            "bpmn_id": spec.bpmn_id,
            "name": spec.name or spec.bpmn_id,
            "stage": spec.get_stage_display() if spec.stage else "—",
            "role": roles.get(spec.role, spec.role or "—"),
            "agency": _agency_rule_display(spec.agency_rule),
            "budget_hours": spec.budget_hours,
            "actions": [str(actions.get(a, a)) for a in spec.actions],
        }
        for spec in version.task_specs.order_by("position")
    ]


def _display(name: str, value: Any) -> str:
    """A task property's value in words (role, stage, agency rule and actions by their labels)."""
    if value in (None, "", []):
        return "—"
    if name == "role":
        return str(dict(Role.choices).get(value, value))
    if name == "stage":
        return str(dict(TaskStage.choices).get(value, value))
    if name == "agency_rule":
        return _agency_rule_display(value)
    if name == "actions":
        labels = dict(TaskAction.choices)
        return ", ".join(str(labels.get(a, a)) for a in value)
    return str(formats.localize(value))


def _readable_diff(diff: Any) -> dict[str, Any]:
    """``selectors.diff_process_versions`` in words: tasks added, removed, and each changed property."""
    field_label = {name: capfirst(TaskSpec._meta.get_field(name).verbose_name) for name in _DIFF_PROPERTIES}
    return {
        "is_empty": diff.is_empty,
        "added": [spec.name or spec.bpmn_id for spec in diff.added],
        "removed": [spec.name or spec.bpmn_id for spec in diff.removed],
        "changed": [
            {
                "name": change.name or change.bpmn_id,
                "changes": [
                    {
                        "label": field_label.get(prop, prop),
                        "old": _display(prop, old),
                        "new": _display(prop, new),
                    }
                    for prop, (old, new) in change.changes.items()
                ],
            }
            for change in diff.changed
        ],
    }


def _problem_dicts(problems: Any) -> list[dict[str, Any]]:
    result = []
    for problem in problems or []:
        if hasattr(problem, "as_dict"):
            problem = problem.as_dict()
        result.append(problem)
    return result


def _edit_response(
    request: HttpRequest,
    definition: ProcessDefinition,
    *,
    publish_form: PublishForm | None = None,
    import_form: ImportForm | None = None,
    clone_form: CloneForm | None = None,
    problems: Any = None,
    status: int = 200,
) -> HttpResponse:
    scope = request.data_scope  # type: ignore[attr-defined]
    versions = _versions(definition)
    current = _current(versions)
    editable = may_edit(request.user, definition)
    for form in (publish_form, import_form, clone_form):
        if form is not None:
            _mark_errors(form)
    context = {
        "definition": definition,
        "versions": versions,
        "current": current,
        "draft": next((v for v in versions if v.status == ProcessVersionStatus.DRAFT), None),
        "editable": editable,
        "may_clone": _admin_agencies(scope) is None or _admin_agencies(scope).exists(),
        "problems": _problem_dicts(current.problems if problems is None and current else problems),
        "tasks": _task_rows(current),
        "bpmn_xml": current.bpmn_xml if current else "",
        "designer_config": designer_config(),
        "publish_form": publish_form or PublishForm(),
        "import_form": import_form or ImportForm(),
        "clone_form": clone_form or CloneForm(scope=scope),
    }
    return render(request, "backoffice/processes/edit.html", context, status=status)


# --- views -----------------------------------------------------------------------------------------


@officer_required(roles=ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def process_list(request: HttpRequest) -> HttpResponse:
    """The process definitions the admin may see, with the form to create one (blank or from a template)."""
    scope = request.data_scope  # type: ignore[attr-defined]
    visible = selectors.list_process_definitions(user=request.user).select_related("owner_agency")
    templates = visible.filter(owner_agency__isnull=True).order_by("name")
    form = CreateForm(request.POST or None, scope=scope, templates=templates)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                definition = _create(request, data)
            except WorkflowError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Đã tạo quy trình %(name)s.") % {"name": definition.name})
                return redirect("backoffice:process_edit", key=definition.key)
        _mark_errors(form)
    definitions = list(visible.order_by("owner_agency__path", "name"))
    versions = ProcessVersion.objects.filter(definition__in=definitions).order_by("definition_id", "-number")
    latest: dict[int, dict[str, ProcessVersion]] = {}
    for version in versions:
        slot = latest.setdefault(version.definition_id, {})
        slot.setdefault(version.status, version)
    rows = [
        {
            "definition": definition,
            "published": latest.get(definition.pk, {}).get(ProcessVersionStatus.PUBLISHED),
            "draft": latest.get(definition.pk, {}).get(ProcessVersionStatus.DRAFT),
            "editable": may_edit(request.user, definition),
        }
        for definition in definitions
    ]
    return render(
        request,
        "backoffice/processes/list.html",
        {"rows": rows, "form": form},
        status=400 if form.errors else 200,
    )


def _create(request: HttpRequest, data: dict[str, Any]) -> ProcessDefinition:
    template = data.get("template")
    if template is not None:
        source = _source_version(template)
        if source is None:
            raise WorkflowError(_("Quy trình mẫu chưa có phiên bản nào."))
        return services.clone_process_definition(
            version=source,
            key=data["key"],
            name=data["name"],
            owner_agency=data["owner_agency"],
            actor=request.user,
        )
    return services.create_process_definition(
        key=data["key"],
        name=data["name"],
        owner_agency=data["owner_agency"],
        actor=request.user,
        bpmn_xml=blank_bpmn(key=data["key"]),
    )


@officer_required(roles=ADMIN_ROLES)
@require_GET
def process_edit(request: HttpRequest, key: str) -> HttpResponse:
    """The designer on the draft (or the published version), its problems, history and actions."""
    return _edit_response(request, _visible_or_404(request, key))


@officer_required(roles=ADMIN_ROLES)
@require_POST
def process_save(request: HttpRequest, key: str) -> HttpResponse:
    """Stores the modeler's XML as the draft and shows what validation found."""
    definition = _editable_or_403(request, key)
    if isinstance(definition, HttpResponse):
        return definition
    bpmn_xml = request.POST.get("bpmn_xml", "")
    if not bpmn_xml.strip():
        messages.error(request, _("Không nhận được sơ đồ để lưu. Hãy mở trình vẽ trên màn hình rộng hơn."))
        return redirect("backoffice:process_edit", key=key)
    if len(bpmn_xml) > MAX_BPMN_CHARS:
        messages.error(request, _("Sơ đồ quá lớn để lưu."))
        return redirect("backoffice:process_edit", key=key)
    try:
        draft = services.save_process_draft(definition=definition, bpmn_xml=bpmn_xml, actor=request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("backoffice:process_edit", key=key)
    _report_problems(request, draft)
    return redirect("backoffice:process_edit", key=key)


def _report_problems(request: HttpRequest, version: ProcessVersion) -> None:
    count = len(version.problems or [])
    if count:
        messages.warning(
            request,
            _("Đã lưu bản nháp (phiên bản %(number)s). Còn %(count)s lỗi cần sửa trước khi ban hành.")
            % {"number": version.number, "count": count},
        )
    else:
        messages.success(
            request,
            _("Đã lưu bản nháp (phiên bản %(number)s). Không có lỗi, có thể ban hành.")
            % {"number": version.number},
        )


@officer_required(roles=ADMIN_ROLES)
@require_POST
def process_publish(request: HttpRequest, key: str) -> HttpResponse:
    """Saves the modeler's XML (when sent) and publishes the draft; refused while it has problems."""
    definition = _editable_or_403(request, key)
    if isinstance(definition, HttpResponse):
        return definition
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _edit_response(request, definition, publish_form=form, status=400)
    try:
        if form.cleaned_data["bpmn_xml"].strip():
            services.save_process_draft(
                definition=definition, bpmn_xml=form.cleaned_data["bpmn_xml"], actor=request.user
            )
        draft = ProcessVersion.objects.filter(
            definition=definition, status=ProcessVersionStatus.DRAFT
        ).first()
        if draft is None:
            raise WorkflowError(_("Không có bản nháp để ban hành."))
        version = services.publish_process_version(
            version=draft, actor=request.user, legal_hours=form.cleaned_data["legal_hours"]
        )
    except WorkflowError as exc:
        form.add_error(None, exc.message)
        return _edit_response(
            request, definition, publish_form=form, problems=exc.problems or None, status=400
        )
    messages.success(request, _("Đã ban hành phiên bản %(number)s.") % {"number": version.number})
    return redirect("backoffice:process_edit", key=key)


@officer_required(roles=ADMIN_ROLES)
@require_POST
def process_import(request: HttpRequest, key: str) -> HttpResponse:
    """Replaces the draft with an uploaded ``.bpmn`` file (from any BPMN 2.0 modeler) and validates it."""
    definition = _editable_or_403(request, key)
    if isinstance(definition, HttpResponse):
        return definition
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _edit_response(request, definition, import_form=form, status=400)
    try:
        draft = services.save_process_draft(
            definition=definition, bpmn_xml=form.cleaned_data["bpmn_file"], actor=request.user
        )
    except WorkflowError as exc:
        form.add_error("bpmn_file", exc.message)
        return _edit_response(request, definition, import_form=form, status=400)
    _report_problems(request, draft)
    return redirect("backoffice:process_edit", key=key)


@officer_required(roles=ADMIN_ROLES)
@require_GET
def process_export(request: HttpRequest, key: str) -> HttpResponse:
    """Downloads a version's BPMN file (``?version=N``; by default the one the designer opens)."""
    definition = _visible_or_404(request, key)
    versions = _versions(definition)
    number = request.GET.get("version")
    version = next((v for v in versions if str(v.number) == number), None) if number else _current(versions)
    if version is None:
        raise Http404
    response = HttpResponse(version.bpmn_xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{definition.key}-v{version.number}.bpmn"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@officer_required(roles=ADMIN_ROLES)
@require_POST
def process_clone(request: HttpRequest, key: str) -> HttpResponse:
    """Copies the definition (its published version, else its draft) into a new definition's draft."""
    definition = _visible_or_404(request, key)
    scope = request.data_scope  # type: ignore[attr-defined]
    form = CloneForm(request.POST, scope=scope)
    if not form.is_valid():
        return _edit_response(request, definition, clone_form=form, status=400)
    source = _source_version(definition)
    if source is None:
        raise Http404
    try:
        clone = services.clone_process_definition(
            version=source,
            key=form.cleaned_data["key"],
            name=form.cleaned_data["name"],
            owner_agency=form.cleaned_data["owner_agency"],
            actor=request.user,
        )
    except WorkflowError as exc:
        form.add_error(None, exc.message)
        return _edit_response(request, definition, clone_form=form, status=400)
    messages.success(request, _("Đã sao chép thành quy trình %(name)s.") % {"name": clone.name})
    return redirect("backoffice:process_edit", key=clone.key)


@officer_required(roles=ADMIN_ROLES)
@require_GET
def process_version(request: HttpRequest, key: str, number: int) -> HttpResponse:
    """One version: its tasks and what changed since another one (``?compare=N``, default the previous)."""
    definition = _visible_or_404(request, key)
    versions = _versions(definition)
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        raise Http404
    compare = request.GET.get("compare")
    older = [v for v in versions if v.number != number]
    if compare:
        other = next((v for v in older if str(v.number) == compare), None)
    else:
        other = next((v for v in versions if v.number < number), None)
    diff = (
        _readable_diff(selectors.diff_process_versions(old=other, new=version)) if other is not None else None
    )
    return render(
        request,
        "backoffice/processes/version.html",
        {
            "definition": definition,
            "version": version,
            "other": other,
            "others": older,
            "diff": diff,
            "tasks": _task_rows(version),
            "problems": _problem_dicts(version.problems),
            "bpmn_xml": version.bpmn_xml,
            "designer_config": designer_config(),
        },
    )
