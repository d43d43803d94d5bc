"""Celery application: Redis broker in production, a file-system broker needing no server by default."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("dichvucong")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _setup_periodic_tasks(sender: Celery, **_: object) -> None:
    """Beat schedule: each entry is an idempotent task that sweeps durable state."""
    from django.conf import settings

    sender.add_periodic_task(
        float(settings.OUTBOX_SWEEP_SECONDS),
        sender.signature("dichvucong.core.tasks.dispatch_outbox_task"),
        name="outbox sweep",
    )
