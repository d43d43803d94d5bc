"""Celery entry points of the statistics. Idempotent: running one twice changes nothing."""

from __future__ import annotations

from celery import shared_task

from dichvucong.core import clock
from dichvucong.reports.rollups import local_day
from dichvucong.reports.services import run_export, send_monthly_reports
from dichvucong.reports.stock import refresh_today_opening


@shared_task(name="dichvucong.reports.tasks.advance_stock_openings_task", ignore_result=True)
def advance_stock_openings_task() -> int:
    """Beat (hourly): compute the opening stocks of every 1st and 15th up to today that is missing, and
    today's opening (reports ending today then read one day of flows). Returns whether today's was
    added."""
    return int(refresh_today_opening(today=local_day(clock.now())))


@shared_task(name="dichvucong.reports.tasks.run_export_task", ignore_result=True)
def run_export_task(job_id: int) -> None:
    """Make one background export's file (queued by ``services.request_export``)."""
    run_export(job_id=job_id)


@shared_task(name="dichvucong.reports.tasks.send_monthly_reports_task", ignore_result=True)
def send_monthly_reports_task() -> int:
    """Beat (daily): send each subscription the previous month's Biểu 06 once."""
    return send_monthly_reports(on=local_day(clock.now()))
