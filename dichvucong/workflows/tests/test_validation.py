"""``validate_process_xml``: one readable problem per kind of mistake, none for the shipped templates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dichvucong.workflows.constants import ProblemCode
from dichvucong.workflows.services import validate_process_xml
from dichvucong.workflows.shipped import SHIPPED_TEMPLATES
from dichvucong.workflows.tests.bpmn_samples import document, linear, rules, with_boundary_timer, with_gateway


def codes(xml: str, **kwargs) -> list[str]:
    return [p.code for p in validate_process_xml(bpmn_xml=xml, **kwargs)]


def only_problem(xml: str, **kwargs):
    problems = validate_process_xml(bpmn_xml=xml, **kwargs)
    assert len(problems) == 1, problems
    assert problems[0].message
    return problems[0]


@pytest.mark.parametrize("template", SHIPPED_TEMPLATES, ids=lambda t: t.key)
def test_shipped_templates_are_valid(db: None, template) -> None:
    """Each shipped .bpmn validates without problems."""
    assert validate_process_xml(bpmn_xml=template.path.read_text(encoding="utf-8")) == []


def test_minimal_processes_are_valid(db: None) -> None:
    """A linear process, a gateway loop and a boundary timer are all accepted."""
    assert codes(linear()) == []
    assert codes(with_gateway()) == []
    assert codes(with_boundary_timer()) == []


@pytest.mark.parametrize("xml", ["", "not xml at all", "<a><b></a>", "<html/>"])
def test_malformed_or_non_bpmn_xml(db: None, xml: str) -> None:
    """Garbage, broken XML and XML that is not BPMN are parse errors."""
    assert codes(xml) == [ProblemCode.PARSE_ERROR]


def test_doctype_and_entities_are_refused(db: None) -> None:
    """An external entity (XXE) is never read: a DOCTYPE is a parse error."""
    body = (
        linear()
        .split("?>", 1)[1]
        .replace('name="Bước A">', 'name="Bước A"><bpmn:documentation>&x;</bpmn:documentation>')
    )
    xml = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + body
    problem = only_problem(xml)
    assert problem.code == ProblemCode.PARSE_ERROR
    assert "root:" not in problem.message


def test_no_process(db: None) -> None:
    """Definitions without any runnable process."""
    xml = document("").replace('<bpmn:process id="Process_T" isExecutable="true"></bpmn:process>', "")
    assert only_problem(xml).code == ProblemCode.NO_PROCESS


def test_multiple_processes(db: None) -> None:
    """Two executable processes in one file are refused."""
    one = linear()
    body = one[one.index("<bpmn:process") : one.index("</bpmn:definitions>")]
    xml = one.replace("</bpmn:definitions>", body.replace("Process_T", "Process_U") + "</bpmn:definitions>")
    assert ProblemCode.MULTIPLE_PROCESSES in codes(xml)


def test_reserved_and_duplicate_ids(db: None) -> None:
    """Ids the engine reserves ("Start", "End") and duplicated ids."""
    xml = linear().replace("EndEvent_1", "End")
    assert ProblemCode.RESERVED_ID in codes(xml)
    xml = linear(extra='<bpmn:textAnnotation id="Task_A"/>')
    assert ProblemCode.DUPLICATE_ID in codes(xml)


def test_missing_start_and_end(db: None) -> None:
    """A process needs a start and an end event."""
    xml = document(f'<bpmn:userTask id="Task_A" name="A">{rules()}</bpmn:userTask>')
    assert set(codes(xml)) == {ProblemCode.NO_START, ProblemCode.NO_END}


def test_script_task_is_refused_with_a_readable_message(db: None) -> None:
    """Script tasks never run: the message says so."""
    xml = linear(
        extra='<bpmn:scriptTask id="Script_1" name="Chạy mã">'
        "<bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>"
    )
    problem = next(p for p in validate_process_xml(bpmn_xml=xml) if p.code == ProblemCode.UNSUPPORTED_ELEMENT)
    assert problem.element_id == "Script_1"
    assert "script task" in problem.message


def test_untyped_task_and_message_events_are_unsupported(db: None) -> None:
    """A plain bpmn:task (bpmn-js's default) and a message start event are refused."""
    assert ProblemCode.UNSUPPORTED_ELEMENT in codes(linear(extra='<bpmn:task id="Task_X" name="X"/>'))
    xml = linear().replace(
        '<bpmn:startEvent id="StartEvent_1"/>',
        '<bpmn:startEvent id="StartEvent_1"><bpmn:messageEventDefinition/></bpmn:startEvent>',
    )
    assert ProblemCode.UNSUPPORTED_ELEMENT in codes(xml)


def test_user_task_without_rules(db: None) -> None:
    """A user task needs dvc:taskRules."""
    problem = only_problem(linear(task_rules=""))
    assert (problem.code, problem.element_id) == (ProblemCode.MISSING_TASK_RULES, "Task_A")
    assert "Bước A" in problem.message


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"stage": "lunch"}, ProblemCode.INVALID_STAGE),
        ({"role": "city_admin"}, ProblemCode.INVALID_ROLE),
        ({"agency": "somewhere"}, ProblemCode.INVALID_AGENCY),
        ({"agency": "code:12345"}, ProblemCode.INVALID_AGENCY),
        ({"agency": "code:999.99.99.H99"}, ProblemCode.INVALID_AGENCY),
        ({"budget": "0"}, ProblemCode.INVALID_BUDGET),
        ({"budget": "-3"}, ProblemCode.INVALID_BUDGET),
        ({"budget": "soon"}, ProblemCode.INVALID_BUDGET),
        ({"actions": ""}, ProblemCode.INVALID_ACTIONS),
        ({"actions": "approve,teleport"}, ProblemCode.INVALID_ACTIONS),
    ],
)
def test_bad_task_rules(db: None, kwargs: dict[str, str], code: str) -> None:
    """Each bad property of dvc:taskRules gives its own problem on the task."""
    problem = only_problem(linear(task_rules=rules(**kwargs)))
    assert (problem.code, problem.element_id) == (code, "Task_A")


def test_fixed_agency_by_code_is_accepted_when_it_exists(city) -> None:
    """agency="code:<QCVN code>" of an existing agency is valid."""
    assert codes(linear(task_rules=rules(agency=f"code:{city.field_owner.code}"))) == []


@pytest.mark.parametrize(
    "condition",
    ['__import__("os")', "action.__class__", "open('x')", "action[0]", "[x for x in y]", "lambda: 1"],
)
def test_unsafe_conditions(db: None, condition: str) -> None:
    """Calls, attribute access, subscripts, comprehensions and lambdas are refused before running."""
    problem = only_problem(with_gateway(condition_approve=condition.replace("<", "&lt;")))
    assert (problem.code, problem.element_id) == (ProblemCode.UNSAFE_EXPRESSION, "Flow_3")


def test_gateway_branch_without_condition(db: None) -> None:
    """Every branch of an exclusive gateway needs a condition unless it is the default."""
    xml = with_gateway().replace(
        '<bpmn:conditionExpression>action == "return_previous"</bpmn:conditionExpression>', ""
    )
    problem = only_problem(xml)
    assert (problem.code, problem.element_id) == (ProblemCode.MISSING_CONDITION, "Flow_4")
    assert (
        codes(
            xml.replace(
                '<bpmn:exclusiveGateway id="Gateway_1"/>',
                '<bpmn:exclusiveGateway id="Gateway_1" default="Flow_4"/>',
            )
        )
        == []
    )


def test_an_action_without_a_branch(db: None) -> None:
    """A task offering "refuse" before a gateway that has no branch for it is reported on the task."""
    xml = with_gateway().replace(
        'actions="approve,return_previous"', 'actions="approve,return_previous,refuse"'
    )
    problem = only_problem(xml)
    assert (problem.code, problem.element_id) == (ProblemCode.ACTION_WITHOUT_BRANCH, "Task_A")
    assert "refuse" in problem.message
    with_default = xml.replace(
        '<bpmn:exclusiveGateway id="Gateway_1"/>', '<bpmn:exclusiveGateway id="Gateway_1" default="Flow_3"/>'
    )
    assert codes(with_default) == []


@pytest.mark.parametrize("duration", ["PT4H", '"four hours"', '"P"', "", '"2026-13-45T00:00"'])
def test_bad_timers(db: None, duration: str) -> None:
    """Timers are quoted ISO-8601 durations: unquoted, free text or empty values are refused."""
    assert ProblemCode.INVALID_TIMER in codes(with_boundary_timer(duration))


def test_dead_end_and_unreachable(db: None) -> None:
    """A task with no way to an end event is a dead end; one no path reaches is unreachable."""
    dead = linear(
        extra=f'<bpmn:userTask id="Task_Dead" name="Ngõ cụt">{rules()}</bpmn:userTask>'
        '<bpmn:exclusiveGateway id="Gateway_X"/>'
    ).replace(
        '<bpmn:sequenceFlow id="Flow_2" sourceRef="Task_A" targetRef="EndEvent_1"/>',
        '<bpmn:sequenceFlow id="Flow_2" sourceRef="Task_A" targetRef="Gateway_X"/>'
        '<bpmn:sequenceFlow id="Flow_3" sourceRef="Gateway_X" targetRef="EndEvent_1">'
        '<bpmn:conditionExpression>action == "approve"</bpmn:conditionExpression></bpmn:sequenceFlow>'
        '<bpmn:sequenceFlow id="Flow_4" sourceRef="Gateway_X" targetRef="Task_Dead">'
        '<bpmn:conditionExpression>action == "return_previous"</bpmn:conditionExpression>'
        "</bpmn:sequenceFlow>",
    )
    problem = only_problem(dead)
    assert (problem.code, problem.element_id) == (ProblemCode.DEAD_END, "Task_Dead")
    lonely = linear(extra=f'<bpmn:userTask id="Task_Lonely" name="Lẻ loi">{rules()}</bpmn:userTask>')
    assert ProblemCode.UNREACHABLE in codes(lonely)


def test_budget_over_legal_time(db: None) -> None:
    """The longest path's budgets (loops counted once) are compared with the legal time."""
    xml = with_gateway()  # 8 h + 4 h on the only path to the end
    assert codes(xml, legal_hours=Decimal(12)) == []
    problem = only_problem(xml, legal_hours=Decimal("11.5"))
    assert problem.code == ProblemCode.OVER_BUDGET
    assert "12" in problem.message and "11.5" in problem.message


def test_engine_refusal_becomes_a_problem(db: None, monkeypatch) -> None:
    """What only the engine finds wrong is reported as an ``engine_error`` problem, not an exception."""
    from dichvucong.workflows import engine

    monkeypatch.setattr(engine, "check_process", lambda **kwargs: "cannot load")
    problem = only_problem(linear())
    assert problem.code == ProblemCode.ENGINE_ERROR
    assert "cannot load" in problem.message


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_files_give_problems_never_exceptions(db: None, data: st.DataObject) -> None:
    """Cutting any piece out of a real drawing yields a list of problems (or none), never a crash."""
    xml = SHIPPED_TEMPLATES[0].path.read_text(encoding="utf-8")
    start = data.draw(st.integers(min_value=0, max_value=len(xml) - 1))
    length = data.draw(st.integers(min_value=1, max_value=400))
    damaged = xml[:start] + xml[start + length :]
    problems = validate_process_xml(bpmn_xml=damaged)
    assert all(p.message for p in problems)
