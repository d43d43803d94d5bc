"""Leaders' dashboards: the city's and each agency's, scope-checked, with an htmx-polled fragment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dichvucong.accounts.constants import Role
from dichvucong.agencies.tests.factories import make_officer
from dichvucong.dossiers.tests.factories import VN
from dichvucong.reports.tests import factories as f
from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 3, 2, 15, 0, tzinfo=VN)


@pytest.fixture
def world() -> f.StatsWorld:
    """Two dossiers received at the ward and one at the other ward this morning."""
    world = f.make_stats_world()
    with f.at(datetime(2026, 3, 2, 9, 0, tzinfo=VN)):
        f.record_counter(world, agency=world.ward, procedure=world.procedure)
        f.record_counter(world, agency=world.ward, procedure=world.procedure)
        f.record_counter(world, agency=world.other_ward, procedure=world.procedure)
    return world


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def test_the_city_admin_sees_todays_city_figures_and_every_ward(world: f.StatsWorld) -> None:
    """Given three receptions today, when the city admin opens their dashboard, then it is the city's
    with 3 received today, both wards in the grid, the chart data and its table alternative."""
    client = _client(world.officer)
    with f.at(TODAY):
        entry = client.get(reverse("backoffice:dashboard"))
        assert entry.status_code == 302 and entry["Location"] == reverse("backoffice:dashboard_city")
        response = client.get(reverse("backoffice:dashboard_city"))
    assert response.status_code == 200
    assert response.context["today"].received == 3
    wards = {cell.agency.pk for cell in response.context["grid"]}
    assert {world.ward.pk, world.other_ward.pk} <= wards
    page = response.content.decode()
    assert 'id="trend-data"' in page and "trend-caption" in page
    assert 'hx-trigger="every 60s"' in page
    assert reverse("backoffice:dossier_search") in page  # drill-down


def test_a_ward_leader_lands_on_the_ward_and_sees_only_its_figures(world: f.StatsWorld) -> None:
    """Given a leader of one ward, when they open their dashboard, then they land on the ward's with its
    2 receptions, and the grid holds only their ward."""
    leader, _assignment = make_officer(agency=world.ward, role=Role.AGENCY_LEADER)
    client = _client(leader)
    with f.at(TODAY):
        entry = client.get(reverse("backoffice:dashboard"))
        assert entry["Location"] == reverse("backoffice:dashboard_agency", args=[world.ward.code])
        response = client.get(entry["Location"])
    assert response.status_code == 200
    assert response.context["today"].received == 2
    assert [cell.agency.pk for cell in response.context["grid"]] == [world.ward.pk]


def test_a_ward_leader_cannot_open_the_city_or_another_ward(world: f.StatsWorld) -> None:
    """Given a leader of one ward, when they ask for the city's or the other ward's dashboard, then the
    answer is 403 and no figure is shown."""
    leader, _assignment = make_officer(agency=world.ward, role=Role.AGENCY_LEADER)
    client = _client(leader)
    assert client.get(reverse("backoffice:dashboard_city")).status_code == 403
    other = client.get(reverse("backoffice:dashboard_agency", args=[world.other_ward.code]))
    assert other.status_code == 403


def test_a_counter_officer_has_no_dashboard(world: f.StatsWorld) -> None:
    """Given a counter officer (no reporting role), when they open the dashboard, then it is refused."""
    officer, _assignment = make_officer(agency=world.ward, role=Role.COUNTER_OFFICER)
    assert _client(officer).get(reverse("backoffice:dashboard")).status_code == 403


def test_the_htmx_poll_gets_only_the_figures_fragment(world: f.StatsWorld) -> None:
    """Given the city dashboard, when htmx polls it, then the answer is the fragment (no page shell)
    with the current figures."""
    client = _client(world.officer)
    with f.at(TODAY):
        response = client.get(reverse("backoffice:dashboard_city"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page and 'id="trend-data"' in page
    assert response.context["today"].received == 3


def test_the_dashboard_reads_a_fixed_number_of_queries_whatever_the_data(
    world: f.StatsWorld, django_assert_max_num_queries: Any
) -> None:
    """Given the city dashboard, when more dossiers arrive at another procedure, then the page still
    reads the same number of queries (sums over rollups, never a query per row or per dossier)."""
    client = _client(world.officer)
    url = reverse("backoffice:dashboard_city")
    with f.at(TODAY), CaptureQueriesContext(connection) as first:
        client.get(url)
    with f.at(datetime(2026, 3, 2, 10, 0, tzinfo=VN)):
        for _n in range(3):
            f.record_counter(world, agency=world.other_ward, procedure=world.other_procedure)
    with f.at(TODAY), django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert response.context["today"].received == 6
