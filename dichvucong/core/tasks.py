"""Celery entry points of the outbox. They take ids, call one outbox function, and are idempotent.

``acks_late`` is on: a task may be delivered twice (worker lost before the ack). That is harmless
because ``dispatch_message`` claims the row first and does nothing for a sent or leased message.
Retries are not Celery retries: the failure is recorded on the row (backoff, attempts) and the beat
sweep ``dispatch_outbox_task`` picks it up when due, so nothing depends on the broker keeping state.
"""

from __future__ import annotations

from celery import shared_task

from dichvucong.core.outbox import dispatch_due_messages, dispatch_message


@shared_task(name="dichvucong.core.tasks.dispatch_message_task", ignore_result=True)
def dispatch_message_task(message_id: int) -> bool:
    """Run one outbox message (published on commit of the transaction that wrote it)."""
    return dispatch_message(message_id=int(message_id))


@shared_task(name="dichvucong.core.tasks.dispatch_outbox_task", ignore_result=True)
def dispatch_outbox_task(limit: int = 200) -> int:
    """Beat sweep: send pending messages that are due, and those whose worker died mid-task."""
    return dispatch_due_messages(limit=limit)
