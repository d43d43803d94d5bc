"""The engine port: state through JSON between every step, restricted expressions, timers on our clock."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dichvucong.workflows import engine
from dichvucong.workflows.tests.bpmn_samples import with_boundary_timer, with_gateway

T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def run(xml: str, **kwargs):
    return {"bpmn_xml": xml, "process_id": "Process_T", "source_hash": str(hash(xml)), **kwargs}


def through_json(state: dict) -> dict:
    return json.loads(json.dumps(state))


def test_round_trip_through_json_between_every_step() -> None:
    """start → return_previous → approve → approve, reloading the JSON state before each step."""
    xml = with_gateway()
    result = engine.start(**run(xml), now=T0)
    assert [r.bpmn_id for r in result.ready] == ["Task_A"]
    seen = []
    for action in ("return_previous", "approve", "approve"):
        state = through_json(result.state)
        assert [r.bpmn_id for r in engine.ready_tasks(**run(xml, state=state))] == [result.ready[0].bpmn_id]
        result = engine.complete(
            **run(xml, state=state), task_uuid=result.ready[0].uuid, data={"action": action}, now=T0
        )
        seen.append([r.bpmn_id for r in result.ready])
    assert seen == [["Task_A"], ["Task_B"], []]
    assert result.finished
    assert result.end_id == "EndEvent_1"
    assert result.serializer_version.startswith("spiff-3.2.0/")


def test_stored_state_leaves_the_drawing_out() -> None:
    """The spec is rebuilt from the version's XML, so the stored state does not repeat it."""
    result = engine.start(**run(with_gateway()), now=T0)
    assert "spec" not in result.state
    assert "subprocess_specs" not in result.state


def test_no_matching_branch_is_reported_as_no_route() -> None:
    """An action no condition accepts stops with ``no_route`` (the caller's transaction rolls back)."""
    xml = with_gateway()
    result = engine.start(**run(xml), now=T0)
    with pytest.raises(engine.EngineError) as refused:
        engine.complete(**run(xml, state=result.state), task_uuid=result.ready[0].uuid, data={"action": "x"})
    assert refused.value.no_route


def test_an_unsafe_condition_is_never_evaluated(tmp_path) -> None:
    """Even if an unsafe condition reached the engine, it is refused, not run."""
    marker = tmp_path / "pwned"
    xml = with_gateway(condition_approve=f"__import__('pathlib').Path('{marker}').touch()")
    result = engine.start(**run(xml), now=T0)
    with pytest.raises(engine.EngineError, match="gọi hàm"):
        engine.complete(
            **run(xml, state=result.state), task_uuid=result.ready[0].uuid, data={"action": "approve"}, now=T0
        )
    assert not marker.exists()


def test_check_process_reports_what_the_engine_cannot_load() -> None:
    """A process id not in the document is an engine message, not an exception."""
    assert engine.check_process(bpmn_xml=with_gateway(), process_id="Process_T") is None
    assert engine.check_process(bpmn_xml=with_gateway(), process_id="Nope")


def test_boundary_timer_fires_on_our_clock_only_when_due() -> None:
    """A "PT4H" timer set at T0 waits at T0+3h and fires at T0+5h (time from the step's ``now``)."""
    xml = with_boundary_timer()
    result = engine.start(**run(xml), now=T0)
    assert result.next_timer_at == T0 + dt.timedelta(hours=4)
    early = engine.refresh_timers(
        **run(xml, state=through_json(result.state)), now=T0 + dt.timedelta(hours=3)
    )
    assert [r.bpmn_id for r in early.ready] == ["Task_A"]
    late = engine.refresh_timers(**run(xml, state=through_json(result.state)), now=T0 + dt.timedelta(hours=5))
    assert [r.bpmn_id for r in late.ready] == ["Task_Escalated"]
    assert late.next_timer_at is None


def test_task_order_in_the_stored_json_does_not_matter() -> None:
    """PostgreSQL's jsonb reorders keys: data given at the start still reaches a later condition
    when the stored tasks come children first."""
    xml = with_gateway(condition_approve='action == "approve" and checked')
    result = engine.start(**run(xml), data={"checked": True}, now=T0)
    state = through_json(result.state)
    children_first = {**state, "tasks": dict(reversed(list(state["tasks"].items())))}
    step = engine.complete(
        **run(xml, state=children_first), task_uuid=result.ready[0].uuid, data={"action": "approve"}, now=T0
    )
    assert [r.bpmn_id for r in step.ready] == ["Task_B"]
