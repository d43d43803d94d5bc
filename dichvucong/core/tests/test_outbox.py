"""The transactional outbox: commit-or-nothing, at-least-once with idempotent claims, backoff and
dead letters, recovery after a worker dies, and a real trip through Celery."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any
from unittest.mock import patch

import pytest
from django.db import connection, transaction
from kombu.exceptions import OperationalError as BrokerError

from dichvucong.core import outbox
from dichvucong.core.constants import OutboxStatus
from dichvucong.core.models import OutboxMessage
from dichvucong.core.outbox import (
    OutboxError,
    UnknownTopicError,
    dispatch_due_messages,
    dispatch_message,
    enqueue_message,
    outbox_handler,
    retry_failed_message,
)
from dichvucong.core.tests.conftest import FakeClock

pytestmark = pytest.mark.usefixtures("outbox_registry")


class Recorder:
    """A handler that remembers every payload it ran with (thread-safe)."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def __call__(self, payload: dict[str, Any]) -> None:
        with self._lock:
            self.calls.append(payload)


class Boom(RuntimeError):
    pass


class WorkerKilled(BaseException):
    """Escapes ``except Exception`` the way a killed worker process does: the lease stays taken."""


def register(topic: str, handler: Callable[[dict[str, Any]], None]) -> None:
    outbox_handler(topic)(handler)


@pytest.fixture
def recorder() -> Recorder:
    handler = Recorder()
    register("tests.record", handler)
    return handler


# --- enqueue: the transaction decides ------------------------------------------------------------


@pytest.mark.django_db
def test_rollback_of_the_callers_transaction_leaves_no_message(
    recorder: Recorder, django_capture_on_commit_callbacks: Any, eager_celery: None
) -> None:
    """Given a service that enqueues and then fails, when its transaction rolls back, then no row
    exists and nothing is published or run."""
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        enqueue_message(topic="tests.record", payload={"n": 1}, idempotency_key="k-rollback")
        raise Boom
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert recorder.calls == []


@pytest.mark.django_db
def test_commit_dispatches_the_message_exactly_once(
    recorder: Recorder, django_capture_on_commit_callbacks: Any, eager_celery: None
) -> None:
    """Given a committed enqueue, when its on-commit publish runs and then the sweep and a duplicate
    task delivery follow, then the handler ran once and the row is sent."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = enqueue_message(topic="tests.record", payload={"dossier_id": 7}, idempotency_key="k-1")
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.sent_at is not None
    assert message.attempts == 1

    assert dispatch_due_messages() == 0
    assert dispatch_message(message_id=message.pk) is False
    assert recorder.calls == [{"dossier_id": 7}]


@pytest.mark.django_db
def test_enqueue_does_not_run_the_handler_before_commit(recorder: Recorder) -> None:
    """Given an enqueue inside a transaction, when nothing has committed yet, then the row is pending
    and the handler has not run."""
    message = enqueue_message(topic="tests.record", payload={}, idempotency_key="k-pending")
    assert message.status == OutboxStatus.PENDING
    assert recorder.calls == []


@pytest.mark.django_db
def test_same_idempotency_key_returns_the_existing_row_and_sends_once(
    recorder: Recorder, django_capture_on_commit_callbacks: Any, eager_celery: None
) -> None:
    """Given two enqueues with one idempotency key (a retried request), when both commit, then one row,
    one publish and one handler run."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = enqueue_message(topic="tests.record", payload={"n": 1}, idempotency_key="submit-42")
        second = enqueue_message(topic="tests.record", payload={"n": 2}, idempotency_key="submit-42")
    assert first.pk == second.pk
    assert len(callbacks) == 1
    assert OutboxMessage.objects.count() == 1
    assert recorder.calls == [{"n": 1}]


@pytest.mark.django_db
def test_same_idempotency_key_for_another_topic_is_refused(recorder: Recorder) -> None:
    """Given a key used by one topic, when another topic enqueues with it, then OutboxError."""
    register("tests.other", Recorder())
    enqueue_message(topic="tests.record", payload={}, idempotency_key="shared")
    with pytest.raises(OutboxError, match="already used"):
        enqueue_message(topic="tests.other", payload={}, idempotency_key="shared")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        {"when": date(2026, 1, 1)},
        {"ids": (1, 2)},
        {1: "int key"},
        {"x": float("nan")},
        {"s": {1, 2}},
    ],
)
def test_payload_that_is_not_plain_json_is_refused(recorder: Recorder, payload: dict[Any, Any]) -> None:
    """Given a payload that does not survive a JSON round trip, when enqueued, then ValueError and no row."""
    with pytest.raises(ValueError, match="payload"):
        enqueue_message(topic="tests.record", payload=payload, idempotency_key="k-bad")
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_naive_available_at_is_refused(recorder: Recorder) -> None:
    """Given a datetime without a time zone, when used as available_at, then ValueError."""
    with pytest.raises(ValueError, match="timezone-aware"):
        enqueue_message(
            topic="tests.record", payload={}, idempotency_key="k-naive", available_at=datetime(2026, 1, 1)
        )


@pytest.mark.django_db
def test_unknown_topic_is_a_clear_error_at_enqueue() -> None:
    """Given no handler for a topic, when a message is enqueued for it, then UnknownTopicError says how
    to register one."""
    with pytest.raises(UnknownTopicError, match=r"@outbox_handler\('tests.nobody'\)"):
        enqueue_message(topic="tests.nobody", payload={}, idempotency_key="k-unknown")


@pytest.mark.django_db
def test_message_whose_handler_disappeared_is_failed_with_the_reason(
    fake_clock: FakeClock, settings: Any
) -> None:
    """Given a pending message whose topic lost its handler (a deploy removed it), when dispatched,
    then the attempt fails with the unknown-topic error recorded."""
    settings.OUTBOX_MAX_ATTEMPTS = 1
    register("tests.gone", Recorder())
    message = enqueue_message(topic="tests.gone", payload={}, idempotency_key="k-gone")
    del outbox._handlers["tests.gone"]

    assert dispatch_message(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert "No outbox handler is registered for topic 'tests.gone'" in message.last_error


def test_one_handler_per_topic() -> None:
    """Given a topic with a handler, when a different function registers for it, then OutboxError."""
    register("tests.single", Recorder())
    with pytest.raises(OutboxError, match="already has a handler"):
        register("tests.single", Recorder())


@pytest.mark.parametrize("topic", ["", "nodot", "Tests.Upper", "tests..double", "tests.with space"])
def test_topic_names_are_checked(topic: str) -> None:
    """Given a malformed topic, when a handler registers for it, then OutboxError."""
    with pytest.raises(OutboxError, match="must look like"):
        outbox_handler(topic)


# --- failures, backoff and dead letters ----------------------------------------------------------


@pytest.mark.django_db
def test_failing_handler_is_retried_with_growing_backoff_then_dead_lettered(
    fake_clock: FakeClock, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Given a handler that always raises, when the sweep runs each time the message is due, then the
    delays grow, after OUTBOX_MAX_ATTEMPTS it is failed and logged, and payload and error are kept."""
    settings.OUTBOX_MAX_ATTEMPTS = 5
    calls: list[dict[str, Any]] = []

    def always_fails(payload: dict[str, Any]) -> None:
        calls.append(payload)
        raise Boom(f"gateway down (call {len(calls)})")

    register("tests.fails", always_fails)
    message = enqueue_message(topic="tests.fails", payload={"phone": "0901234567"}, idempotency_key="k-fail")

    delays: list[timedelta] = []
    for attempt in range(1, 5):
        assert dispatch_due_messages() == 0
        message.refresh_from_db()
        assert message.status == OutboxStatus.PENDING
        assert message.attempts == attempt
        assert message.locked_until is None
        delays.append(message.next_attempt_at - fake_clock())
        assert dispatch_due_messages() == 0  # not due yet: nothing runs
        assert len(calls) == attempt
        fake_clock.set(message.next_attempt_at)

    assert all(later > earlier for earlier, later in pairwise(delays))

    with caplog.at_level(logging.ERROR, logger="dichvucong.core.outbox"):
        assert dispatch_due_messages() == 0
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 5
    assert message.failed_at == fake_clock()
    assert message.payload == {"phone": "0901234567"}
    assert "gateway down (call 5)" in message.last_error
    assert any("needs an operator" in record.getMessage() for record in caplog.records)

    fake_clock.advance(days=30)
    assert dispatch_due_messages() == 0
    assert len(calls) == 5


@pytest.mark.django_db
def test_operator_retry_of_a_dead_letter_sends_it(
    fake_clock: FakeClock, settings: Any, django_capture_on_commit_callbacks: Any, eager_celery: None
) -> None:
    """Given a dead-lettered message and a handler fixed since, when an operator retries it, then it is
    published on commit and sent."""
    settings.OUTBOX_MAX_ATTEMPTS = 1
    healthy = False
    calls: list[dict[str, Any]] = []

    def flaky(payload: dict[str, Any]) -> None:
        if not healthy:
            raise Boom("still broken")
        calls.append(payload)

    register("tests.flaky", flaky)
    message = enqueue_message(topic="tests.flaky", payload={"n": 1}, idempotency_key="k-dead")
    dispatch_message(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED

    healthy = True
    with django_capture_on_commit_callbacks(execute=True):
        retry_failed_message(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert calls == [{"n": 1}]


@pytest.mark.django_db
def test_retry_of_a_message_that_is_not_failed_is_refused(recorder: Recorder) -> None:
    """Given a pending message, when an operator retries it, then OutboxError."""
    message = enqueue_message(topic="tests.record", payload={}, idempotency_key="k-not-failed")
    with pytest.raises(OutboxError, match="only failed messages"):
        retry_failed_message(message_id=message.pk)


def test_backoff_grows_and_is_capped() -> None:
    """Given successive failures, when the delay is computed, then it doubles (± jitter) up to the cap."""
    delays = [outbox.backoff_delay(n) for n in range(1, 9)]
    assert all(later > earlier for earlier, later in pairwise(delays))
    assert timedelta(seconds=30) <= delays[0] < timedelta(seconds=45)
    assert outbox.backoff_delay(50) <= timedelta(seconds=outbox.BACKOFF_MAX_SECONDS * 1.5)


# --- leases: dead workers and double deliveries --------------------------------------------------


@pytest.mark.django_db
def test_message_of_a_worker_that_died_mid_task_is_picked_up_after_the_lease(
    fake_clock: FakeClock, settings: Any
) -> None:
    """Given a worker killed while running a message (lease taken, never finished), when the sweep runs
    before the lease expires nothing happens, and after it the message is run again and sent."""
    settings.OUTBOX_LEASE_SECONDS = 120
    runs: list[str] = []

    def dies_first_time(payload: dict[str, Any]) -> None:
        runs.append("run")
        if len(runs) == 1:
            raise WorkerKilled

    register("tests.dies", dies_first_time)
    message = enqueue_message(topic="tests.dies", payload={}, idempotency_key="k-dies")
    with pytest.raises(WorkerKilled):
        dispatch_message(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.locked_until == fake_clock() + timedelta(seconds=120)

    fake_clock.advance(seconds=119)
    assert dispatch_due_messages() == 0
    assert runs == ["run"]

    fake_clock.advance(seconds=1)
    assert dispatch_due_messages() == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2
    assert runs == ["run", "run"]


@pytest.mark.django_db
def test_worker_dying_on_the_last_attempt_dead_letters_the_message(
    fake_clock: FakeClock, settings: Any
) -> None:
    """Given a message that kills its worker every time, when its attempts are used up, then the sweep
    marks it failed instead of running it forever."""
    settings.OUTBOX_MAX_ATTEMPTS = 2
    settings.OUTBOX_LEASE_SECONDS = 60

    def poison(payload: dict[str, Any]) -> None:
        raise WorkerKilled

    register("tests.poison", poison)
    message = enqueue_message(topic="tests.poison", payload={}, idempotency_key="k-poison")
    for _ in range(2):
        with pytest.raises(WorkerKilled):
            dispatch_due_messages()
        fake_clock.advance(seconds=61)
    assert dispatch_due_messages() == 0
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert "Lease expired" in message.last_error


@pytest.mark.django_db
def test_second_delivery_while_the_first_runs_does_not_run_the_handler(recorder: Recorder) -> None:
    """Given a message being run (its lease taken), when the same task is delivered again meanwhile,
    then the second delivery returns False and the handler runs once."""
    inner_results: list[bool] = []

    def redelivered(payload: dict[str, Any]) -> None:
        inner_results.append(dispatch_message(message_id=payload["id"]))
        recorder(payload)

    register("tests.redelivered", redelivered)
    message = enqueue_message(topic="tests.redelivered", payload={"id": 0}, idempotency_key="k-redeliver")
    OutboxMessage.objects.filter(pk=message.pk).update(payload={"id": message.pk})

    assert dispatch_message(message_id=message.pk) is True
    assert dispatch_message(message_id=message.pk) is False
    assert inner_results == [False]
    assert len(recorder.calls) == 1


@pytest.mark.django_db
def test_message_available_later_waits_for_the_sweep(
    recorder: Recorder, fake_clock: FakeClock, django_capture_on_commit_callbacks: Any
) -> None:
    """Given a message available in an hour, when it commits nothing is published, and the sweep sends
    it only once the hour has passed."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_message(
            topic="tests.record",
            payload={},
            idempotency_key="k-later",
            available_at=fake_clock() + timedelta(hours=1),
        )
    assert callbacks == []
    assert dispatch_due_messages() == 0
    fake_clock.advance(hours=1)
    assert dispatch_due_messages() == 1
    assert recorder.calls == [{}]


@pytest.mark.django_db
def test_sweep_respects_its_limit(recorder: Recorder) -> None:
    """Given five due messages, when the sweep runs with limit 2, then two are sent and three wait."""
    for n in range(5):
        enqueue_message(topic="tests.record", payload={"n": n}, idempotency_key=f"k-limit-{n}")
    assert dispatch_due_messages(limit=2) == 2
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 3


@pytest.mark.django_db
def test_unreachable_broker_never_breaks_the_request_and_the_sweep_sends_later(
    recorder: Recorder, django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Given a broker that refuses connections, when a transaction with a message commits, then no error
    reaches the caller, the row stays pending, and the next sweep sends it."""
    from dichvucong.core.tasks import dispatch_message_task

    with (
        patch.object(dispatch_message_task, "apply_async", side_effect=BrokerError("connection refused")),
        caplog.at_level(logging.WARNING, logger="dichvucong.core.outbox"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        message = enqueue_message(topic="tests.record", payload={"n": 1}, idempotency_key="k-broker")
    assert len(callbacks) == 1
    assert any("sweep will send it" in record.getMessage() for record in caplog.records)
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING

    assert dispatch_due_messages() == 1
    assert recorder.calls == [{"n": 1}]


@pytest.mark.django_db
def test_handler_runs_with_the_request_id_of_the_enqueuing_request(
    django_capture_on_commit_callbacks: Any, eager_celery: None
) -> None:
    """Given a message enqueued while serving request X, when its handler runs, then logs carry X."""
    from dichvucong.core.request_id import get_request_id, reset_request_id, set_request_id

    seen: list[str] = []
    register("tests.request_id", lambda payload: seen.append(get_request_id()))
    token = set_request_id("req-0123456789")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_message(topic="tests.request_id", payload={}, idempotency_key="k-rid")
    finally:
        reset_request_id(token)
    assert seen == ["req-0123456789"]


# --- Celery wiring -------------------------------------------------------------------------------


def test_beat_schedule_names_a_registered_task() -> None:
    """Given the Celery app, when finalized, then the outbox sweep in the beat schedule is a known task."""
    from config.celery import app

    app.loader.import_default_modules()
    app.finalize()
    entry = app.conf.beat_schedule["outbox sweep"]
    assert entry["task"] == "dichvucong.core.tasks.dispatch_outbox_task"
    assert entry["task"] in app.tasks
    assert "dichvucong.core.tasks.dispatch_message_task" in app.tasks


@pytest.mark.django_db
def test_tasks_call_the_outbox(recorder: Recorder, eager_celery: None) -> None:
    """Given pending messages, when the tasks are applied, then each dispatches (and a repeat is a no-op)."""
    from dichvucong.core.tasks import dispatch_message_task, dispatch_outbox_task

    first = enqueue_message(topic="tests.record", payload={"n": 1}, idempotency_key="k-task-1")
    enqueue_message(topic="tests.record", payload={"n": 2}, idempotency_key="k-task-2")
    assert dispatch_message_task.apply(args=(first.pk,)).get() is True
    assert dispatch_message_task.apply(args=(first.pk,)).get() is False
    assert dispatch_outbox_task.apply().get() == 1
    assert len(recorder.calls) == 2


# --- real concurrency and a real broker ----------------------------------------------------------


def _in_threads(count: int, target: Callable[[], Any]) -> list[Any]:
    """Run ``target`` in ``count`` threads released together; each thread closes its connection."""
    barrier = threading.Barrier(count)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            result = target()
            with lock:
                results.append(result)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.fixture
def no_publish() -> Any:
    """Commits in transactional tests publish nothing: the test drives the dispatch itself."""
    with patch.object(outbox, "_publish") as publish:
        yield publish


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_dispatch_of_one_message_runs_the_handler_once(no_publish: Any) -> None:
    """Given one committed message, when eight workers dispatch it at the same moment, then exactly one
    claims it and the handler runs once."""
    calls: list[int] = []
    lock = threading.Lock()

    def slow(payload: dict[str, Any]) -> None:
        with lock:
            calls.append(payload["n"])
        time.sleep(0.2)  # hold the lease while the others try

    register("tests.slow", slow)
    message = enqueue_message(topic="tests.slow", payload={"n": 1}, idempotency_key="k-race")

    results = _in_threads(8, lambda: dispatch_message(message_id=message.pk))
    assert sorted(results) == [False] * 7 + [True]
    assert calls == [1]
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_send_each_message_once(no_publish: Any) -> None:
    """Given thirty due messages, when four sweeps run at once, then every message is sent exactly once."""
    recorder = Recorder()
    register("tests.many", recorder)
    for n in range(30):
        enqueue_message(topic="tests.many", payload={"n": n}, idempotency_key=f"k-many-{n}")

    results = _in_threads(4, dispatch_due_messages)
    assert sum(results) == 30
    assert sorted(call["n"] for call in recorder.calls) == list(range(30))
    assert not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_enqueues_with_one_key_make_one_row(no_publish: Any) -> None:
    """Given six requests racing with one idempotency key, when each enqueues and commits, then one row
    exists and every caller got it."""
    register("tests.race_key", Recorder())

    def enqueue() -> int:
        with transaction.atomic():
            return enqueue_message(topic="tests.race_key", payload={}, idempotency_key="k-same").pk

    results = _in_threads(6, enqueue)
    assert len(set(results)) == 1
    assert OutboxMessage.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_whose_lease_expired_cannot_mark_the_message_sent(
    no_publish: Any, fake_clock: FakeClock, settings: Any
) -> None:
    """Given a worker whose handler outlives its lease while a second worker takes the message over,
    when the first finishes, then it cannot mark the message: the second worker's run is recorded."""
    settings.OUTBOX_LEASE_SECONDS = 60
    first_running = threading.Event()
    takeover_done = threading.Event()
    effects: list[str] = []

    def handler(payload: dict[str, Any]) -> None:
        if not first_running.is_set():
            first_running.set()
            takeover_done.wait(timeout=20)
            effects.append("first")
        else:
            effects.append("second")

    register("tests.lease", handler)
    message = enqueue_message(topic="tests.lease", payload={}, idempotency_key="k-lease")

    outcome: dict[str, bool] = {}

    def first_worker() -> None:
        try:
            outcome["first"] = dispatch_message(message_id=message.pk)
        finally:
            connection.close()

    worker = threading.Thread(target=first_worker)
    worker.start()
    assert first_running.wait(timeout=20)
    fake_clock.advance(seconds=61)
    outcome["second"] = dispatch_message(message_id=message.pk)
    takeover_done.set()
    worker.join(timeout=30)

    assert outcome == {"first": False, "second": True}
    assert effects == ["second", "first"]
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2


@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_round_trip_through_a_real_celery_worker_and_redis() -> None:
    """Given a Celery worker on the Redis broker, when a transaction with a message commits, then the
    worker receives the on-commit publish and the handler runs once."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    done = threading.Event()
    recorder = Recorder()

    def handler(payload: dict[str, Any]) -> None:
        recorder(payload)
        done.set()

    register("tests.celery", handler)
    assert app.conf.broker_url.startswith("redis://")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with transaction.atomic():
            message = enqueue_message(
                topic="tests.celery", payload={"via": "redis"}, idempotency_key="k-redis"
            )
        assert done.wait(timeout=30), "the worker did not run the handler"
        for _ in range(100):  # the worker commits the sent mark just after the handler returns
            message.refresh_from_db()
            if message.status == OutboxStatus.SENT:
                break
            time.sleep(0.05)
    assert message.status == OutboxStatus.SENT
    assert recorder.calls == [{"via": "redis"}]
