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
    sender.add_periodic_task(
        float(settings.WORKFLOW_SLA_SWEEP_SECONDS),
        sender.signature("dichvucong.workflows.tasks.refresh_task_sla_task"),
        name="workflow task SLA sweep",
    )
    sender.add_periodic_task(
        float(settings.WORKFLOW_SLA_SWEEP_SECONDS),
        sender.signature("dichvucong.workflows.tasks.fire_due_timers_task"),
        name="workflow timers sweep",
    )
    # Month-opening stocks of the statistics rollups: a cache, so hourly is plenty.
    sender.add_periodic_task(
        3600.0,
        sender.signature("dichvucong.reports.tasks.advance_stock_openings_task"),
        name="statistics month openings",
    )
    # Monthly Biểu 06 for each report subscription: checked daily, sent once per month (idempotent).
    sender.add_periodic_task(
        86400.0,
        sender.signature("dichvucong.reports.tasks.send_monthly_reports_task"),
        name="monthly report subscriptions",
    )
    # Procedure page views are counted in the cache and written once a minute (no hot row per view).
    sender.add_periodic_task(
        60.0,
        sender.signature("dichvucong.procedures.tasks.flush_view_counts_task"),
        name="procedure view counts",
    )
