"""The engine port: the only module of dichvucong that imports SpiffWorkflow (import-linter enforces it).

Everything else talks to BPMN through these functions, with plain values in and out:

- ``check_process`` — can the engine parse and load this drawing at all (its own messages);
- ``start`` / ``complete`` / ``refresh_timers`` — one step from a stored state to the next, returning
  an ``EngineState`` (JSON state, the user tasks now ready, finished or not, the end reached, the
  next timer instant);
- ``ready_tasks`` — what a stored state has open (tests and repairs; worklists never call it).

Choices:

- **Restricted expressions.** Spiff evaluates conditions and timer values with ``eval``; we give
  every workflow ``RestrictedScriptEngine``, whose environment evaluates through
  ``workflows.expressions`` (a small AST whitelist) and refuses to execute scripts at all.
- **State without the drawing.** The stored JSON leaves out the process spec (``spec`` and
  ``subprocess_specs``): an instance points at a frozen published ``ProcessVersion``, so the spec is
  rebuilt from its XML (parsed once per process and cached by its hash). That keeps a dossier's state
  small; ``serializer_version`` records Spiff's serialisation format so ``serializer.migrate`` can
  upgrade old states.
- **Our clock.** Spiff's timers read ``datetime.now``; the timer module is given a ``datetime`` whose
  ``now()`` answers the instant of the current step (``now=`` of the caller, else ``clock.now()``),
  so tests move time with ``clock`` overrides and timers fire in ``fire_due_timers`` sweeps.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.serializer import DEFAULT_CONFIG, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.defaults import EndEvent
from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from SpiffWorkflow.version import __version__ as _SPIFF_VERSION

from dichvucong.core import clock
from dichvucong.workflows.expressions import ExpressionError, compile_expression, evaluate_expression

logging.getLogger("spiff").setLevel(logging.WARNING)  # one INFO line per task state: too much

_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
SERIALIZER_VERSION = f"spiff-{_SPIFF_VERSION}/{_SERIALIZER.VERSION}"
_VERSION_KEY = _SERIALIZER.VERSION_KEY
_SPEC_KEYS = ("spec", "subprocess_specs")
_CACHE_SIZE = 64


class EngineError(Exception):
    """The engine refused a drawing or a step; ``no_route`` when no outgoing flow matched."""

    def __init__(self, message: str, *, no_route: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.no_route = no_route


@dataclass(frozen=True)
class ReadyTask:
    """A user task the engine has open: its engine id, its BPMN id and name."""

    uuid: str
    bpmn_id: str
    name: str


@dataclass(frozen=True)
class EngineState:
    """The result of one step: the state to store and what it means."""

    state: dict[str, Any]
    serializer_version: str
    ready: list[ReadyTask]
    finished: bool
    end_id: str | None
    next_timer_at: dt.datetime | None


# --- Restricted expressions -----------------------------------------------------------------------


class _RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates through the whitelist of ``workflows.expressions``; never executes scripts."""

    def evaluate(self, expression: str, context: Mapping[str, Any], external_context: Any = None) -> Any:
        names = {**(external_context or {}), **context}
        return evaluate_expression(expression, names)

    def execute(self, script: str, context: Any, external_context: Any = None) -> bool:
        raise ExpressionError("script tasks are not allowed")

    def call_service(self, context: Any, **kwargs: Any) -> Any:
        raise ExpressionError("service tasks are not allowed")


class RestrictedScriptEngine(PythonScriptEngine):
    """Spiff's script engine with the restricted environment (no ``eval``/``exec`` anywhere)."""

    def __init__(self) -> None:
        super().__init__(environment=_RestrictedEnvironment())

    def validate(self, expression: str) -> None:
        compile_expression(expression)


_SCRIPT_ENGINE = RestrictedScriptEngine()


# --- Our clock for Spiff's timers ---------------------------------------------------------------

_step_now: ContextVar[dt.datetime | None] = ContextVar("workflow_step_now", default=None)


class _ClockDatetime(dt.datetime):
    """``datetime`` whose ``now()`` is the current step's instant (Spiff's timer module uses it)."""

    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> _ClockDatetime:  # type: ignore[override]
        at = _step_now.get() or clock.now()
        return cls.fromtimestamp(at.timestamp(), tz=tz)


_spiff_timer.datetime = _ClockDatetime  # type: ignore[misc]


@contextmanager
def _at(now: dt.datetime | None) -> Iterator[None]:
    token = _step_now.set(now or clock.now())
    try:
        yield
    finally:
        _step_now.reset(token)


# --- Parsing (cached per drawing) ---------------------------------------------------------------


@dataclass(frozen=True)
class _Compiled:
    spec: Any
    subprocess_specs: dict[str, Any]
    spec_json: str


_compiled: dict[tuple[str, str], _Compiled] = {}
_compiled_lock = threading.Lock()


def _parse(bpmn_xml: str, process_id: str) -> tuple[Any, dict[str, Any]]:
    parser = BpmnParser()
    try:
        parser.add_bpmn_str(bpmn_xml.encode("utf-8"))
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except (ValidationException, SpiffWorkflowException) as exc:
        raise EngineError(_describe(exc)) from None
    except (ValueError, KeyError, TypeError, AttributeError, SyntaxError) as exc:  # malformed documents
        raise EngineError(str(exc) or type(exc).__name__) from None
    return spec, subprocess_specs


def _compile(bpmn_xml: str, process_id: str, source_hash: str) -> _Compiled:
    key = (source_hash, process_id)
    found = _compiled.get(key)
    if found is not None:
        return found
    spec, subprocess_specs = _parse(bpmn_xml, process_id)
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=_SCRIPT_ENGINE)
    full = _SERIALIZER.to_dict(workflow)
    spec_json = json.dumps({name: full[name] for name in _SPEC_KEYS})
    found = _Compiled(spec=spec, subprocess_specs=subprocess_specs, spec_json=spec_json)
    with _compiled_lock:
        if len(_compiled) >= _CACHE_SIZE:
            _compiled.pop(next(iter(_compiled)))
        _compiled[key] = found
    return found


def check_process(*, bpmn_xml: str, process_id: str) -> str | None:
    """None when the engine can load the process and create a workflow from it, else its message."""
    try:
        spec, subprocess_specs = _parse(bpmn_xml, process_id)
        BpmnWorkflow(spec, subprocess_specs, script_engine=_SCRIPT_ENGINE)
    except EngineError as exc:
        return exc.message
    except SpiffWorkflowException as exc:
        return _describe(exc)
    return None


# --- Steps --------------------------------------------------------------------------------------


def _describe(exc: BaseException) -> str:
    inner: BaseException | None = exc
    for _depth in range(5):  # an expression error is wrapped by Spiff's own exception
        if inner is None:
            break
        if isinstance(inner, ExpressionError):
            return str(inner)
        inner = getattr(inner, "exception", None) or inner.__cause__ or inner.__context__
    notes = getattr(exc, "notes", None) or []
    message = str(exc) if not isinstance(exc, SpiffWorkflowException) else exc.args[0] if exc.args else ""
    return " ".join([str(message), *[str(n) for n in notes]]).strip() or type(exc).__name__


def _run(action: Any) -> Any:
    try:
        return action()
    except SpiffWorkflowException as exc:
        message = _describe(exc)
        raise EngineError(message, no_route="No conditions satisfied" in message) from None
    except ExpressionError as exc:
        raise EngineError(str(exc)) from None


def _parents_first(workflow_dct: dict[str, Any]) -> dict[str, Any]:
    """The same workflow dict with its ``tasks`` ordered root first, each parent before its children.

    Spiff restores a task's data as a delta over its parent's, looking the parent up among the tasks
    restored so far; PostgreSQL's jsonb does not keep key order, so the order is rebuilt here.
    """
    tasks = workflow_dct.get("tasks") or {}
    root = workflow_dct.get("root")
    if root not in tasks:
        return workflow_dct
    ordered: dict[str, Any] = {}
    queue = [root]
    while queue:
        task_id = queue.pop(0)
        if task_id in ordered or task_id not in tasks:
            continue
        ordered[task_id] = tasks[task_id]
        queue.extend(tasks[task_id].get("children", []))
    ordered.update((task_id, task) for task_id, task in tasks.items() if task_id not in ordered)
    return {**workflow_dct, "tasks": ordered}


def _load(compiled: _Compiled, state: Mapping[str, Any]) -> BpmnWorkflow:
    dct = _parents_first(dict(state))
    if isinstance(dct.get("subprocesses"), dict):
        dct["subprocesses"] = {key: _parents_first(sub) for key, sub in dct["subprocesses"].items()}
    dct.update(json.loads(compiled.spec_json))
    dct.setdefault(_VERSION_KEY, _SERIALIZER.VERSION)
    _SERIALIZER.migrate(dct)
    workflow = _SERIALIZER.from_dict(dct)
    workflow.script_engine = _SCRIPT_ENGINE
    return workflow


def _dump(workflow: BpmnWorkflow) -> dict[str, Any]:
    dct = json.loads(_SERIALIZER.serialize_json(workflow))
    for name in _SPEC_KEYS:
        dct.pop(name, None)
    return dct


def _ready(workflow: BpmnWorkflow) -> list[ReadyTask]:
    return [
        ReadyTask(uuid=str(task.id), bpmn_id=task.task_spec.bpmn_id, name=task.task_spec.bpmn_name or "")
        for task in workflow.get_tasks(state=TaskState.READY, manual=True)
    ]


def _end_id(workflow: BpmnWorkflow) -> str | None:
    ends = [
        task
        for task in workflow.get_tasks(state=TaskState.COMPLETED)
        if isinstance(task.task_spec, EndEvent) and task.workflow is workflow
    ]
    if not ends:
        return None
    return max(ends, key=lambda task: task.last_state_change).task_spec.bpmn_id


def _next_timer(workflow: BpmnWorkflow) -> dt.datetime | None:
    instants: list[dt.datetime] = []
    for event in workflow.waiting_events():
        if "Timer" not in event.event_type and "TimeDate" not in event.event_type:
            continue
        value = event.value
        if isinstance(value, dict):
            value = value.get("next")
        if not isinstance(value, str):
            continue
        try:
            at = dt.datetime.fromisoformat(value)
        except ValueError:
            continue
        instants.append(at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC))
    return min(instants, default=None)


def _result(workflow: BpmnWorkflow) -> EngineState:
    finished = workflow.is_completed()
    return EngineState(
        state=_dump(workflow),
        serializer_version=SERIALIZER_VERSION,
        ready=_ready(workflow),
        finished=finished,
        end_id=_end_id(workflow) if finished else None,
        next_timer_at=None if finished else _next_timer(workflow),
    )


def start(
    *,
    bpmn_xml: str,
    process_id: str,
    source_hash: str,
    data: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> EngineState:
    """A new workflow of the process, run up to its first waiting tasks."""
    compiled = _compile(bpmn_xml, process_id, source_hash)
    with _at(now):
        workflow = BpmnWorkflow(compiled.spec, compiled.subprocess_specs, script_engine=_SCRIPT_ENGINE)
        if data:
            for task in workflow.get_tasks(state=TaskState.READY):
                task.data.update(dict(data))
        _run(workflow.do_engine_steps)
        return _result(workflow)


def complete(
    *,
    bpmn_xml: str,
    process_id: str,
    source_hash: str,
    state: Mapping[str, Any],
    task_uuid: str,
    data: Mapping[str, Any],
    now: dt.datetime | None = None,
) -> EngineState:
    """Complete the ready user task ``task_uuid`` with ``data`` and run to the next waiting tasks."""
    compiled = _compile(bpmn_xml, process_id, source_hash)
    with _at(now):
        workflow = _load(compiled, state)
        task = next(
            (t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if str(t.id) == task_uuid),
            None,
        )
        if task is None:
            raise EngineError(f"task {task_uuid} is not ready")
        task.data.update(dict(data))

        def step() -> None:
            task.run()
            workflow.do_engine_steps()

        _run(step)
        return _result(workflow)


def refresh_timers(
    *,
    bpmn_xml: str,
    process_id: str,
    source_hash: str,
    state: Mapping[str, Any],
    now: dt.datetime | None = None,
) -> EngineState:
    """Fire the timers due at ``now`` and run to the next waiting tasks."""
    compiled = _compile(bpmn_xml, process_id, source_hash)
    with _at(now):
        workflow = _load(compiled, state)

        def step() -> None:
            workflow.refresh_timers()
            workflow.do_engine_steps()

        _run(step)
        return _result(workflow)


def ready_tasks(
    *, bpmn_xml: str, process_id: str, source_hash: str, state: Mapping[str, Any]
) -> list[ReadyTask]:
    """The user tasks a stored state has open (deserialises: never call it from a list page)."""
    return _ready(_load(_compile(bpmn_xml, process_id, source_hash), state))


def task_data(
    *, bpmn_xml: str, process_id: str, source_hash: str, state: Mapping[str, Any]
) -> dict[str, Any]:
    """The workflow-level data of a stored state (deserialises)."""
    return dict(_load(_compile(bpmn_xml, process_id, source_hash), state).data)
