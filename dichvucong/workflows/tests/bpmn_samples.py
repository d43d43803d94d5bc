"""Small BPMN documents for the tests (no diagram: the engine and validation do not need one)."""

from __future__ import annotations

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:dvc="https://dichvucong.vn/schema/bpmn/1.0" id="Defs" targetNamespace="https://example.org/t">'
)


def rules(
    *,
    stage: str = "processing",
    role: str = "specialist",
    agency: str = "receiving",
    budget: str = "8",
    actions: str = "approve,return_previous",
) -> str:
    return (
        "<bpmn:extensionElements>"
        f'<dvc:taskRules stage="{stage}" role="{role}" agency="{agency}" '
        f'budgetHours="{budget}" actions="{actions}"/>'
        "</bpmn:extensionElements>"
    )


def document(body: str, *, process_id: str = "Process_T") -> str:
    process = f'<bpmn:process id="{process_id}" isExecutable="true">{body}</bpmn:process>'
    return f"{HEADER}{process}</bpmn:definitions>"


def linear(task_rules: str | None = None, *, extra: str = "") -> str:
    """start → Task_A → end, optionally with other rules on Task_A and extra elements."""
    return document(
        '<bpmn:startEvent id="StartEvent_1"/>'
        '<bpmn:userTask id="Task_A" name="Bước A">'
        f"{rules() if task_rules is None else task_rules}</bpmn:userTask>"
        '<bpmn:endEvent id="EndEvent_1"/>'
        '<bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_A"/>'
        '<bpmn:sequenceFlow id="Flow_2" sourceRef="Task_A" targetRef="EndEvent_1"/>' + extra
    )


def with_gateway(
    condition_approve: str = 'action == "approve"', condition_back: str = 'action == "return_previous"'
) -> str:
    """start → A → gateway (approve → B → end | return_previous → A)."""
    return document(
        '<bpmn:startEvent id="StartEvent_1"/>'
        f'<bpmn:userTask id="Task_A" name="Bước A">{rules(budget="8")}</bpmn:userTask>'
        '<bpmn:exclusiveGateway id="Gateway_1"/>'
        f'<bpmn:userTask id="Task_B" name="Bước B">{rules(budget="4", actions="approve")}</bpmn:userTask>'
        '<bpmn:endEvent id="EndEvent_1"/>'
        '<bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_A"/>'
        '<bpmn:sequenceFlow id="Flow_2" sourceRef="Task_A" targetRef="Gateway_1"/>'
        '<bpmn:sequenceFlow id="Flow_3" sourceRef="Gateway_1" targetRef="Task_B">'
        f"<bpmn:conditionExpression>{condition_approve}</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="Flow_4" sourceRef="Gateway_1" targetRef="Task_A">'
        f"<bpmn:conditionExpression>{condition_back}</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="Flow_5" sourceRef="Task_B" targetRef="EndEvent_1"/>'
    )


def with_boundary_timer(duration: str = '"PT4H"') -> str:
    """start → A (boundary timer → Task_Escalated → end) → end."""
    return document(
        '<bpmn:startEvent id="StartEvent_1"/>'
        f'<bpmn:userTask id="Task_A" name="Bước A">{rules(actions="approve")}</bpmn:userTask>'
        '<bpmn:boundaryEvent id="Timer_A" attachedToRef="Task_A" cancelActivity="true">'
        f"<bpmn:timerEventDefinition><bpmn:timeDuration>{duration}</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:boundaryEvent>"
        '<bpmn:userTask id="Task_Escalated" name="Xử lý quá hạn">'
        f"{rules(role='unit_head', actions='approve')}</bpmn:userTask>"
        '<bpmn:endEvent id="EndEvent_1"/>'
        '<bpmn:endEvent id="EndEvent_2"/>'
        '<bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_A"/>'
        '<bpmn:sequenceFlow id="Flow_2" sourceRef="Task_A" targetRef="EndEvent_1"/>'
        '<bpmn:sequenceFlow id="Flow_3" sourceRef="Timer_A" targetRef="Task_Escalated"/>'
        '<bpmn:sequenceFlow id="Flow_4" sourceRef="Task_Escalated" targetRef="EndEvent_2"/>'
    )
