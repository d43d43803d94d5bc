"""GET /api/v1/procedures/, /procedures/{code}/, /fields/, /life-events/: public, read-only catalog API."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from dichvucong.procedures.searchindex import reset_index
from dichvucong.procedures.tests.factories import make_life_event
from dichvucong.procedures.tests.search_catalog import WARD_CODE, build_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    reset_index()
    yield build_catalog()
    reset_index()


def test_search_returns_results_and_facets_anonymously(catalog) -> None:
    """Given the catalog, when anyone searches "dang ky khai tu" without logging in, then the answer has
    a count, the results with code/name/field/levels/online level/scope/url, and facets with counts."""
    response = Client().get("/api/v1/procedures/", {"q": "dang ky khai tu"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 1
    first = body["results"][0]
    assert first["code"] == "1.000656"
    assert {"code", "name", "name_en", "field", "levels", "online_level", "scope", "url"} <= set(first)
    assert first["levels"] == ["ward"]
    assert first["url"].endswith("/api/v1/procedures/1.000656/")
    assert set(body["facets"]) == {"field", "level", "audience", "online_level", "scope"}
    assert sum(value["count"] for value in body["facets"]["field"]) == body["count"]


def test_search_filters_and_pages(catalog) -> None:
    """Given the catalog, when filtering by agency and level, then only matching procedures come back;
    page 2 of a short list is empty."""
    client = Client()
    by_agency = client.get("/api/v1/procedures/", {"agency": WARD_CODE}).json()
    assert [row["code"] for row in by_agency["results"]] == ["1.004194"]
    central = client.get("/api/v1/procedures/", {"level": "central", "audience": "citizen"}).json()
    assert {row["code"] for row in central["results"]} == {"3.000347", "1.001803"}
    assert client.get("/api/v1/procedures/", {"q": "khai tu", "page": 2}).json()["results"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"level": "district"}, "level"),
        ({"audience": "robots"}, "audience"),
        ({"online_level": "4"}, "online_level"),
        ({"scope": "galaxy"}, "scope"),
        ({"field": "khong-co"}, "field"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
    ],
)
def test_invalid_filters_answer_400_in_the_error_shape(catalog, params, field) -> None:
    """Given the catalog, when a filter has a value outside its vocabulary, then the answer is 400 with
    {"error": {"code", "message", "fields": {<filter>: [...]}}}."""
    response = Client().get("/api/v1/procedures/", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert field in error["fields"]


def test_invalid_filter_message_is_translated(catalog) -> None:
    """Given a client that chose English (language cookie), when a level is invalid, then the message is
    in English; in Vietnamese by default."""
    english_client = Client()
    english_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = english_client.get("/api/v1/procedures/", {"level": "district"})
    vietnamese = Client().get("/api/v1/procedures/", {"level": "district"})
    assert "is not valid" in english.json()["error"]["fields"]["level"][0]
    assert "không hợp lệ" in vietnamese.json()["error"]["fields"]["level"][0]


@pytest.mark.parametrize(
    "query", ["'; DROP TABLE x; --", "<script>alert(1)</script>", "a" * 3000, "\x01\x02"]
)
def test_hostile_queries_answer_200(catalog, query) -> None:
    """Given the catalog, when the query looks like an injection or is huge, then the API answers 200."""
    assert Client().get("/api/v1/procedures/", {"q": query}).status_code == 200


def test_detail_returns_the_published_version_in_full(catalog) -> None:
    """Given 1.004194 with a local variant, when its detail is requested, then options, fees, documents,
    legal basis, results and local variants are all there."""
    response = Client().get("/api/v1/procedures/1.004194/")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "1.004194"
    assert body["name"] == "Đăng ký tạm trú"
    for key in ("options", "fees", "documents", "legal_basis", "results", "steps", "local_variants"):
        assert key in body
    assert body["options"][0]["channel"] == "direct"
    assert body["fees"][0]["name"] == "Lệ phí"
    assert body["legal_basis"][0]["number"] == "04/2020/TT-BTP"
    assert body["local_variants"] == [
        {
            "local_code": f"1.004194.{WARD_CODE}",
            "agency_code": WARD_CODE,
            "agency_name": "Ủy ban nhân dân Phường Bến Thành",
        }
    ]


def test_detail_of_an_unknown_code_is_404_in_the_error_shape(catalog) -> None:
    """Given the catalog, when an unknown code is requested, then 404 with the error shape."""
    response = Client().get("/api/v1/procedures/9.999999/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_fields_and_life_events_are_listed(catalog) -> None:
    """Given fields and a life event, when listed, then each comes with its code/slug, names and, for the
    event, the codes of its procedures."""
    make_life_event(
        slug="sinh-con", name="Sinh con", name_en="Having a baby", procedures=[catalog["1.001193"]]
    )
    fields = Client().get("/api/v1/fields/").json()
    assert {"code": "ho-tich", "name": "Hộ tịch", "name_en": "Civil status"} in fields
    events = Client().get("/api/v1/life-events/").json()
    assert events[0]["slug"] == "sinh-con"
    assert events[0]["procedures"] == ["1.001193"]


def test_the_api_is_read_only(catalog) -> None:
    """Given the catalog, when someone POSTs to the search, then it is refused and nothing changes."""
    assert Client().post("/api/v1/procedures/", {"q": "x"}).status_code in (403, 405)


def test_endpoints_are_in_the_openapi_schema() -> None:
    """Given the API, when the schema is fetched, then the four catalog endpoints are documented."""
    paths = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    for path in (
        "/api/v1/procedures/",
        "/api/v1/procedures/{code}/",
        "/api/v1/fields/",
        "/api/v1/life-events/",
    ):
        assert path in paths
