"""The open-task projection: always exactly the engine's ready tasks; worklists never touch the engine."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dichvucong.workflows import engine
from dichvucong.workflows.constants import WorklistScope
from dichvucong.workflows.models import OpenTask, ProcessVersion, WorkflowInstance
from dichvucong.workflows.selectors import WorklistFilters, list_worklist
from dichvucong.workflows.services import assign_task, claim_task, complete_task
from dichvucong.workflows.tests.conftest import MONDAY_8, City, only, start


def engine_view(instance: WorkflowInstance) -> set[tuple[str, str]]:
    version = instance.version
    ready = engine.ready_tasks(
        bpmn_xml=version.bpmn_xml,
        process_id=version.process_id,
        source_hash=version.source_hash,
        state=instance.state,
    )
    return {(r.uuid, r.bpmn_id) for r in ready}


def projection(instance: WorkflowInstance) -> set[tuple[str, str]]:
    return set(OpenTask.objects.filter(instance=instance).values_list("task_uuid", "spec__bpmn_id"))


def candidate_for(city: City, task: OpenTask):
    away = task.candidate_agency_id == city.field_owner.pk
    by_role = {
        "counter_officer": city.counter,
        "specialist": city.owner_specialist if away else city.specialist,
        "unit_head": city.unit_head,
        "agency_leader": city.owner_leader if away else city.leader,
    }
    return by_role[task.candidate_role]


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choices=st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=14))
def test_any_sequence_of_valid_actions_keeps_the_projection_equal_to_the_engine(
    city: City, templates: dict[str, ProcessVersion], choices: list[int]
) -> None:
    """Whatever valid actions officers take, the OpenTask rows are exactly the engine's ready tasks."""
    for key in ("mot-cua-chung", "lien-thong"):
        task = only(start(templates[key], city))
        instance = task.instance
        for choice in choices:
            open_tasks = list(OpenTask.objects.filter(instance=instance).select_related("spec"))
            if not open_tasks:
                break
            task = open_tasks[0]
            action = task.spec.actions[choice % len(task.spec.actions)]
            complete_task(task=task, actor=candidate_for(city, task), action=action, now=MONDAY_8)
            instance.refresh_from_db()
            assert projection(instance) == engine_view(instance)
        if instance.status == "completed":
            assert projection(instance) == set()


def test_rows_appear_and_disappear_in_the_step_transaction(city: City, common: ProcessVersion) -> None:
    """After a step the completed task's row is gone and the next one exists (same transaction)."""
    task = only(start(common, city))
    step = complete_task(task=task, actor=city.counter, action="approve")
    assert not OpenTask.objects.filter(pk=task.pk).exists()
    assert OpenTask.objects.filter(pk=only(step.opened).pk).exists()


def test_failed_step_leaves_rows_and_state_untouched(city: City, common: ProcessVersion, monkeypatch) -> None:
    """If the engine fails mid-step, nothing is written: same rows, same state."""
    task = only(start(common, city))
    before = WorkflowInstance.objects.get(pk=task.instance_id).state

    def broken(**kwargs):
        raise engine.EngineError("boom")

    monkeypatch.setattr(engine, "complete", broken)
    with pytest.raises(Exception, match="boom"):
        complete_task(task=task, actor=city.counter, action="approve")
    assert OpenTask.objects.filter(pk=task.pk).exists()
    assert WorkflowInstance.objects.get(pk=task.instance_id).state == before


@pytest.fixture
def no_engine(monkeypatch) -> None:
    """Any attempt to load workflow state fails the test."""

    def forbidden(*args, **kwargs):
        raise AssertionError("the worklist deserialised a workflow")

    monkeypatch.setattr(engine, "_load", forbidden)
    monkeypatch.setattr(engine, "ready_tasks", forbidden)


def test_worklist_shows_candidates_their_tasks_without_the_engine(
    city: City, common: ProcessVersion, no_engine: None, django_assert_num_queries
) -> None:
    """Counter officers see reception tasks; specialists do not; one query for the list."""
    for _ in range(3):
        start(common, city)
    list(list_worklist(user=city.counter))  # warm the user's scope cache
    with django_assert_num_queries(1):
        rows = list(list_worklist(user=city.counter))
        [(r.candidate_agency.name, r.instance.version.definition.key) for r in rows]
    assert len(rows) == 3
    assert list(list_worklist(user=city.specialist)) == []
    assert list(list_worklist(user=city.owner_specialist)) == []


def test_worklist_scopes(city: City, common: ProcessVersion) -> None:
    """mine = assigned to me; available = unassigned I may take; unit = my agencies (unit heads)."""
    a = only(start(common, city))
    b = only(start(common, city))
    claim_task(task=a, actor=city.counter)
    assert list(list_worklist(user=city.counter, scope=WorklistScope.MINE)) == [a]
    assert list(list_worklist(user=city.counter, scope=WorklistScope.AVAILABLE)) == [b]
    assert set(list_worklist(user=city.counter)) == {a, b}
    assert set(list_worklist(user=city.unit_head, scope=WorklistScope.UNIT)) == {a, b}
    assert list(list_worklist(user=city.counter, scope=WorklistScope.UNIT)) == []


def test_assigned_task_leaves_other_candidates_inbox(city: City, common: ProcessVersion) -> None:
    """Once assigned to one specialist, thụ lý is no longer in the other's inbox."""
    task = only(start(common, city))
    task = only(complete_task(task=task, actor=city.counter, action="approve").opened)
    task = only(complete_task(task=task, actor=city.unit_head, action="approve").opened)
    assert list(list_worklist(user=city.other_specialist)) == [task]
    assign_task(task=task, assignee=city.specialist, actor=city.unit_head)
    assert list(list_worklist(user=city.other_specialist)) == []
    assert list(list_worklist(user=city.specialist, scope=WorklistScope.MINE)) == [task]


def test_worklist_filters(city: City, common: ProcessVersion) -> None:
    """Stage, SLA state and subject filters narrow the list; a plain dict works too."""
    a = only(start(common, city))
    assert list(list_worklist(user=city.counter, filters={"stage": "reception"})) == [a]
    assert list(list_worklist(user=city.counter, filters=WorklistFilters(stage="approval"))) == []
    assert list(list_worklist(user=city.counter, filters={"subject_ids": (a.subject_id,)})) == [a]
    assert list(list_worklist(user=city.counter, filters={"sla_state": "overdue"})) == []
