"""Report builder grouped by officer or by title (issue 9): the officer measures on screen with totals
and the on-time rate, within the data scope, and as files (XLSX read back, background export)."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dichvucong.accounts.constants import Role
from dichvucong.accounts.models import User
from dichvucong.agencies.tests.factories import make_officer
from dichvucong.dossiers import services
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.factories import VN, pdf
from dichvucong.reports.constants import ExportStatus
from dichvucong.reports.models import ExportJob, ReportSubscription
from dichvucong.reports.tests import factories as f
from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db
MARCH = {"period": "custom", "date_from": "2026-03-01", "date_to": "2026-03-31", "group_by": "officer"}


class Team:
    """A ward's counter officer who received two dossiers on Monday 2 March (due Thursday) and a
    specialist who resolved one on Tuesday (early) and one on Monday 9 March (late); a counter officer
    of the other ward who received one."""

    def __init__(self) -> None:
        self.world = f.make_stats_world()
        self.reception, _a = make_officer(agency=self.world.ward, role=Role.COUNTER_OFFICER)
        self.specialist, _b = make_officer(agency=self.world.ward, role=Role.SPECIALIST)
        self.elsewhere, _c = make_officer(agency=self.world.other_ward, role=Role.COUNTER_OFFICER)
        with f.at(datetime(2026, 3, 2, 9, 0, tzinfo=VN)):
            early, late = (self.receive(self.reception, self.world.ward) for _ in range(2))
            self.receive(self.elsewhere, self.world.other_ward)
        with f.at(datetime(2026, 3, 3, 9, 0, tzinfo=VN)):
            self.resolve(early)
        with f.at(datetime(2026, 3, 9, 9, 0, tzinfo=VN)):
            self.resolve(late)

    def receive(self, officer: User, agency: Any) -> Dossier:
        return services.record_counter_dossier(
            officer=officer,
            procedure_version=self.world.procedure.current_version,
            agency=agency,
            applicant=services.ApplicantData(name="Trần Thị Bình"),
            form_data={},
            uploads={},
        )

    def resolve(self, dossier: Dossier) -> None:
        services.attach_result(dossier=dossier, officer=self.specialist, upload=pdf("kq.pdf"), title="Giấy")
        services.resolve(dossier=dossier, officer=self.specialist)


@pytest.fixture
def team() -> Team:
    return Team()


def _client(user: User) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def _rows(response: Any) -> dict[str, dict[str, Any]]:
    return {row["label"]: row for row in response.context["rows"]}


def test_grouped_by_officer_the_table_lists_each_officer_with_totals_and_rate(team: Team) -> None:
    """Given the team's March, when the city admin groups by officer, then each officer is a row with
    their agency and work (received, resolved early / late, steps), the totals row adds up, the rate is
    shown, the file links are there, and the monthly subscription (Biểu 06 only) is not offered."""
    response = _client(team.world.officer).get(reverse("backoffice:reports"), MARCH)
    assert response.status_code == 200
    rows = _rows(response)
    assert set(rows) == {team.reception.full_name, team.specialist.full_name, team.elsewhere.full_name}
    headers = [str(h) for h in response.context["label_headers"]]
    assert headers == ["Cán bộ", "Cơ quan"]
    columns = [c for _title, cols in response.context["groups"] for c, _label in cols]
    specialist = dict(zip(columns, rows[team.specialist.full_name]["values"], strict=True))
    assert rows[team.specialist.full_name]["extra"] == [team.world.ward.name]
    assert (specialist["resolved_total"], specialist["resolved_early"], specialist["resolved_late"]) == (
        2,
        1,
        1,
    )
    assert specialist["steps"] == 4 and rows[team.specialist.full_name]["rate"] == 50.0
    total = dict(zip(columns, response.context["total"]["values"], strict=True))
    assert total["received"] == 3 and total["steps"] == 7
    page = response.content.decode()
    assert team.reception.full_name in page and "<td>50,0</td>" in page
    assert reverse("backoffice:reports_export", args=["xlsx"]) in page
    assert reverse("backoffice:report_subscribe") not in page


def test_grouped_by_title_the_rows_are_the_roles(team: Team) -> None:
    """Given the team's March, when grouped by title, then one row per role with its work."""
    response = _client(team.world.officer).get(reverse("backoffice:reports"), {**MARCH, "group_by": "title"})
    rows = _rows(response)
    assert set(rows) == {"Cán bộ một cửa", "Chuyên viên"}
    assert rows["Cán bộ một cửa"]["values"][0] == 3 and rows["Cán bộ một cửa"]["extra"] == []


def test_a_ward_leader_sees_only_the_officers_of_the_ward(team: Team) -> None:
    """Given the leader of one ward, when grouped by officer, then the other ward's officer is not
    listed (nor counted) — the data scope is applied on the server."""
    leader, _assignment = make_officer(agency=team.world.ward, role=Role.AGENCY_LEADER)
    response = _client(leader).get(reverse("backoffice:reports"), MARCH)
    assert set(_rows(response)) == {team.reception.full_name, team.specialist.full_name}
    assert team.elsewhere.full_name not in response.content.decode()
    assert response.context["total"]["values"][0] == 2


def test_the_officer_xlsx_reads_back_with_headers_and_totals(team: Team) -> None:
    """Given the team's March grouped by officer, when exported to XLSX, then openpyxl reads the officer
    title, the column headers, each officer (with the agency) and the totals row."""
    response = _client(team.world.officer).get(reverse("backoffice:reports_export", args=["xlsx"]), MARCH)
    assert (
        response["Content-Disposition"] == 'attachment; filename="bao-cao-theo-can-bo_20260301-20260331.xlsx"'
    )
    cells = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert "THEO CÁN BỘ" in cells[1][0]
    assert cells[7][2] == "Tiếp nhận" and cells[7][-2] == "Số bước đã xử lý"
    rows = {row[1]: row for row in cells[8:]}
    specialist = rows[f"{team.specialist.full_name} ({team.world.ward.name})"]
    assert specialist[3:7] == (2, 1, 0, 1) and specialist[-1] == "50,0"
    assert rows["Tổng cộng"][2] == 3 and rows["Tổng cộng"][-2] == 7


def test_a_background_officer_export_makes_the_officer_file_and_subscribing_is_refused(
    team: Team, settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Given the officer grouping, when a background DOCX is asked, then the job makes the officer file
    (named after it); when a monthly subscription is asked, then it is refused (Biểu 06 only)."""
    from config.celery import app

    settings.MEDIA_ROOT = tmp_path
    client = _client(team.world.officer)
    query = "&".join(f"{key}={value}" for key, value in MARCH.items())
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"{reverse('backoffice:reports_export_background', args=['docx'])}?{query}")
    finally:
        app.conf.task_always_eager = saved
    job = ExportJob.objects.get()
    assert (job.group_by, job.status) == ("officer", ExportStatus.DONE)
    download = client.get(reverse("backoffice:report_job_download", args=[job.pk]))
    assert 'filename="bao-cao-theo-can-bo_20260301-20260331.docx"' in download["Content-Disposition"]
    client.post(f"{reverse('backoffice:report_subscribe')}?{query}", {"kind": "xlsx"})
    assert not ReportSubscription.objects.exists()


def test_the_officer_table_is_in_english_when_chosen(team: Team) -> None:
    """Given the English language cookie, when grouped by officer, then the headers are English."""
    from django.conf import settings

    client = _client(team.world.officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("backoffice:reports"), MARCH).content.decode()
    assert "Steps handled" in page and "Dossiers the officer resolved" in page
    assert ">Officer</th>" in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_officer_table_passes_axe_and_fits_320_px(live_server: Any) -> None:
    """Given the team's March, when a city admin groups by officer in Chromium at 1280 and 320 px, then
    axe finds no WCAG 2.1 A/AA violation and only the table's own region scrolls sideways."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, describe, log_in, run_axe, screenshot

    team = Team()
    query = "&".join(f"{key}={value}" for key, value in MARCH.items())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        log_in(context, live_server, team.world.officer)
        page = context.new_page()
        page.goto(f"{live_server.url}{reverse('backoffice:reports')}?{query}")
        assert page.get_by_role("row", name=team.specialist.full_name).count() == 1
        violations = run_axe(page)
        screenshot(page, "backoffice-reports-officers")
        assert not violations, describe(violations)
        page.set_viewport_size({"width": 320, "height": 800})
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        violations = run_axe(page)
        screenshot(page, "backoffice-reports-officers-320")
        browser.close()
    assert not violations, describe(violations)
