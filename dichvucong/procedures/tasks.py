"""Celery entry points of the catalog. Idempotent: running one twice changes nothing more."""

from __future__ import annotations

from celery import shared_task

from dichvucong.procedures.viewcounts import flush_view_counts


@shared_task(name="dichvucong.procedures.tasks.flush_view_counts_task", ignore_result=True)
def flush_view_counts_task() -> int:
    """Beat (every minute): write the page views buffered in the cache to the procedures."""
    return flush_view_counts()
