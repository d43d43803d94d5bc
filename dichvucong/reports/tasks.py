"""Celery entry points of the statistics. Idempotent: running one twice changes nothing."""

from __future__ import annotations

from celery import shared_task

from dichvucong.core import clock
from dichvucong.reports.rollups import local_day
from dichvucong.reports.stock import advance_openings


@shared_task(name="dichvucong.reports.tasks.advance_stock_openings_task", ignore_result=True)
def advance_stock_openings_task() -> int:
    """Beat (hourly is plenty): compute the monthly opening stocks up to this month, if missing."""
    return advance_openings(until=local_day(clock.now()))
