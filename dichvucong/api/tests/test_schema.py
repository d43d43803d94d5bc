"""GET /api/v1/schema/: the OpenAPI 3 document, built once per process and language."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from dichvucong.api.views import SchemaView

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    SchemaView._documents.clear()
    yield
    SchemaView._documents.clear()


def test_schema_is_openapi_3_and_lists_the_agencies_endpoint() -> None:
    """Given the API, when its schema is fetched, then it is an OpenAPI 3 document naming our paths."""
    response = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/agencies/" in document["paths"]


def test_schema_is_generated_once_and_served_from_memory_after() -> None:
    """Given two requests for the schema, when served, then the generator ran once and both answers are
    the same document."""
    real = SchemaGenerator.get_schema
    with mock.patch.object(SchemaGenerator, "get_schema", autospec=True, side_effect=real) as gen:
        first = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
        second = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert gen.call_count == 1
    assert first == second
