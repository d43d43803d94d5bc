"""Process definitions and versions: draft → publish → supersede, clone, diff, who may change them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dichvucong.workflows.constants import ProblemCode, ProcessVersionStatus, WorkflowErrorCode
from dichvucong.workflows.errors import WorkflowError
from dichvucong.workflows.models import ProcessDefinition, ProcessVersion
from dichvucong.workflows.selectors import (
    diff_process_versions,
    get_draft_version,
    get_published_version,
    list_process_definitions,
    list_process_versions,
)
from dichvucong.workflows.services import (
    clone_process_definition,
    complete_task,
    create_process_definition,
    publish_process_version,
    save_process_draft,
)
from dichvucong.workflows.tests.bpmn_samples import linear, rules, with_gateway
from dichvucong.workflows.tests.conftest import City, only, start


def make(city: City, xml: str | None = None, key: str = "thu-nghiem") -> ProcessDefinition:
    return create_process_definition(
        key=key,
        name="Quy trình thử nghiệm",
        owner_agency=city.department,
        actor=city.city_admin,
        bpmn_xml=xml or with_gateway(),
    )


def test_create_makes_a_draft_version_one_with_its_task_specs(city: City) -> None:
    """A new process has version 1 as a draft, its tasks extracted, no problems."""
    definition = make(city)
    draft = get_draft_version(definition=definition)
    assert draft is not None
    assert (draft.number, draft.status, draft.problems) == (1, ProcessVersionStatus.DRAFT, [])
    assert draft.process_id == "Process_T"
    assert draft.total_budget_hours == Decimal(12)
    specs = list(draft.task_specs.values_list("bpmn_id", "role", "budget_hours", "actions"))
    assert specs == [
        ("Task_A", "specialist", Decimal(8), ["approve", "return_previous"]),
        ("Task_B", "specialist", Decimal(4), ["approve"]),
    ]


def test_duplicate_key_and_bad_key_are_refused(city: City) -> None:
    """Keys are unique slugs."""
    make(city)
    with pytest.raises(WorkflowError) as refused:
        make(city)
    assert refused.value.code == WorkflowErrorCode.DUPLICATE_KEY
    with pytest.raises(WorkflowError) as refused:
        make(city, key="Có dấu cách")
    assert refused.value.code == WorkflowErrorCode.INVALID


def test_saving_a_draft_stores_its_problems_but_refuses_unparseable_xml(city: City) -> None:
    """A draft may have problems (shown to the designer); XML that does not parse is not stored."""
    definition = make(city)
    draft = save_process_draft(definition=definition, bpmn_xml=linear(task_rules=""), actor=city.city_admin)
    assert [p["code"] for p in draft.problems] == [ProblemCode.MISSING_TASK_RULES]
    with pytest.raises(WorkflowError) as refused:
        save_process_draft(definition=definition, bpmn_xml="<not-bpmn", actor=city.city_admin)
    assert refused.value.problems[0].code == ProblemCode.PARSE_ERROR
    assert ProcessVersion.objects.get(pk=draft.pk).bpmn_xml == linear(task_rules="")


def test_publish_refuses_a_version_with_problems_and_lists_them(city: City) -> None:
    """Publishing a draft with problems fails with them; the draft stays a draft."""
    definition = make(city, linear(task_rules=rules(budget="0")))
    draft = get_draft_version(definition=definition)
    with pytest.raises(WorkflowError) as refused:
        publish_process_version(version=draft, actor=city.city_admin)
    assert refused.value.code == WorkflowErrorCode.INVALID_PROCESS
    assert [p.code for p in refused.value.problems] == [ProblemCode.INVALID_BUDGET]
    assert ProcessVersion.objects.get(pk=draft.pk).status == ProcessVersionStatus.DRAFT


def test_publish_checks_the_legal_time(city: City) -> None:
    """Budgets beyond the procedure's legal time block publication."""
    draft = get_draft_version(definition=make(city))
    with pytest.raises(WorkflowError) as refused:
        publish_process_version(version=draft, actor=city.city_admin, legal_hours=Decimal(8))
    assert [p.code for p in refused.value.problems] == [ProblemCode.OVER_BUDGET]


def test_publish_supersedes_and_running_instances_keep_their_version(city: City) -> None:
    """Version 2 supersedes version 1; a workflow started on v1 goes on with v1's drawing."""
    definition = make(city)
    v1 = publish_process_version(version=get_draft_version(definition=definition), actor=city.city_admin)
    task = only(start(v1, city))
    v2_xml = with_gateway().replace('budgetHours="4"', 'budgetHours="2"')
    v2 = save_process_draft(definition=definition, bpmn_xml=v2_xml, actor=city.city_admin)
    assert v2.number == 2
    publish_process_version(version=v2, actor=city.city_admin)
    assert ProcessVersion.objects.get(pk=v1.pk).status == ProcessVersionStatus.SUPERSEDED
    assert get_published_version(definition=definition).pk == v2.pk
    assert [v.number for v in list_process_versions(definition=definition)] == [2, 1]
    step = complete_task(task=task, actor=city.specialist, action="approve")
    assert only(step.opened).spec.version_id == v1.pk
    assert only(step.opened).spec.budget_hours == Decimal(4)


def test_only_drafts_are_published_and_edited_in_place(city: City) -> None:
    """A published version cannot be published again; saving makes a new draft instead."""
    definition = make(city)
    v1 = publish_process_version(version=get_draft_version(definition=definition), actor=city.city_admin)
    with pytest.raises(WorkflowError) as refused:
        publish_process_version(version=v1, actor=city.city_admin)
    assert refused.value.code == WorkflowErrorCode.NOT_DRAFT
    first = save_process_draft(definition=definition, bpmn_xml=with_gateway(), actor=city.city_admin)
    second = save_process_draft(definition=definition, bpmn_xml=linear(), actor=city.city_admin)
    assert first.pk == second.pk
    assert ProcessVersion.objects.get(pk=v1.pk).bpmn_xml == with_gateway()


def test_starting_a_draft_is_refused(city: City) -> None:
    """Only published (or superseded) versions run."""
    draft = get_draft_version(definition=make(city))
    with pytest.raises(WorkflowError) as refused:
        start(draft, city)
    assert refused.value.code == WorkflowErrorCode.NOT_PUBLISHED


def test_clone_copies_the_drawing_into_a_new_draft(city: City, common: ProcessVersion) -> None:
    """Cloning the city template for an agency gives a v1 draft with the same tasks."""
    clone = clone_process_definition(
        version=common,
        key="mot-cua-so-tu-phap",
        name="Một cửa Sở Tư pháp",
        owner_agency=city.department,
        actor=city.city_admin,
    )
    draft = get_draft_version(definition=clone)
    assert draft.bpmn_xml == common.bpmn_xml
    assert diff_process_versions(old=common, new=draft).is_empty


def test_diff_lists_added_removed_and_changed_tasks(city: City) -> None:
    """The diff names each task's changed properties."""
    definition = make(city)
    v1 = publish_process_version(version=get_draft_version(definition=definition), actor=city.city_admin)
    xml = (
        with_gateway()
        .replace('budgetHours="8"', 'budgetHours="6"')
        .replace('id="Task_B" name="Bước B"', 'id="Task_C" name="Bước C"')
        .replace('targetRef="Task_B"', 'targetRef="Task_C"')
        .replace('sourceRef="Task_B"', 'sourceRef="Task_C"')
    )
    v2 = save_process_draft(definition=definition, bpmn_xml=xml, actor=city.city_admin)
    diff = diff_process_versions(old=v1, new=v2)
    assert [t.bpmn_id for t in diff.added] == ["Task_C"]
    assert [t.bpmn_id for t in diff.removed] == ["Task_B"]
    assert [(c.bpmn_id, c.changes) for c in diff.changed] == [
        ("Task_A", {"budget_hours": (Decimal(8), Decimal(6))})
    ]


def test_only_admins_change_processes(city: City, common: ProcessVersion) -> None:
    """Officers cannot draw processes; city templates are city admins' only."""
    with pytest.raises(WorkflowError) as refused:
        create_process_definition(
            key="x", name="X", owner_agency=city.department, actor=city.unit_head, bpmn_xml=linear()
        )
    assert refused.value.code == WorkflowErrorCode.NOT_ALLOWED
    with pytest.raises(WorkflowError):
        save_process_draft(definition=common.definition, bpmn_xml=linear(), actor=city.unit_head)


def test_list_definitions_shows_templates_and_own_agencies(city: City, common: ProcessVersion) -> None:
    """A department officer sees the city templates and their agency's processes, not others'."""
    mine = make(city)
    other = create_process_definition(
        key="khac", name="Khác", owner_agency=city.field_owner, actor=city.city_admin, bpmn_xml=linear()
    )
    visible = set(list_process_definitions(user=city.unit_head).values_list("key", flat=True))
    assert {"mot-cua-chung", mine.key} <= visible
    assert other.key not in visible
