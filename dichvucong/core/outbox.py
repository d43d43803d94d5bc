"""Transactional outbox: side effects that happen if, and only if, the business change committed.

Why: sending an SMS or calling the national portal from inside a request either happens for a
change that later rolls back, or is lost when the process dies right after the commit. Instead a
service calls ``enqueue_message()`` in its own transaction; the row commits with the change, and a
``transaction.on_commit`` hook asks Celery to run it. If the broker is down the row simply waits:
the beat sweep (``dispatch_due_messages``) sends everything due, including rows whose worker died
mid-task (its lease, ``locked_until``, expired).

Delivery is *at least once*: a handler may run again after a crash between its effect and the
"sent" mark, or when it outlives its lease, so every handler must be idempotent (use the
payload's ids to skip work already done). A message is claimed by one worker at a time, so two
deliveries of the same task never run the handler side by side.

Registering a handler (in the owning app's ``AppConfig.ready()``, import the module)::

    @outbox_handler("notifications.send_sms")
    def send_sms(payload: dict[str, Any]) -> None: ...

Failures are retried with exponential backoff and jitter; after ``settings.OUTBOX_MAX_ATTEMPTS``
the message is marked failed (the dead letter) with its payload and last error kept, until an
operator calls ``retry_failed_message()`` (admin action).
"""

from __future__ import annotations

import json
import logging
import random
import re
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from dichvucong.core import clock
from dichvucong.core.constants import OutboxStatus
from dichvucong.core.models import OutboxMessage
from dichvucong.core.request_id import get_request_id, reset_request_id, set_request_id

__all__ = [
    "Handler",
    "OutboxError",
    "UnknownTopicError",
    "dispatch_due_messages",
    "dispatch_message",
    "enqueue_message",
    "get_handler",
    "outbox_handler",
    "retry_failed_message",
]

logger = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], None]

_TOPIC = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_handlers: dict[str, Handler] = {}
_jitter = random.SystemRandom()

# How long a worker owns a claimed message; past it the sweep assumes the worker died.
DEFAULT_LEASE_SECONDS = 300
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 60 * 60
_ERROR_MAX_CHARS = 4000


class OutboxError(Exception):
    """Misuse of the outbox (bad topic, clashing registration, wrong state for an operation)."""


class UnknownTopicError(OutboxError, LookupError):
    """No handler is registered for a topic."""

    def __init__(self, topic: str) -> None:
        super().__init__(
            f"No outbox handler is registered for topic {topic!r}. Decorate a function with "
            f"@outbox_handler({topic!r}) in a module that the owning app imports from its "
            f"AppConfig.ready(). Registered topics: {sorted(_handlers) or 'none'}."
        )
        self.topic = topic


# --- Registry -------------------------------------------------------------------------------------


def outbox_handler(topic: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the one handler of ``topic`` (``"<app>.<what>"``).

    Handlers receive the payload dict and must be idempotent. Registering a second, different
    function for the same topic raises ``OutboxError``; re-importing the same function is harmless.
    """
    if not _TOPIC.match(topic) or len(topic) > 100:
        raise OutboxError(
            f"Outbox topic {topic!r} must look like 'app.what' (lower case, dots, underscores)."
        )

    def register(func: Handler) -> Handler:
        existing = _handlers.get(topic)
        if existing is not None and _qualname(existing) != _qualname(func):
            raise OutboxError(
                f"Outbox topic {topic!r} already has a handler ({_qualname(existing)}); "
                f"one handler per topic, refusing {_qualname(func)}."
            )
        _handlers[topic] = func
        return func

    return register


def get_handler(topic: str) -> Handler:
    """The handler registered for ``topic``; ``UnknownTopicError`` if there is none."""
    try:
        return _handlers[topic]
    except KeyError:
        raise UnknownTopicError(topic) from None


def registered_topics() -> list[str]:
    return sorted(_handlers)


def _qualname(func: Callable[..., Any]) -> str:
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', repr(func))}"


# --- Writing --------------------------------------------------------------------------------------


def enqueue_message(
    *,
    topic: str,
    payload: dict[str, Any],
    idempotency_key: str,
    available_at: datetime | None = None,
) -> OutboxMessage:
    """Record a message in the caller's transaction and publish it to Celery once that commits.

    A second call with the same ``idempotency_key`` returns the existing row and publishes nothing.
    Keys are global: derive them from the topic and the business fact
    (``f"notifications.send_sms:{dossier.code}:received"``); reusing one for another topic raises
    ``OutboxError``.
    ``payload`` must survive a JSON round trip unchanged (``ValueError`` otherwise: pass ids and ISO
    strings, not model instances or datetimes). A message with ``available_at`` in the future is
    left to the sweep, which runs it once it is due.
    """
    get_handler(topic)  # fail in the caller, not hours later in a worker
    if available_at is not None and timezone.is_naive(available_at):
        raise ValueError("available_at must be timezone-aware")
    if not idempotency_key or len(idempotency_key) > 200:
        raise ValueError("idempotency_key must be a non-empty string of at most 200 characters")
    _check_payload(payload)

    existing = OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_message(existing, topic)

    now = clock.now()
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                topic=topic,
                payload=payload,
                idempotency_key=idempotency_key,
                next_attempt_at=available_at or now,
                request_id=_current_request_id(),
                created_at=now,
            )
    except IntegrityError:
        # A concurrent transaction inserted the same key first.
        return _same_message(OutboxMessage.objects.get(idempotency_key=idempotency_key), topic)

    if available_at is None or available_at <= now:
        transaction.on_commit(partial(_publish, message.pk))
    return message


def _check_payload(payload: dict[str, Any]) -> None:
    if not isinstance(payload, dict):
        raise ValueError(f"Outbox payload must be a dict, got {type(payload).__name__}")
    try:
        round_trip = json.loads(json.dumps(payload, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"Outbox payload is not JSON-serialisable: {exc}") from exc
    if round_trip != payload:
        raise ValueError(
            "Outbox payload changes in a JSON round trip (tuples, non-string keys?); "
            "pass only dicts with string keys, lists, strings, numbers, booleans and None"
        )


def _same_message(message: OutboxMessage, topic: str) -> OutboxMessage:
    if message.topic != topic:
        raise OutboxError(
            f"Idempotency key {message.idempotency_key!r} is already used by a {message.topic!r} message, "
            f"not {topic!r}; include the topic in the key"
        )
    return message


def _current_request_id() -> str:
    value = get_request_id()
    return "" if value == "-" else value[:64]


def _publish(message_id: int) -> None:
    """Ask Celery to run a message now; never raises (the sweep is the safety net)."""
    from dichvucong.core.tasks import dispatch_message_task  # tasks import this module

    try:
        dispatch_message_task.apply_async(
            args=(message_id,),
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5},
        )
    except Exception:
        logger.warning(
            "Could not publish outbox message %s to the broker; the sweep will send it",
            message_id,
            exc_info=True,
        )


# --- Dispatching ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    message_id: int
    topic: str
    payload: dict[str, Any]
    attempts: int
    token: str
    request_id: str


def dispatch_message(*, message_id: int) -> bool:
    """Run one message's handler if this worker can claim it; True when it ended up sent by us.

    Returns False, doing nothing, when the message is already sent or failed, not due yet, or
    leased by another worker. A handler exception is recorded (attempts, last error, backoff) and
    never propagates; after ``OUTBOX_MAX_ATTEMPTS`` the message is marked failed and logged.

    The handler runs outside any transaction: handlers talk to gateways and portals, and holding a
    transaction open across that I/O would pin a connection (and on SQLite block every writer). A
    handler that writes several rows wraps them in its own ``transaction.atomic()``.
    """
    claim = _claim(message_id)
    if claim is None:
        return False

    token = set_request_id(claim.request_id or f"outbox-{claim.message_id}")
    try:
        get_handler(claim.topic)(claim.payload)
    except Exception as exc:
        _record_failure(claim, exc)
        return False
    finally:
        reset_request_id(token)
    return _mark_sent(claim)


def _mark_sent(claim: _Claim) -> bool:
    """Mark the message sent, unless our lease expired and another worker took it over meanwhile."""
    sent = OutboxMessage.objects.filter(pk=claim.message_id, lease_token=claim.token).update(
        status=OutboxStatus.SENT,
        sent_at=clock.now(),
        locked_until=None,
        lease_token="",
        last_error="",
    )
    if not sent:
        logger.warning(
            "Outbox message %s (%s) outlived its lease; another worker took it over and will mark it",
            claim.message_id,
            claim.topic,
        )
    return bool(sent)


def _claim(message_id: int) -> _Claim | None:
    """Take a lease on a due message (safe with many workers), counting the attempt."""
    now = clock.now()
    with transaction.atomic():
        message = _claimable(now).select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None:
            return None
        if message.attempts >= _max_attempts():
            # The previous (last allowed) attempt never finished: its worker died or hung.
            message.status = OutboxStatus.FAILED
            message.failed_at = now
            message.locked_until = None
            message.lease_token = ""
            message.last_error = (
                message.last_error
                or f"Lease expired during attempt {message.attempts}: the worker did not finish."
            )
            message.save(update_fields=["status", "failed_at", "locked_until", "lease_token", "last_error"])
            _log_dead_letter(message)
            return None
        message.attempts += 1
        message.locked_until = now + timedelta(seconds=_lease_seconds())
        message.lease_token = uuid.uuid4().hex
        message.last_attempt_at = now
        message.save(update_fields=["attempts", "locked_until", "lease_token", "last_attempt_at"])
    return _Claim(
        message_id=message.pk,
        topic=message.topic,
        payload=message.payload,
        attempts=message.attempts,
        token=message.lease_token,
        request_id=message.request_id,
    )


def _claimable(now: datetime) -> Any:
    """Pending rows that are due and not leased (never leased, or the lease expired)."""
    return OutboxMessage.objects.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now),
        status=OutboxStatus.PENDING,
        next_attempt_at__lte=now,
    )


def _record_failure(claim: _Claim, exc: BaseException) -> None:
    now = clock.now()
    error = "".join(traceback.format_exception(exc))[-_ERROR_MAX_CHARS:]
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(pk=claim.message_id, lease_token=claim.token)
            .first()
        )
        if message is None:
            logger.warning("Outbox message %s failed after its lease was lost: %s", claim.message_id, exc)
            return
        message.last_error = error
        message.locked_until = None
        message.lease_token = ""
        if message.attempts >= _max_attempts():
            message.status = OutboxStatus.FAILED
            message.failed_at = now
            message.save(update_fields=["last_error", "locked_until", "lease_token", "status", "failed_at"])
            _log_dead_letter(message)
            return
        message.next_attempt_at = now + backoff_delay(message.attempts)
        message.save(update_fields=["last_error", "locked_until", "lease_token", "next_attempt_at"])
    logger.warning(
        "Outbox message %s (%s) failed attempt %s; retrying at %s: %s",
        claim.message_id,
        claim.topic,
        claim.attempts,
        message.next_attempt_at.isoformat(),
        exc,
    )


def backoff_delay(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` failed ones: base·2^(n-1), capped, plus 0–50 % jitter.

    The jitter spreads a burst of failures (a gateway outage) so the retries do not arrive together;
    it stays below the doubling, so each delay is longer than the one before until the cap.
    """
    base = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    return timedelta(seconds=base * (1 + _jitter.uniform(0, 0.5)))


def _log_dead_letter(message: OutboxMessage) -> None:
    logger.error(
        "Outbox message %s (%s, key %s) failed after %s attempts and needs an operator: %s",
        message.pk,
        message.topic,
        message.idempotency_key,
        message.attempts,
        message.last_error.strip().splitlines()[-1] if message.last_error.strip() else "",
    )


def dispatch_due_messages(*, limit: int = 200) -> int:
    """The sweep: run up to ``limit`` pending messages that are due or whose lease expired.

    Returns how many were sent. Safe to run from several workers at once: each message is claimed
    individually and a claimed one is skipped.
    """
    now = clock.now()
    ids = list(_claimable(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    return sum(1 for message_id in ids if dispatch_message(message_id=message_id))


def retry_failed_message(*, message_id: int) -> None:
    """Operator action: give a dead-lettered message a fresh set of attempts and publish it.

    The last error is kept for reference until the message is sent. Raises ``OutboxError`` when the
    message is not in the failed state, ``OutboxMessage.DoesNotExist`` when there is none.
    """
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message_id)
        if message.status != OutboxStatus.FAILED:
            raise OutboxError(
                f"Outbox message {message_id} is {message.status}, only failed messages can be retried"
            )
        message.status = OutboxStatus.PENDING
        message.attempts = 0
        message.next_attempt_at = clock.now()
        message.locked_until = None
        message.lease_token = ""
        message.failed_at = None
        message.save(
            update_fields=[
                "status",
                "attempts",
                "next_attempt_at",
                "locked_until",
                "lease_token",
                "failed_at",
            ]
        )
        transaction.on_commit(partial(_publish, message.pk))
    logger.info("Outbox message %s (%s) put back for retry by an operator", message_id, message.topic)


def _max_attempts() -> int:
    return int(settings.OUTBOX_MAX_ATTEMPTS)


def _lease_seconds() -> int:
    return int(getattr(settings, "OUTBOX_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))
