"""Background exports (ExportJob lifecycle) and monthly report subscriptions (sent once per month)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from dichvucong.accounts.constants import Role
from dichvucong.agencies.tests.factories import make_officer
from dichvucong.dossiers.tests.factories import VN
from dichvucong.notifications.models import Notification
from dichvucong.reports import services
from dichvucong.reports.constants import ExportStatus, GroupBy
from dichvucong.reports.errors import ReportError, ReportErrorCode
from dichvucong.reports.models import ExportJob
from dichvucong.reports.tasks import send_monthly_reports_task
from dichvucong.reports.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """``apply_async`` runs the task in-process, as a worker would, without a broker."""
    from config.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = saved


@pytest.fixture
def world() -> f.StatsWorld:
    """Two counter dossiers at the ward and one at the other ward in March 2026."""
    world = f.make_stats_world()
    with f.at(datetime(2026, 3, 2, 9, 0, tzinfo=VN)):
        f.record_counter(world, agency=world.ward, procedure=world.procedure)
        f.record_counter(world, agency=world.ward, procedure=world.other_procedure)
        f.record_counter(world, agency=world.other_ward, procedure=world.procedure)
    return world


def _cells(job: ExportJob) -> list[list[Any]]:
    with job.file.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_a_requested_export_runs_after_commit_and_ends_done_with_the_file(
    world: f.StatsWorld, django_capture_on_commit_callbacks: Any, eager_celery: None
) -> None:
    """Given a city admin asking for March as XLSX, when the request commits, then the task runs, the
    job is done at 100 % and its file holds the three receptions in the totals row."""
    with django_capture_on_commit_callbacks(execute=True):
        job = services.request_export(
            user=world.officer,
            kind="xlsx",
            period_from=date(2026, 3, 1),
            period_to=date(2026, 3, 31),
            unit="Toàn Thành phố",
            group_by=GroupBy.AGENCY,
        )
        assert job.status == ExportStatus.QUEUED
    job.refresh_from_db()
    assert (job.status, job.progress) == (ExportStatus.DONE, 100)
    total = next(row for row in _cells(job) if row[1] == "Tổng cộng")
    assert total[2] == 3


def test_running_a_finished_job_again_changes_nothing(world: f.StatsWorld) -> None:
    """Given a done job, when the task is delivered again, then the same file stays."""
    job = services.request_export(
        user=world.officer, kind="docx", period_from=date(2026, 3, 1), period_to=date(2026, 3, 31), unit="X"
    )
    first = services.run_export(job_id=job.pk)
    again = services.run_export(job_id=job.pk)
    assert first.status == ExportStatus.DONE and again.file.name == first.file.name


def test_the_file_is_read_with_the_requesters_scope(world: f.StatsWorld) -> None:
    """Given a ward leader's export of the whole scope, then the file counts only the ward's two."""
    leader, _assignment = make_officer(agency=world.ward, role=Role.AGENCY_LEADER)
    job = services.request_export(
        user=leader, kind="xlsx", period_from=date(2026, 3, 1), period_to=date(2026, 3, 31), unit="Phường"
    )
    job = services.run_export(job_id=job.pk)
    total = next(row for row in _cells(job) if row[1] == "Tổng cộng")
    assert total[2] == 2


def test_an_agency_outside_the_scope_or_a_reversed_period_is_refused(world: f.StatsWorld) -> None:
    """Given a ward leader, when they ask for the other ward or a reversed period, then nothing is
    queued and the reason is given."""
    leader, _assignment = make_officer(agency=world.ward, role=Role.AGENCY_LEADER)
    with pytest.raises(ReportError) as refused:
        services.request_export(
            user=leader,
            kind="xlsx",
            period_from=date(2026, 3, 1),
            period_to=date(2026, 3, 31),
            unit="X",
            agency=world.other_ward,
        )
    assert refused.value.code == ReportErrorCode.NOT_ALLOWED
    with pytest.raises(ReportError) as reversed_period:
        services.request_export(
            user=leader, kind="xlsx", period_from=date(2026, 3, 31), period_to=date(2026, 3, 1), unit="X"
        )
    assert reversed_period.value.code == ReportErrorCode.REVERSED_PERIOD
    assert not ExportJob.objects.exists()


def test_monthly_reports_are_sent_once_per_month(world: f.StatsWorld) -> None:
    """Given a subscription, when the beat task runs twice in April, then one March file is made and
    one notification with its link is sent; in May, April's report is sent."""
    subscription = services.subscribe_report(user=world.officer, kind="xlsx", group_by=GroupBy.FIELD)
    with f.at(datetime(2026, 4, 1, 7, 0, tzinfo=VN)):
        assert send_monthly_reports_task() == 1
    with f.at(datetime(2026, 4, 2, 7, 0, tzinfo=VN)):
        assert send_monthly_reports_task() == 0
    jobs = ExportJob.objects.filter(subscription=subscription)
    assert [(j.period_from, j.period_to, j.status) for j in jobs] == [
        (date(2026, 3, 1), date(2026, 3, 31), ExportStatus.DONE)
    ]
    total = next(row for row in _cells(jobs.get()) if row[1] == "Tổng cộng")
    assert total[2] == 3
    sent = Notification.objects.filter(recipient=world.officer, template="reports.monthly_report")
    assert sent.count() == 1
    assert f"/bao-cao/tep/{jobs.get().pk}/tai-ve/" in sent.get().link
    with f.at(datetime(2026, 5, 1, 7, 0, tzinfo=VN)):
        assert send_monthly_reports_task() == 1
    assert sent.count() == 2


def test_a_cancelled_subscription_is_not_sent(world: f.StatsWorld) -> None:
    """Given a cancelled subscription, when the month turns, then nothing is made or sent."""
    subscription = services.subscribe_report(user=world.officer)
    services.cancel_subscription(subscription=subscription, user=world.officer)
    with f.at(datetime(2026, 4, 1, 7, 0, tzinfo=VN)):
        assert send_monthly_reports_task() == 0
    assert not ExportJob.objects.exists()
