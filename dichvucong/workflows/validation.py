"""Reading and checking a BPMN drawing: the task rules it carries and every problem, in readable words.

``analyse_process`` parses the XML with lxml (no entities, no network), picks the one executable
process, extracts each user task's ``dvc:taskRules`` and reports problems: parse errors, elements we
do not run (script/service tasks, sub-processes, message events…), user tasks without or with bad
rules, unsafe or missing gateway conditions, bad timers, paths that cannot reach an end event (dead
ends), unreachable elements, and — when the legal time is known — a longest path whose summed task
budgets exceed it. Only when the drawing is otherwise clean is it handed to the engine, whose own
refusal becomes an ``engine_error`` problem.

The longest path counts each task once: loops (return to a previous step, supplements) are removed
by dropping the back edges of a depth-first walk from the start, then the heaviest path through the
remaining graph is summed.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from lxml import etree

from dichvucong.agencies.constants import AGENCY_CODE_REGEX
from dichvucong.agencies.models import Agency
from dichvucong.workflows import engine
from dichvucong.workflows.constants import (
    ACTION_KEY,
    AGENCY_CODE_PREFIX,
    BPMN_NAMESPACE,
    DVC_NAMESPACE,
    MAX_BPMN_CHARS,
    RESERVED_IDS,
    TASK_ROLES,
    AgencyRule,
    ProblemCode,
    TaskAction,
    TaskStage,
)
from dichvucong.workflows.errors import Problem
from dichvucong.workflows.expressions import ExpressionError, compile_expression, evaluate_expression

_B = f"{{{BPMN_NAMESPACE}}}"
_RULES_TAG = f"{{{DVC_NAMESPACE}}}taskRules"
MAX_BUDGET_HOURS = Decimal(10_000)

_FLOW_NODES = {
    "startEvent",
    "endEvent",
    "userTask",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "boundaryEvent",
    "intermediateCatchEvent",
}
_IGNORED = {
    "sequenceFlow",
    "laneSet",
    "textAnnotation",
    "association",
    "documentation",
    "extensionElements",
    "group",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
    "property",
    "ioSpecification",
}
_GATEWAYS_WITH_CONDITIONS = {"exclusiveGateway", "inclusiveGateway"}
_ISO_DURATION = re.compile(
    r"^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$"
)


@dataclass(frozen=True)
class TaskRules:
    """A user task and its rules as drawn (fields empty / None where missing or invalid)."""

    bpmn_id: str
    name: str
    stage: str
    role: str
    agency_rule: str
    budget_hours: Decimal | None
    actions: list[str]
    position: int


@dataclass
class Analysis:
    process_id: str = ""
    tasks: list[TaskRules] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    total_budget_hours: Decimal = Decimal(0)
    parsed: bool = False

    def add(self, code: str, message: str, element_id: str | None = None) -> None:
        self.problems.append(Problem(code=code, message=message, element_id=element_id))


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _label(node: etree._Element) -> str:
    return node.get("name") or node.get("id") or _local(node.tag)


def _parse(bpmn_xml: str, result: Analysis) -> etree._Element | None:
    if not isinstance(bpmn_xml, str) or not bpmn_xml.strip():
        result.add(ProblemCode.PARSE_ERROR, _("Tệp trống, không có sơ đồ BPMN."))
        return None
    if len(bpmn_xml) > MAX_BPMN_CHARS:
        result.add(ProblemCode.PARSE_ERROR, _("Tệp quá lớn (tối đa %(n)d ký tự).") % {"n": MAX_BPMN_CHARS})
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    try:
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", bpmn_xml, count=1)
        root = etree.fromstring(text.encode("utf-8"), parser=parser)
    except etree.XMLSyntaxError as exc:
        result.add(
            ProblemCode.PARSE_ERROR,
            _("Tệp không phải XML hợp lệ (dòng %(line)s): %(error)s")
            % {"line": exc.lineno, "error": exc.msg},
        )
        return None
    if root.getroottree().docinfo.doctype:
        result.add(ProblemCode.PARSE_ERROR, _("Tệp BPMN không được có khai báo DOCTYPE."))
        return None
    if root.tag != f"{_B}definitions":
        result.add(
            ProblemCode.PARSE_ERROR,
            _("Tệp không phải sơ đồ BPMN 2.0: phần tử gốc phải là “bpmn:definitions”."),
        )
        return None
    return root


def _pick_process(root: etree._Element, result: Analysis) -> etree._Element | None:
    processes = [
        p for p in root.findall(f"{_B}process") if any(_local(child.tag) in _FLOW_NODES for child in p)
    ]
    executable = [p for p in processes if p.get("isExecutable", "true").lower() != "false"] or processes
    if not executable:
        result.add(
            ProblemCode.NO_PROCESS, _("Sơ đồ không có quy trình nào (cần ít nhất một sự kiện bắt đầu).")
        )
        return None
    if len(executable) > 1:
        result.add(
            ProblemCode.MULTIPLE_PROCESSES,
            _(
                "Sơ đồ có %(n)d quy trình chạy được; chỉ được có một "
                "(đánh dấu các quy trình khác là không thực thi)."
            )
            % {"n": len(executable)},
        )
        return None
    process = executable[0]
    result.process_id = process.get("id") or ""
    if not result.process_id:
        result.add(ProblemCode.PARSE_ERROR, _("Quy trình thiếu mã (thuộc tính id)."))
        return None
    return process


def analyse_process(bpmn_xml: str, *, legal_hours: Decimal | None = None) -> Analysis:
    """Everything about a drawing: process id, task rules, problems, longest-path budget."""
    result = Analysis()
    root = _parse(bpmn_xml, result)
    if root is None:
        return result
    result.parsed = True
    process = _pick_process(root, result)
    if process is None:
        return result
    nodes = _check_elements(process, result)
    flows = _check_flows(process, nodes, result)
    if not result.problems:
        _check_actions_routed(process, nodes, result)
    _check_graph(nodes, flows, result, legal_hours)
    if not result.problems:
        message = engine.check_process(bpmn_xml=bpmn_xml, process_id=result.process_id)
        if message:
            result.add(
                ProblemCode.ENGINE_ERROR,
                _("Bộ máy quy trình không chạy được sơ đồ này: %(error)s") % {"error": message},
            )
    return result


# --- Elements -----------------------------------------------------------------------------------


def _check_elements(process: etree._Element, result: Analysis) -> dict[str, etree._Element]:
    nodes: dict[str, etree._Element] = {}
    seen: set[str] = set()
    reserved = {*RESERVED_IDS, f"{result.process_id}.EndJoin"}
    for element in process.iter():
        element_id = element.get("id")
        if element_id:
            if element_id in seen:
                result.add(
                    ProblemCode.DUPLICATE_ID,
                    _("Mã “%(id)s” được dùng cho nhiều phần tử.") % {"id": element_id},
                    element_id,
                )
            seen.add(element_id)
    for element in process:
        kind = _local(element.tag)
        if not kind or kind in _IGNORED:
            continue
        element_id = element.get("id") or ""
        if kind not in _FLOW_NODES:
            result.add(
                ProblemCode.UNSUPPORTED_ELEMENT, _unsupported_message(kind, _label(element)), element_id
            )
            continue
        if element_id in reserved:
            result.add(
                ProblemCode.RESERVED_ID,
                _("Mã “%(id)s” là tên dành riêng của bộ máy quy trình; hãy đổi mã khác.")
                % {"id": element_id},
                element_id,
            )
        nodes[element_id] = element
        if kind == "userTask":
            result.tasks.append(_task_rules(element, len(result.tasks), result))
        elif kind in {"startEvent", "endEvent"}:
            _check_plain_event(element, kind, result)
        elif kind in {"boundaryEvent", "intermediateCatchEvent"}:
            _check_timer_event(element, result)
    return nodes


def _unsupported_message(kind: str, label: str) -> str:
    if kind == "scriptTask":
        return _(
            "“%(name)s” là bước chạy mã (script task): không được phép, hãy dùng bước xử lý của cán bộ."
        ) % {"name": label}
    if kind == "task":
        return _(
            "“%(name)s” là bước chưa xác định loại: hãy đổi thành bước xử lý của cán bộ (user task)."
        ) % {"name": label}
    return _("“%(name)s” (%(kind)s) là loại phần tử không được hỗ trợ.") % {"name": label, "kind": kind}


def _check_plain_event(element: etree._Element, kind: str, result: Analysis) -> None:
    definitions = [_local(child.tag) for child in element if _local(child.tag).endswith("EventDefinition")]
    allowed = {"terminateEventDefinition"} if kind == "endEvent" else set()
    bad = [d for d in definitions if d not in allowed]
    if bad:
        result.add(
            ProblemCode.UNSUPPORTED_ELEMENT,
            _("Sự kiện “%(name)s” dùng loại %(kind)s không được hỗ trợ.")
            % {"name": _label(element), "kind": bad[0]},
            element.get("id"),
        )


def _check_timer_event(element: etree._Element, result: Analysis) -> None:
    timers = element.findall(f"{_B}timerEventDefinition")
    others = [
        _local(child.tag)
        for child in element
        if _local(child.tag).endswith("EventDefinition") and _local(child.tag) != "timerEventDefinition"
    ]
    if not timers or others:
        result.add(
            ProblemCode.UNSUPPORTED_ELEMENT,
            _("Sự kiện “%(name)s”: chỉ hỗ trợ sự kiện hẹn giờ (timer).") % {"name": _label(element)},
            element.get("id"),
        )
        return
    for definition in timers:
        for child in definition:
            kind = _local(child.tag)
            if kind in {"timeDuration", "timeDate", "timeCycle"}:
                problem = _timer_problem(kind, (child.text or "").strip())
                if problem:
                    result.add(
                        ProblemCode.INVALID_TIMER,
                        _("Hẹn giờ của “%(name)s”: %(problem)s")
                        % {"name": _label(element), "problem": problem},
                        element.get("id"),
                    )
                return
    result.add(
        ProblemCode.INVALID_TIMER,
        _("Hẹn giờ của “%(name)s” chưa có thời lượng.") % {"name": _label(element)},
        element.get("id"),
    )


def _timer_problem(kind: str, expression: str) -> str | None:
    """A reason the timer value is unusable, or None. Values are quoted: ``"PT4H"``."""
    try:
        value = evaluate_expression(expression, {})
    except ExpressionError:
        value = None
    if not isinstance(value, str):
        return _('giá trị phải là chuỗi ISO-8601 trong dấu nháy kép, ví dụ "PT4H".')
    if kind == "timeDuration" and not _ISO_DURATION.match(value.upper()):
        return _('“%(value)s” không phải thời lượng ISO-8601 (ví dụ "PT4H", "P2D").') % {"value": value}
    if kind == "timeDate":
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            return _("“%(value)s” không phải thời điểm ISO-8601.") % {"value": value}
    if kind == "timeCycle" and not value.upper().startswith("R"):
        return _('“%(value)s” không phải chu kỳ ISO-8601 (ví dụ "R3/PT1H").') % {"value": value}
    return None


def _task_rules(element: etree._Element, position: int, result: Analysis) -> TaskRules:
    element_id = element.get("id") or ""
    name = element.get("name") or element_id
    rules = element.find(f"{_B}extensionElements/{_RULES_TAG}")
    if rules is None:
        result.add(
            ProblemCode.MISSING_TASK_RULES,
            _("Bước “%(name)s” chưa có quy tắc xử lý (giai đoạn, vai trò, cơ quan, thời gian, thao tác).")
            % {"name": name},
            element_id,
        )
        return TaskRules(element_id, name, "", "", "", None, [], position)
    stage = rules.get("stage", "")
    if stage not in TaskStage.values:
        result.add(
            ProblemCode.INVALID_STAGE,
            _(
                "Bước “%(name)s”: giai đoạn “%(value)s” không hợp lệ "
                "(tiếp nhận, thụ lý, phê duyệt, trả kết quả)."
            )
            % {"name": name, "value": stage},
            element_id,
        )
        stage = ""
    role = rules.get("role", "")
    if role not in TASK_ROLES:
        result.add(
            ProblemCode.INVALID_ROLE,
            _("Bước “%(name)s”: vai trò “%(value)s” không hợp lệ.") % {"name": name, "value": role},
            element_id,
        )
        role = ""
    agency_rule = rules.get("agency", "")
    agency_problem = _agency_problem(agency_rule)
    if agency_problem:
        result.add(
            ProblemCode.INVALID_AGENCY,
            _("Bước “%(name)s”: %(problem)s") % {"name": name, "problem": agency_problem},
            element_id,
        )
        agency_rule = ""
    budget = _budget(rules.get("budgetHours", ""))
    if budget is None:
        result.add(
            ProblemCode.INVALID_BUDGET,
            _("Bước “%(name)s”: thời gian xử lý “%(value)s” phải là số giờ làm việc lớn hơn 0.")
            % {"name": name, "value": rules.get("budgetHours", "")},
            element_id,
        )
    actions = [a.strip() for a in rules.get("actions", "").split(",") if a.strip()]
    unknown = [a for a in actions if a not in TaskAction.values]
    if not actions or unknown:
        result.add(
            ProblemCode.INVALID_ACTIONS,
            _("Bước “%(name)s”: thao tác không hợp lệ (%(value)s).")
            % {"name": name, "value": ", ".join(unknown) or _("chưa chọn thao tác nào")},
            element_id,
        )
        actions = [a for a in actions if a in TaskAction.values]
    return TaskRules(
        element_id, name, stage, role, agency_rule, budget, list(dict.fromkeys(actions)), position
    )


def _agency_problem(rule: str) -> str | None:
    if rule in AgencyRule.values:
        return None
    if rule.startswith(AGENCY_CODE_PREFIX):
        code = rule[len(AGENCY_CODE_PREFIX) :]
        if not re.match(AGENCY_CODE_REGEX, code):
            return _("mã cơ quan “%(code)s” không đúng định dạng QCVN 102 (ví dụ 000.00.00.H29).") % {
                "code": code
            }
        if not Agency.objects.filter(code=code).exists():
            return _("không có cơ quan mã “%(code)s”.") % {"code": code}
        return None
    return _("cơ quan xử lý “%(value)s” không hợp lệ.") % {"value": rule}


def _budget(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw.strip())
    except (InvalidOperation, AttributeError):
        return None
    if not value.is_finite() or value <= 0 or value > MAX_BUDGET_HOURS:
        return None
    return value.quantize(Decimal("0.01"))


# --- Flows and the graph ------------------------------------------------------------------------


def _check_flows(
    process: etree._Element, nodes: dict[str, etree._Element], result: Analysis
) -> list[tuple[str, str]]:
    edges: list[tuple[str, str]] = []
    outgoing: dict[str, list[etree._Element]] = {}
    for flow in process.findall(f"{_B}sequenceFlow"):
        source, target = flow.get("sourceRef", ""), flow.get("targetRef", "")
        if source not in nodes or target not in nodes:
            result.add(
                ProblemCode.PARSE_ERROR,
                _("Luồng “%(id)s” nối tới phần tử không tồn tại.") % {"id": flow.get("id", "")},
                flow.get("id"),
            )
            continue
        edges.append((source, target))
        outgoing.setdefault(source, []).append(flow)
        condition = flow.find(f"{_B}conditionExpression")
        if condition is not None and (condition.text or "").strip():
            try:
                compile_expression((condition.text or "").strip())
            except ExpressionError as exc:
                result.add(ProblemCode.UNSAFE_EXPRESSION, str(exc), flow.get("id"))
    for node_id, element in nodes.items():
        if _local(element.tag) == "boundaryEvent":
            attached = element.get("attachedToRef", "")
            if attached in nodes:
                edges.append((attached, node_id))
        if _local(element.tag) in _GATEWAYS_WITH_CONDITIONS and len(outgoing.get(node_id, [])) > 1:
            default = element.get("default")
            for flow in outgoing[node_id]:
                condition = flow.find(f"{_B}conditionExpression")
                if flow.get("id") != default and (condition is None or not (condition.text or "").strip()):
                    result.add(
                        ProblemCode.MISSING_CONDITION,
                        _(
                            "Nhánh “%(flow)s” ra khỏi “%(gateway)s” chưa có điều kiện "
                            '(ví dụ action == "approve").'
                        )
                        % {"flow": flow.get("name") or flow.get("id"), "gateway": _label(element)},
                        flow.get("id"),
                    )
    return edges


def _check_actions_routed(
    process: etree._Element, nodes: dict[str, etree._Element], result: Analysis
) -> None:
    """Each action a user task offers must take some branch of the exclusive gateway right after it.

    Checked only where the gateway's conditions read nothing but ``action`` (other task data is
    unknown before running) and the gateway has no default branch.
    """
    outgoing: dict[str, list[etree._Element]] = {}
    for flow in process.findall(f"{_B}sequenceFlow"):
        outgoing.setdefault(flow.get("sourceRef", ""), []).append(flow)
    for task in result.tasks:
        after = outgoing.get(task.bpmn_id, [])
        if len(after) != 1 or not task.actions:
            continue
        gateway = nodes.get(after[0].get("targetRef", ""))
        if gateway is None or _local(gateway.tag) != "exclusiveGateway" or gateway.get("default"):
            continue
        conditions = []
        for flow in outgoing.get(gateway.get("id", ""), []):
            condition = flow.find(f"{_B}conditionExpression")
            text = (condition.text or "").strip() if condition is not None else ""
            if not text or _names(text) - {ACTION_KEY}:
                break
            conditions.append(text)
        else:
            for action in task.actions:
                if not any(_true_for(text, action) for text in conditions):
                    result.add(
                        ProblemCode.ACTION_WITHOUT_BRANCH,
                        _(
                            "Bước “%(name)s” có thao tác “%(action)s” nhưng “%(gateway)s” "
                            "không có nhánh cho thao tác đó."
                        )
                        % {"name": task.name, "action": action, "gateway": _label(gateway)},
                        task.bpmn_id,
                    )


def _names(expression: str) -> set[str]:
    return {node.id for node in ast.walk(compile_expression(expression)) if isinstance(node, ast.Name)}


def _true_for(expression: str, action: str) -> bool:
    try:
        return bool(evaluate_expression(expression, {ACTION_KEY: action}))
    except ExpressionError:
        return False


def _reach(starts: Iterable[str], graph: dict[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(starts)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(graph.get(node, ()))
    return seen


def _check_graph(
    nodes: dict[str, etree._Element],
    edges: list[tuple[str, str]],
    result: Analysis,
    legal_hours: Decimal | None,
) -> None:
    starts = [n for n, e in nodes.items() if _local(e.tag) == "startEvent"]
    ends = [n for n, e in nodes.items() if _local(e.tag) == "endEvent"]
    if not starts:
        result.add(ProblemCode.NO_START, _("Quy trình chưa có sự kiện bắt đầu."))
    if not ends:
        result.add(ProblemCode.NO_END, _("Quy trình chưa có sự kiện kết thúc."))
    if not starts or not ends:
        return
    forward: dict[str, list[str]] = {}
    backward: dict[str, list[str]] = {}
    for source, target in edges:
        forward.setdefault(source, []).append(target)
        backward.setdefault(target, []).append(source)
    reachable = _reach(starts, forward)
    finishing = _reach(ends, backward)
    for node_id, element in nodes.items():
        if node_id not in reachable:
            result.add(
                ProblemCode.UNREACHABLE,
                _("“%(name)s” không nằm trên đường đi nào từ sự kiện bắt đầu.") % {"name": _label(element)},
                node_id,
            )
        elif node_id not in finishing:
            result.add(
                ProblemCode.DEAD_END,
                _("Từ “%(name)s” không có đường đi tới sự kiện kết thúc (ngõ cụt).")
                % {"name": _label(element)},
                node_id,
            )
    budgets = {t.bpmn_id: t.budget_hours or Decimal(0) for t in result.tasks}
    result.total_budget_hours = _longest_path(starts, set(ends), forward, budgets)
    if legal_hours is not None and result.total_budget_hours > legal_hours:
        result.add(
            ProblemCode.OVER_BUDGET,
            _(
                "Tổng thời gian các bước trên đường dài nhất là %(total)s giờ làm việc, vượt thời hạn "
                "giải quyết %(legal)s giờ làm việc của thủ tục."
            )
            % {"total": _hours(result.total_budget_hours), "legal": _hours(legal_hours)},
        )


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _longest_path(
    starts: list[str], ends: set[str], graph: dict[str, list[str]], budgets: dict[str, Decimal]
) -> Decimal:
    """Heaviest start-to-end path once the back edges of a depth-first walk are dropped."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = on the walk's stack, 2 = done
    dag: dict[str, list[str]] = {}
    for start in starts:
        if start in state:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        state[start] = 1
        while stack:
            node, index = stack.pop()
            children = graph.get(node, [])
            if index < len(children):
                stack.append((node, index + 1))
                child = children[index]
                if state.get(child) == 1:
                    continue  # back edge: a loop
                dag.setdefault(node, []).append(child)
                if child not in state:
                    state[child] = 1
                    stack.append((child, 0))
            else:
                state[node] = 2
                order.append(node)
    best: dict[str, Decimal | None] = {}  # None: no end event reachable without looping
    for node in order:  # children finish before their parents
        tails = [t for t in (best.get(child) for child in dag.get(node, [])) if t is not None]
        if node in ends:
            tails.append(Decimal(0))
        best[node] = budgets.get(node, Decimal(0)) + max(tails) if tails else None
    return max((b for b in (best.get(s) for s in starts) if b is not None), default=Decimal(0))
