"""Public statistics page /thong-ke/ and its open data (CSV, JSON): the same figures as Biểu 06."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.dossiers.tests.factories import VN
from dichvucong.reports.opendata import COLUMN_NAMES
from dichvucong.reports.tests import factories as f

pytestmark = pytest.mark.django_db
MARCH = {"ky": "month", "ngay": "2026-03-10", "nhom": "agency"}


@pytest.fixture
def world() -> f.StatsWorld:
    """Two dossiers received at the ward and one at the other ward in March 2026; one resolved early."""
    world = f.make_stats_world()
    with f.at(datetime(2026, 3, 2, 9, 0, tzinfo=VN)):
        first = f.record_counter(world, agency=world.ward, procedure=world.procedure)
        f.record_counter(world, agency=world.ward, procedure=world.other_procedure)
        f.record_counter(world, agency=world.other_ward, procedure=world.procedure)
        f.resolve(world, first)
    return world


def test_the_page_shows_the_period_totals_by_agency_and_links_satisfaction(world: f.StatsWorld) -> None:
    """Given three receptions in March, when anyone opens March grouped by agency, then the totals, both
    wards, the open data links and the link to the satisfaction page are shown."""
    response = Client().get(reverse("portal:statistics"), MARCH)
    assert response.status_code == 200
    assert response.context["figures"]["received_total"] == 3
    assert response.context["figures"]["resolved_early"] == 1
    page = response.content.decode()
    assert world.ward.name in page and world.other_ward.name in page
    assert reverse("portal:satisfaction") in page
    assert reverse("portal:statistics_data", args=["csv"]) in page
    assert "pending_overdue" in page  # the documented column list


def test_bad_parameters_fall_back_to_defaults_instead_of_an_error() -> None:
    """Given an unknown period, grouping and an absurd date, when the page is opened, then it shows the
    current month grouped by field (never a 500 or a 400)."""
    response = Client().get(
        reverse("portal:statistics"), {"ky": "decade", "nhom": "officer", "ngay": "99999"}
    )
    assert response.status_code == 200
    assert response.context["params"]["kind"] == "month"
    assert response.context["params"]["group"] == "field"


def test_the_last_day_of_the_calendar_shows_the_current_period_instead_of_an_error() -> None:
    """Given 31/12/9999 as the day (its month would end in year 10000), when the page is opened, then
    it shows the current period's figures (never a 500)."""
    response = Client().get(reverse("portal:statistics"), {"ky": "month", "ngay": "9999-12-31"})
    assert response.status_code == 200


def test_the_csv_has_the_documented_columns_a_row_per_agency_and_the_total(world: f.StatsWorld) -> None:
    """Given the March figures, when the CSV is downloaded, then its header is the documented column
    list and its rows are the two wards and the TOTAL row with the same counts."""
    response = Client().get(reverse("portal:statistics_data", args=["csv"]), MARCH)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert tuple(rows[0].keys()) == COLUMN_NAMES
    by_code = {row["code"]: row for row in rows}
    assert set(by_code) == {world.ward.code, world.other_ward.code, "TOTAL"}
    assert (by_code[world.ward.code]["received_total"], by_code[world.ward.code]["on_time_rate"]) == (
        "2",
        "100.0",
    )
    assert by_code[world.other_ward.code]["on_time_rate"] == ""
    assert by_code["TOTAL"]["received_total"] == "3"
    assert by_code["TOTAL"]["period_from"] == "2026-03-01" and by_code["TOTAL"]["period_to"] == "2026-03-31"


def test_the_json_has_the_same_records_as_the_csv(world: f.StatsWorld) -> None:
    """Given the March figures, when the JSON is downloaded, then it lists the columns and the same
    records (numbers as numbers, a missing rate as null)."""
    client = Client()
    data = json.loads(client.get(reverse("portal:statistics_data", args=["json"]), MARCH).content)
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("portal:statistics_data", args=["csv"]), MARCH).content.decode())
        )
    )
    assert data["columns"] == list(COLUMN_NAMES)
    assert [r["code"] for r in data["rows"]] == [r["code"] for r in rows]
    total = data["rows"][-1]
    assert (total["code"], total["received_total"], total["resolved_early"]) == ("TOTAL", 3, 1)
    other = next(r for r in data["rows"] if r["code"] == world.other_ward.code)
    assert other["on_time_rate"] is None


def test_an_unknown_data_format_is_not_found() -> None:
    """Given a request for an XML file, then the answer is 404."""
    assert Client().get(reverse("portal:statistics_data", args=["xml"])).status_code == 404


def test_the_main_navigation_links_the_statistics_page() -> None:
    """Given the home page, then its main navigation has the statistics entry."""
    page = Client().get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("portal:statistics")}"' in page
