"""Task deadlines and SLA colours, one-time reminders and escalations, and BPMN timers firing."""

from __future__ import annotations

import datetime as dt

import pytest

from dichvucong.agencies.constants import SlaState
from dichvucong.core import clock
from dichvucong.notifications.models import Notification
from dichvucong.workflows import tasks
from dichvucong.workflows.hooks import SubjectDescription, register_subject_describer
from dichvucong.workflows.models import CompletedTask, OpenTask, ProcessVersion, WorkflowInstance
from dichvucong.workflows.selectors import get_draft_version
from dichvucong.workflows.services import (
    claim_task,
    complete_task,
    create_process_definition,
    fire_due_timers,
    publish_process_version,
    refresh_task_sla,
)
from dichvucong.workflows.tests.bpmn_samples import with_boundary_timer
from dichvucong.workflows.tests.conftest import MONDAY_8, SUBJECT, City, at, only, start


def thu_ly(city: City, common: ProcessVersion) -> OpenTask:
    """Open the 40-hour "Thụ lý" task at Monday 2 March 08:00."""
    task = only(start(common, city))
    task = only(complete_task(task=task, actor=city.counter, action="approve", now=MONDAY_8).opened)
    return only(complete_task(task=task, actor=city.unit_head, action="approve", now=MONDAY_8).opened)


def fresh(task: OpenTask) -> OpenTask:
    return OpenTask.objects.get(pk=task.pk)


def sent(template: str, recipient) -> int:
    return Notification.objects.filter(template=template, recipient=recipient).count()


def test_deadline_and_near_due_instant_follow_the_working_day_calendar(
    city: City, common: ProcessVersion
) -> None:
    """40 working hours from Monday 08:00: due next Monday 08:00; near due one working day before."""
    task = thu_ly(city, common)
    assert task.due_at == at(2026, 3, 9, 8, 0)
    assert task.near_due_at == at(2026, 3, 6, 8, 0)
    assert task.sla_state == SlaState.ON_TIME


def test_a_task_shorter_than_a_working_day_is_near_due_at_once(city: City, common: ProcessVersion) -> None:
    """Reception (4 h): the near-due threshold (1 working day) exceeds the whole budget."""
    task = only(start(common, city))
    assert task.sla_state == SlaState.NEAR_DUE


def test_sla_state_moves_on_time_to_near_due_to_overdue(city: City, common: ProcessVersion) -> None:
    """The sweep recolours the task as time passes (clock overrides, no sleeping)."""
    task = thu_ly(city, common)
    refresh_task_sla(now=at(2026, 3, 5, 16, 0))
    assert fresh(task).sla_state == SlaState.ON_TIME
    with clock.backdated(at(2026, 3, 6, 9, 0)):
        counts = refresh_task_sla()
    assert fresh(task).sla_state == SlaState.NEAR_DUE
    assert counts["near_due"] == 1
    refresh_task_sla(now=at(2026, 3, 9, 8, 1))
    assert fresh(task).sla_state == SlaState.OVERDUE


def test_assignee_is_reminded_once_when_near_due(city: City, common: ProcessVersion) -> None:
    """Unassigned: nobody to remind. Claimed: one reminder, however many sweeps follow."""
    task = thu_ly(city, common)
    refresh_task_sla(now=at(2026, 3, 6, 9, 0))
    assert fresh(task).reminded_at is None
    claim_task(task=task, actor=city.specialist)
    for hour in (10, 11, 14):
        refresh_task_sla(now=at(2026, 3, 6, hour, 0))
    assert sent("workflows.task_near_due", city.specialist) == 1
    assert fresh(task).reminded_at == at(2026, 3, 6, 10, 0)


def test_overdue_is_escalated_once_to_the_unit_heads(city: City, common: ProcessVersion) -> None:
    """Overdue: the unit heads of the task's agency are told once; the subject's own label is used."""
    register_subject_describer(SUBJECT, lambda pk: SubjectDescription(label=f"Hồ sơ số {pk}", link="/hs/"))
    task = thu_ly(city, common)
    claim_task(task=task, actor=city.specialist)
    refresh_task_sla(now=at(2026, 3, 9, 9, 0))
    refresh_task_sla(now=at(2026, 3, 9, 10, 0))
    assert sent("workflows.task_overdue", city.unit_head) == 1
    assert sent("workflows.task_overdue", city.specialist) == 0
    notification = Notification.objects.get(template="workflows.task_overdue", recipient=city.unit_head)
    assert f"Hồ sơ số {task.subject_id}" in notification.body
    assert fresh(task).escalated_at == at(2026, 3, 9, 9, 0)


def test_the_beat_task_runs_the_sweep(city: City, common: ProcessVersion) -> None:
    """The Celery task is the service: it recolours with the current clock."""
    task = thu_ly(city, common)
    with clock.backdated(at(2026, 3, 10, 9, 0)):
        result = tasks.refresh_task_sla_task()
    assert result["overdue"] >= 1
    assert fresh(task).sla_state == SlaState.OVERDUE


@pytest.fixture
def timer_version(city: City) -> ProcessVersion:
    definition = create_process_definition(
        key="hen-gio", name="Hẹn giờ", owner_agency=None, actor=None, bpmn_xml=with_boundary_timer()
    )
    return publish_process_version(version=get_draft_version(definition=definition), actor=None)


def test_timers_fire_in_the_sweep_when_due(city: City, timer_version: ProcessVersion) -> None:
    """A 4-hour boundary timer: nothing at +3 h; at +5 h the step is replaced by the escalation step."""
    task = only(start(timer_version, city))
    instance = WorkflowInstance.objects.get(pk=task.instance_id)
    assert instance.next_timer_at == MONDAY_8 + dt.timedelta(hours=4)
    assert fire_due_timers(now=MONDAY_8 + dt.timedelta(hours=3)) == 0
    assert OpenTask.objects.filter(pk=task.pk).exists()
    assert fire_due_timers(now=MONDAY_8 + dt.timedelta(hours=5)) == 1
    assert not OpenTask.objects.filter(pk=task.pk).exists()
    (escalated,) = OpenTask.objects.filter(instance=instance)
    assert (escalated.spec.bpmn_id, escalated.candidate_role) == ("Task_Escalated", "unit_head")
    (closed,) = CompletedTask.objects.filter(instance=instance)
    assert (closed.spec.bpmn_id, closed.action, closed.sla_state) == ("Task_A", "", SlaState.ON_TIME)
    assert fire_due_timers(now=MONDAY_8 + dt.timedelta(hours=6)) == 0
    assert WorkflowInstance.objects.get(pk=instance.pk).next_timer_at is None


def test_completing_before_the_timer_cancels_it(city: City, timer_version: ProcessVersion) -> None:
    """Done in time: the workflow ends and no timer is left to fire."""
    task = only(start(timer_version, city))
    result = complete_task(
        task=task, actor=city.specialist, action="approve", now=MONDAY_8 + dt.timedelta(hours=1)
    )
    assert result.finished
    assert WorkflowInstance.objects.get(pk=task.instance_id).next_timer_at is None
    assert fire_due_timers(now=MONDAY_8 + dt.timedelta(hours=9)) == 0


def test_a_unit_heads_overdue_task_is_escalated_to_the_agency_leader(
    city: City, common: ProcessVersion
) -> None:
    """Phân công (unit head's task) overdue: the agency leader hears of it, not the unit head."""
    task = only(start(common, city))
    task = only(complete_task(task=task, actor=city.counter, action="approve", now=MONDAY_8).opened)
    assert task.candidate_role == "unit_head"
    refresh_task_sla(now=at(2026, 3, 3, 9, 0))
    assert sent("workflows.task_overdue", city.leader) == 1
    assert sent("workflows.task_overdue", city.unit_head) == 0
