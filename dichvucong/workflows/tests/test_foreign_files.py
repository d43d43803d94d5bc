"""A .bpmn file drawn in another modeler (Camunda Modeler) imports with readable problems, and runs
once our task rules and a plain condition are added."""

from __future__ import annotations

from pathlib import Path

from dichvucong.workflows.constants import ProblemCode, WorkflowStatus
from dichvucong.workflows.selectors import get_draft_version
from dichvucong.workflows.services import (
    complete_task,
    create_process_definition,
    publish_process_version,
    validate_process_xml,
)
from dichvucong.workflows.tests.bpmn_samples import rules
from dichvucong.workflows.tests.conftest import City, only, start

CAMUNDA = (Path(__file__).parent / "data" / "camunda-modeler.bpmn").read_text(encoding="utf-8")


def test_camunda_file_gives_readable_problems(db: None) -> None:
    """Missing task rules and the JUEL condition ``${…}`` are named, element by element."""
    problems = validate_process_xml(bpmn_xml=CAMUNDA)
    found = {(p.code, p.element_id) for p in problems}
    assert (ProblemCode.MISSING_TASK_RULES, "Activity_ThamDinh") in found
    assert (ProblemCode.MISSING_TASK_RULES, "Activity_Ky") in found
    assert (ProblemCode.UNSAFE_EXPRESSION, "Flow_0d") in found
    assert all(p.message for p in problems)


def test_camunda_file_runs_once_completed(city: City) -> None:
    """With dvc:taskRules and a plain condition the foreign drawing publishes and runs to its end."""
    sign = rules(stage="approval", role="agency_leader", actions="sign")
    xml = (
        CAMUNDA.replace(
            'id="Definitions_0x1abc"',
            'xmlns:dvc="https://dichvucong.vn/schema/bpmn/1.0" id="Definitions_0x1abc"',
        )
        .replace(
            'camunda:assignee="${reviewer}">',
            f'camunda:assignee="${{reviewer}}">{rules(actions="approve,return_previous")}',
        )
        .replace(
            'camunda:candidateGroups="leaders">',
            f'camunda:candidateGroups="leaders">{sign}',
        )
        .replace('${action == "return_previous"}', 'action == "return_previous"')
    )
    assert validate_process_xml(bpmn_xml=xml) == []
    definition = create_process_definition(
        key="cap-phep", name="Cấp phép", owner_agency=None, actor=None, bpmn_xml=xml
    )
    version = publish_process_version(version=get_draft_version(definition=definition), actor=None)
    task = only(start(version, city))
    task = only(complete_task(task=task, actor=city.specialist, action="return_previous").opened)
    assert task.spec.bpmn_id == "Activity_ThamDinh"
    task = only(complete_task(task=task, actor=city.specialist, action="approve").opened)
    assert task.spec.bpmn_id == "Activity_Ky"
    result = complete_task(task=task, actor=city.leader, action="sign")
    assert result.finished and result.end_id == "Event_0end"
    assert task.instance.__class__.objects.get(pk=task.instance_id).status == WorkflowStatus.COMPLETED
