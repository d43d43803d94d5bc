"""The dossier list's agency (subtree), procedure, "overdue now" and resolution-date filters, their scope
checks, and the dashboards' drill-down links that open exactly the dossiers a figure counts."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.constants import Role
from dichvucong.agencies.tests.factories import make_officer
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.factories import VN
from dichvucong.reports.tests import factories as f
from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db
RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=VN)  # Monday: due three working days later, Thursday
RESOLVED = datetime(2026, 3, 3, 10, 0, tzinfo=VN)
A_WEEK_LATER = datetime(2026, 3, 9, 10, 0, tzinfo=VN)
SEARCH = "backoffice:dossier_search"


@pytest.fixture
def world() -> f.StatsWorld:
    """Received on Monday: two dossiers of the procedure and one of the other at the ward, one of the
    procedure at the other ward; one of the ward's procedure dossiers resolved on Tuesday."""
    world = f.make_stats_world()
    with f.at(RECEIVED):
        first = f.record_counter(world, agency=world.ward, procedure=world.procedure)
        f.record_counter(world, agency=world.ward, procedure=world.procedure)
        f.record_counter(world, agency=world.ward, procedure=world.other_procedure)
        f.record_counter(world, agency=world.other_ward, procedure=world.procedure)
    with f.at(RESOLVED):
        f.resolve(world, first)
    return world


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def _listed(response) -> set[str]:
    """The dossier codes of the result page (the page object, not the HTML, so counts are exact)."""
    page = response.context["page"]
    return {dossier.code for dossier in page.paginator.object_list}


def _codes(**filters) -> set[str]:
    return set(Dossier.objects.filter(**filters).values_list("code", flat=True))


def test_overdue_by_procedure_within_an_agency_subtree_or_the_agency_alone(world: f.StatsWorld) -> None:
    """Given four dossiers due last Thursday, one of them resolved, when the city admin lists the
    procedure's overdue dossiers a week later, then the two unresolved ones of that procedure are
    listed; narrowed to the ward, one; the city's subtree holds both, the city office alone none."""
    client = _client(world.officer)
    url = reverse(SEARCH)
    overdue = {"overdue": "on", "procedure": world.procedure.code}
    pending_of_procedure = _codes(procedure=world.procedure, resolved_at__isnull=True)
    with f.at(A_WEEK_LATER):
        everywhere = client.get(url, overdue)
        in_ward = client.get(url, {**overdue, "agency": world.ward.code})
        city_subtree = client.get(url, {**overdue, "agency": world.city.code})
        city_alone = client.get(url, {**overdue, "agency": world.city.code, "agency_scope": "only"})
        before_due = None
    with f.at(RESOLVED):
        before_due = client.get(url, overdue)
    assert everywhere.status_code == 200
    assert _listed(everywhere) == pending_of_procedure and len(pending_of_procedure) == 2
    assert _listed(in_ward) == pending_of_procedure & _codes(agency=world.ward)
    assert len(_listed(in_ward)) == 1
    assert _listed(city_subtree) == pending_of_procedure
    assert _listed(city_alone) == set()
    assert _listed(before_due) == set()  # on Tuesday nothing was overdue yet


def test_the_new_filters_are_labelled_controls_offering_only_agencies_in_scope(world: f.StatsWorld) -> None:
    """Given a ward leader, when they open the dossier search, then the agency list is a labelled
    select offering their ward (not the other ward), and the overdue box and procedure code are
    labelled controls with their explanations tied to them."""
    leader, _assignment = make_officer(agency=world.ward, role=Role.AGENCY_LEADER)
    page = _client(leader).get(reverse(SEARCH)).content.decode()
    assert '<label for="id_agency">' in page and '<select name="agency"' in page
    assert f'value="{world.ward.code}"' in page and f'value="{world.other_ward.code}"' not in page
    assert '<label for="id_overdue">' in page and 'aria-describedby="id_overdue_helptext"' in page
    assert 'id="id_overdue_helptext"' in page
    assert '<label for="id_procedure">' in page and 'aria-describedby="id_procedure_helptext"' in page


def test_an_agency_outside_the_scope_gives_no_rows_and_a_clear_message(world: f.StatsWorld) -> None:
    """Given a ward leader, when they ask for the other ward's dossiers (or an agency code that does not
    exist) in the address bar, then the answer is 200 with no dossier and the same plain message for
    both, so the list reveals nothing of the other ward; their own ward still works."""
    leader, _assignment = make_officer(agency=world.ward, role=Role.AGENCY_LEADER)
    client = _client(leader)
    url = reverse(SEARCH)
    other_codes = _codes(agency=world.other_ward)
    with f.at(A_WEEK_LATER):
        other = client.get(url, {"agency": world.other_ward.code, "overdue": "on"})
        unknown = client.get(url, {"agency": "KHONG-CO", "overdue": "on"})
        own = client.get(url, {"agency": world.ward.code, "overdue": "on"})
    assert other.status_code == unknown.status_code == 200
    assert _listed(other) == set() and _listed(unknown) == set()
    html = other.content.decode()
    assert "trong phạm vi dữ liệu của bạn" in html and world.other_ward.code in html
    assert not any(code in html for code in other_codes)
    assert "trong phạm vi dữ liệu của bạn" in unknown.content.decode()
    assert _listed(own) == _codes(agency=world.ward, resolved_at__isnull=True)


def test_an_unknown_procedure_code_or_reversed_dates_are_explained(world: f.StatsWorld) -> None:
    """Given the city admin, when they filter by a procedure code that does not exist, then no row and a
    message naming the code; reversed resolution dates give a form error, never a 500."""
    client = _client(world.officer)
    url = reverse(SEARCH)
    unknown = client.get(url, {"procedure": "9.999999"})
    assert unknown.status_code == 200 and _listed(unknown) == set()
    assert "Không có thủ tục hành chính mã 9.999999" in unknown.content.decode()
    reversed_dates = client.get(url, {"resolved_from": "2026-03-09", "resolved_to": "2026-03-01"})
    assert reversed_dates.status_code == 200 and reversed_dates.context["page"] is None
    assert "Ngày kết thúc phải sau ngày bắt đầu." in reversed_dates.content.decode()


def test_dashboard_links_open_exactly_the_dossiers_each_figure_counts(world: f.StatsWorld) -> None:
    """Given the dossiers above, when the city admin follows the dashboard's links a week later — the
    most overdue procedure, the most overdue unit, a ward of the grid and today's overdue figure —
    then each list holds as many dossiers as the figure says, and only those."""
    client = _client(world.officer)
    with f.at(A_WEEK_LATER):
        dashboard = client.get(reverse("backoffice:dashboard_city"))
        context = dashboard.context
        procedure_row, procedure_url = next(
            (row, url) for row, url in context["top_procedure_links"] if row.code == world.procedure.code
        )
        unit_row, unit_url = next(
            (row, url) for row, url in context["top_unit_links"] if row.code == world.ward.code
        )
        cell, cell_url = next((cell, url) for cell, url in context["grid_links"] if cell.agency == world.ward)
        by_procedure = client.get(procedure_url)
        by_unit = client.get(unit_url)
        by_ward = client.get(cell_url)
        overdue_today = client.get(context["links"]["overdue"])
    page = dashboard.content.decode()
    assert procedure_url.replace("&", "&amp;") in page and cell_url.replace("&", "&amp;") in page
    assert procedure_row.overdue == 2 and len(_listed(by_procedure)) == 2
    assert _listed(by_procedure) == _codes(procedure=world.procedure, resolved_at__isnull=True)
    assert unit_row.overdue == 2 and _listed(by_unit) == _codes(agency=world.ward, resolved_at__isnull=True)
    assert cell.resolved == 1 and _listed(by_ward) == _codes(agency=world.ward, resolved_at__isnull=False)
    assert context["today"].overdue == len(_listed(overdue_today)) == 3


def test_an_agency_dashboard_keeps_its_links_inside_the_agency(world: f.StatsWorld) -> None:
    """Given a ward leader on their ward's dashboard, when they follow today's overdue figure, then the
    list is the ward's overdue dossiers only (the link carries the ward)."""
    leader, _assignment = make_officer(agency=world.ward, role=Role.AGENCY_LEADER)
    client = _client(leader)
    with f.at(A_WEEK_LATER):
        dashboard = client.get(reverse("backoffice:dashboard_agency", args=[world.ward.code]))
        listed = client.get(dashboard.context["links"]["overdue"])
    assert dashboard.context["today"].overdue == len(_listed(listed)) == 2
    assert _listed(listed) == _codes(agency=world.ward, resolved_at__isnull=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_filtered_list_passes_axe_and_fits_320_px(live_server) -> None:
    """Given overdue dossiers, when a city admin opens the list a dashboard link leads to in Chromium at
    1280 and 320 px, then the new filters are operable by their labels, the rows show, axe finds no
    WCAG 2.1 A/AA violation and the page does not scroll sideways."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, describe, log_in, run_axe, screenshot

    world = f.make_stats_world()
    with f.at(RECEIVED):
        f.record_counter(world, agency=world.ward, procedure=world.procedure)
        f.record_counter(world, agency=world.other_ward, procedure=world.procedure)
    url = f"{live_server.url}{reverse(SEARCH)}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        log_in(context, live_server, world.officer)
        page = context.new_page()
        page.goto(url)
        page.get_by_label("Cơ quan, đơn vị tiếp nhận").select_option(world.ward.code)
        page.get_by_label("Mã thủ tục hành chính").fill(world.procedure.code)
        page.get_by_label("Chỉ hồ sơ đang quá hạn").check()
        page.get_by_role("button", name="Tra cứu").click()
        page.wait_for_load_state()
        assert "overdue=on" in page.url and f"agency={world.ward.code}" in page.url
        assert page.get_by_text("1 hồ sơ").count() >= 1
        violations = run_axe(page)
        screenshot(page, "backoffice-dossier-filters")
        assert not violations, describe(violations)
        page.set_viewport_size({"width": 320, "height": 800})
        page.reload()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        violations = run_axe(page)
        screenshot(page, "backoffice-dossier-filters-320")
        browser.close()
    assert overflow <= 0, f"scrolls sideways by {overflow}px at 320 px"
    assert not violations, describe(violations)
