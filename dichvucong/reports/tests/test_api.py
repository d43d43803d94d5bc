"""GET /api/v1/statistics/: public Biểu 06 figures; bad parameters get 400 with a code."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from dichvucong.dossiers.tests.factories import VN
from dichvucong.reports.tests import factories as f

pytestmark = pytest.mark.django_db
URL = "/api/v1/statistics/"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


@pytest.fixture
def world() -> f.StatsWorld:
    world = f.make_stats_world()
    with f.at(datetime(2026, 3, 2, 9, 0, tzinfo=VN)):
        f.record_counter(world, agency=world.ward, procedure=world.procedure)
        f.record_counter(world, agency=world.other_ward, procedure=world.other_procedure)
    return world


def test_anyone_gets_the_figures_of_an_agency_subtree_grouped(world: f.StatsWorld) -> None:
    """Given receptions at two wards, when an anonymous client asks for the city grouped by agency, then
    the total and one row per ward come back, with codes and no personal data."""
    response = Client().get(
        URL, {"from": "2026-03-01", "to": "2026-03-31", "agency": world.city.code, "group_by": "agency"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["total"]["received_total"] == 2
    assert body["total"]["pending_total"] == 2
    assert sorted(row["code"] for row in body["rows"]) == sorted([world.ward.code, world.other_ward.code])
    assert "Trần Thị Bình" not in response.content.decode()


def test_a_field_filter_narrows_the_figures(world: f.StatsWorld) -> None:
    """Given receptions in two fields, when one field is asked, then only its dossiers count."""
    response = Client().get(URL, {"from": "2026-03-01", "to": "2026-03-31", "field": world.other_field.code})
    assert response.json()["total"]["received_total"] == 1


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "2026-03-31", "to": "2026-03-01"}, "reversed_period"),
        ({"from": "1990-01-01", "to": "2026-03-01"}, "period_too_long"),
        ({"from": "hôm qua", "to": "2026-03-01"}, "invalid_date"),
        ({"to": "2026-03-01"}, "invalid_date"),
        ({"from": "9999-12-01", "to": "9999-12-31"}, "invalid_date"),
        ({"from": "2026-03-01", "to": "2026-03-31", "agency": "999.99.99.Z99"}, "unknown_agency"),
        ({"from": "2026-03-01", "to": "2026-03-31", "field": "khong-co"}, "unknown_field"),
        ({"from": "2026-03-01", "to": "2026-03-31", "group_by": "staff"}, "invalid_group"),
    ],
)
def test_bad_parameters_get_400_with_a_translated_message(params: dict[str, str], code: str) -> None:
    """Given a bad parameter, when asked, then 400 with the error code and a Vietnamese message."""
    response = Client().get(URL, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]


def test_the_error_message_follows_the_chosen_language() -> None:
    """Given the English language cookie, when the period is reversed, then the message is English."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(URL, {"from": "2026-03-31", "to": "2026-03-01"})
    assert response.json()["error"]["message"].startswith("The first day")


def test_the_endpoint_is_in_the_openapi_schema() -> None:
    """Given the API schema, when fetched, then the statistics path and its parameters are documented."""
    schema = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/statistics/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"from", "to", "agency", "field", "group_by"}


def test_a_legal_period_can_be_asked_instead_of_dates(world: f.StatsWorld) -> None:
    """Given period=legal_quarter and a day, when asked, then the period runs 15/12 → 14/03 and
    the March reception counts; an unknown period kind gets 400."""
    body = Client().get(URL, {"period": "legal_quarter", "on": "2026-03-10"}).json()
    assert (body["from"], body["to"], body["total"]["received_total"]) == ("2025-12-15", "2026-03-14", 2)
    response = Client().get(URL, {"period": "fortnight"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_period")


def test_officer_measures_are_for_report_officers_within_their_scope(world: f.StatsWorld) -> None:
    """Given receptions by two counter officers at two wards, when an anonymous client asks for the
    officer grouping, then 403 with a code (officers' names are not public); when the leader of one
    ward asks with their session, then only that ward's officer is listed, with the officer measures;
    grouped by title, the row is the role's name."""
    from dichvucong.accounts.constants import Role
    from dichvucong.agencies.tests.factories import make_officer
    from dichvucong.dossiers import services
    from dichvucong.security.testing import login_verified

    here, _a = make_officer(agency=world.ward, role=Role.COUNTER_OFFICER)
    there, _b = make_officer(agency=world.other_ward, role=Role.COUNTER_OFFICER)
    with f.at(datetime(2026, 3, 3, 9, 0, tzinfo=VN)):
        for officer, agency in ((here, world.ward), (there, world.other_ward)):
            services.record_counter_dossier(
                officer=officer,
                procedure_version=world.procedure.current_version,
                agency=agency,
                applicant=services.ApplicantData(name="Trần Thị Bình"),
                form_data={},
                uploads={},
            )
    march = {"from": "2026-03-01", "to": "2026-03-31", "group_by": "officer"}
    anonymous = Client().get(URL, march)
    assert anonymous.status_code == 403
    assert anonymous.json()["error"]["code"] == "not_allowed"
    assert here.full_name not in anonymous.content.decode()

    leader, _c = make_officer(agency=world.ward, role=Role.AGENCY_LEADER)
    client = Client()
    login_verified(client, leader)
    body = client.get(URL, march).json()
    rows = {row["label"]: (row["agency"], row["received"], row["steps"]) for row in body["rows"]}
    # The ward's counter officer and the city admin of the fixture (who received a dossier there).
    assert rows == {here.full_name: (world.ward.name, 1, 1), world.officer.full_name: (world.ward.name, 1, 1)}
    assert body["total"]["received"] == 2 and body["total"]["on_time_rate"] is None
    titles = client.get(URL, {**march, "group_by": "title"}).json()
    assert [(row["code"], row["label"], row["received"]) for row in titles["rows"]] == [
        ("counter_officer", "Cán bộ một cửa", 1),
        ("city_admin", "Quản trị thành phố", 1),
    ]
    reversed_period = client.get(URL, {**march, "from": "2026-04-01"})
    assert (reversed_period.status_code, reversed_period.json()["error"]["code"]) == (400, "reversed_period")
