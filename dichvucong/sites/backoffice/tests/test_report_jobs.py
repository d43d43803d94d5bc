"""Report builder on the Biểu 06 page: chosen measures, background exports with a polled progress bar
and a download only for the officer who asked, and the monthly subscription."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.constants import Role
from dichvucong.agencies.tests.factories import make_officer
from dichvucong.dossiers.tests.factories import VN
from dichvucong.reports.constants import ExportStatus
from dichvucong.reports.models import ExportJob, ReportSubscription
from dichvucong.reports.tests import factories as f
from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db
MARCH = "period=custom&date_from=2026-03-01&date_to=2026-03-31&group_by=agency"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def eager_celery() -> Iterator[None]:
    from config.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = saved


@pytest.fixture
def world() -> f.StatsWorld:
    world = f.make_stats_world()
    with f.at(datetime(2026, 3, 2, 9, 0, tzinfo=VN)):
        f.record_counter(world, agency=world.ward, procedure=world.procedure)
    return world


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def test_chosen_measures_limit_the_columns_on_screen(world: f.StatsWorld) -> None:
    """Given only "received" and the rate chosen, when the page is shown, then only the received group
    and the rate column are in the table."""
    response = _client(world.officer).get(
        f"{reverse('backoffice:reports')}?{MARCH}&measures=received&measures=rate"
    )
    assert response.status_code == 200
    assert [str(title) for title, _cols in response.context["groups"]] == ["Số hồ sơ nhận giải quyết"]
    assert response.context["show_rate"] is True
    assert len(response.context["total"]["values"]) == 4


def test_a_background_export_shows_progress_then_a_download_for_its_owner_only(
    world: f.StatsWorld, django_capture_on_commit_callbacks: Any, eager_celery: None
) -> None:
    """Given a background XLSX request, when it has run, then the job page (and its htmx fragment) links
    the file, the owner downloads it, and another officer gets 404 for both."""
    client = _client(world.officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{reverse('backoffice:reports_export_background', args=['xlsx'])}?{MARCH}")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "backoffice:report_job", args=[job.pk]
    )
    assert job.status == ExportStatus.DONE
    fragment = client.get(reverse("backoffice:report_job", args=[job.pk]), headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert reverse("backoffice:report_job_download", args=[job.pk]) in fragment.content.decode()
    download = client.get(reverse("backoffice:report_job_download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    other, _assignment = make_officer(agency=world.city, role=Role.CITY_ADMIN)
    stranger = _client(other)
    assert stranger.get(reverse("backoffice:report_job", args=[job.pk])).status_code == 404
    assert stranger.get(reverse("backoffice:report_job_download", args=[job.pk])).status_code == 404


def test_a_queued_job_page_polls_its_status(world: f.StatsWorld) -> None:
    """Given a job not yet run (no worker), when its page is opened, then the progress bar polls."""
    client = _client(world.officer)
    client.post(f"{reverse('backoffice:reports_export_background', args=['pdf'])}?{MARCH}")
    job = ExportJob.objects.get()
    page = client.get(reverse("backoffice:report_job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "<progress" in page


def test_subscribing_and_cancelling_the_monthly_report(world: f.StatsWorld) -> None:
    """Given the Biểu 06 page, when the officer subscribes in DOCX and then cancels, then an active
    subscription exists in between and none after."""
    client = _client(world.officer)
    client.post(f"{reverse('backoffice:report_subscribe')}?{MARCH}", {"kind": "docx"})
    subscription = ReportSubscription.objects.get(user=world.officer, is_active=True)
    assert subscription.kind == "docx" and subscription.group_by == "agency"
    client.post(reverse("backoffice:report_unsubscribe", args=[subscription.pk]))
    assert not ReportSubscription.objects.filter(is_active=True).exists()


def test_a_report_with_many_rows_is_exported_only_in_the_background(
    world: f.StatsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a limit of one row for direct files and a report of two wards, when the page is shown, then
    it offers only the background export, and the direct file link answers 400 with the reason."""
    from dichvucong.sites.backoffice import report_views

    with f.at(datetime(2026, 3, 3, 9, 0, tzinfo=VN)):
        f.record_counter(world, agency=world.other_ward, procedure=world.procedure)
    monkeypatch.setattr(report_views, "SYNC_EXPORT_MAX_ROWS", 1)
    client = _client(world.officer)
    page = client.get(f"{reverse('backoffice:reports')}?{MARCH}")
    assert page.context["background_only"] is True
    assert reverse("backoffice:reports_export", args=["xlsx"]) not in page.content.decode()
    direct = client.get(f"{reverse('backoffice:reports_export', args=['xlsx'])}?{MARCH}")
    assert direct.status_code == 400 and "2" in direct.content.decode()
