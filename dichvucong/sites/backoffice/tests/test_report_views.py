"""Back-office Biểu 06 page: filters, totals, data scope checked on the server, and the exports."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from dichvucong.accounts.constants import Role
from dichvucong.agencies.tests.factories import make_officer
from dichvucong.dossiers.tests.factories import VN
from dichvucong.reports.tests import factories as f
from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db
MARCH = {"period": "custom", "date_from": "2026-03-01", "date_to": "2026-03-31", "group_by": "agency"}


@pytest.fixture
def world() -> f.StatsWorld:
    world = f.make_stats_world()
    with f.at(datetime(2026, 3, 2, 9, 0, tzinfo=VN)):
        f.record_counter(world, agency=world.ward, procedure=world.procedure)
        f.record_counter(world, agency=world.other_ward, procedure=world.procedure)
        f.record_counter(world, agency=world.other_ward, procedure=world.other_procedure)
    return world


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def test_a_city_admin_sees_the_table_with_totals_and_export_links(world: f.StatsWorld) -> None:
    """Given receptions at two wards, when the city admin opens March grouped by agency, then both
    wards, the totals row and the three export links are on the page."""
    response = _client(world.officer).get(reverse("backoffice:reports"), MARCH)
    assert response.status_code == 200
    page = response.content.decode()
    assert world.ward.name in page and world.other_ward.name in page
    assert response.context["total"]["values"][0] == 3
    for kind in ("xlsx", "docx", "pdf"):
        assert reverse("backoffice:reports_export", args=[kind]) in page


def test_a_ward_leader_sees_only_the_ward_and_cannot_pick_another(world: f.StatsWorld) -> None:
    """Given a leader of one ward, when the page is opened, then the figures are the ward's only; when
    the other ward is asked for in the query string, then the form refuses it (no figures leak)."""
    leader, _assignment = make_officer(agency=world.ward, role=Role.AGENCY_LEADER)
    client = _client(leader)
    own = client.get(reverse("backoffice:reports"), MARCH)
    assert own.context["total"]["values"][0] == 1
    assert world.other_ward.name not in own.content.decode()
    other = client.get(reverse("backoffice:reports"), {**MARCH, "agency": world.other_ward.pk})
    assert other.status_code == 400
    assert other.context["report"] is None


def test_the_legal_quarter_runs_from_the_15th_to_the_14th(world: f.StatsWorld) -> None:
    """Given the legal quarter containing 10/03/2026, when chosen, then the report covers
    15/12/2025–14/03/2026 and counts the March reception."""
    response = _client(world.officer).get(
        reverse("backoffice:reports"), {"period": "legal_quarter", "on": "2026-03-10", "group_by": ""}
    )
    report = response.context["report"]
    assert (report.period_from.isoformat(), report.period_to.isoformat()) == ("2025-12-15", "2026-03-14")
    assert report.total.figures["received_total"] == 3
    assert "15/12/2025" in response.content.decode()


def test_the_page_is_in_english_when_chosen(world: f.StatsWorld) -> None:
    """Given the English language cookie, when the page is opened, then headings and columns are English."""
    from django.conf import settings

    client = _client(world.officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("backoffice:reports"), MARCH).content.decode()
    assert "Handling of administrative procedures" in page
    assert "Dossiers received" in page and "Carried over from the previous period" in page


def test_a_counter_officer_may_not_open_reports(world: f.StatsWorld) -> None:
    """Given a counter officer (no reporting role), when the page is opened, then 403."""
    officer, _assignment = make_officer(agency=world.ward)
    assert _client(officer).get(reverse("backoffice:reports")).status_code == 403


def test_a_reversed_period_is_explained_on_the_page(world: f.StatsWorld) -> None:
    """Given "from" after "to", when submitted, then 400 with the translated message and no table."""
    response = _client(world.officer).get(
        reverse("backoffice:reports"), {**MARCH, "date_from": "2026-04-01", "date_to": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "Ngày bắt đầu kỳ báo cáo phải trước hoặc bằng ngày kết thúc." in response.content.decode()


def test_the_exports_open_and_carry_the_figures(world: f.StatsWorld) -> None:
    """Given March's figures, when exported, then the XLSX and DOCX read back the total and the PDF is
    a PDF, each as an attachment named after the period."""
    client = _client(world.officer)
    url = lambda kind: reverse("backoffice:reports_export", args=[kind])  # noqa: E731
    xlsx = client.get(url("xlsx"), MARCH)
    assert xlsx["Content-Disposition"] == 'attachment; filename="bieu-06-vpcp-kstt_20260301-20260331.xlsx"'
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    totals = [row for row in sheet.iter_rows(values_only=True) if row[1] == "Tổng cộng"]
    assert totals[0][2] == 3
    docx = Document(io.BytesIO(client.get(url("docx"), MARCH).content))
    assert [c.text for c in docx.tables[0].rows[-1].cells][2] == "3"
    pdf = client.get(url("pdf"), MARCH)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(url("csv"), MARCH).status_code == 404


def test_the_menu_links_to_reports_for_leaders(world: f.StatsWorld) -> None:
    """Given a city admin, when the home page is shown, then the menu has the reports entry."""
    page = _client(world.officer).get(reverse("backoffice:home")).content.decode()
    assert reverse("backoffice:reports") in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_page_passes_axe_and_fits_320_px(live_server) -> None:
    """Given March's figures, when a city admin opens the report in Chromium at 1280 and 320 px, then
    axe finds no WCAG 2.1 A/AA violation and only the table's own region scrolls sideways."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, describe, log_in, run_axe, screenshot

    world = f.make_stats_world()
    with f.at(datetime(2026, 3, 2, 9, 0, tzinfo=VN)):
        f.record_counter(world, agency=world.ward, procedure=world.procedure)
    query = "&".join(f"{key}={value}" for key, value in MARCH.items())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        log_in(context, live_server, world.officer)
        page = context.new_page()
        page.goto(f"{live_server.url}{reverse('backoffice:reports')}?{query}")
        assert page.get_by_role("table").count() == 1
        violations = run_axe(page)
        screenshot(page, "backoffice-reports")
        assert not violations, describe(violations)
        page.set_viewport_size({"width": 320, "height": 800})
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        violations = run_axe(page)
        screenshot(page, "backoffice-reports-320")
        browser.close()
    assert not violations, describe(violations)
