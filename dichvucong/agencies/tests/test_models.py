"""Agency model: code format, tree depth, validity, and the PostgreSQL prefix index."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from dichvucong.agencies.models import Agency, agency_code_validator

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["000.00.00.H29", "000.50.68.H29", "123.45.67.G01"])
def test_valid_codes_pass(code):
    """QCVN 102 codes in the 3.2.2.letter+2 format are accepted."""
    agency_code_validator(code)


@pytest.mark.parametrize(
    "code", ["00.29.H29", "000.00.00.h29", "000.00.00.H2", "000.00.00.H29 ", "38.98.H29"]
)
def test_malformed_codes_fail(code):
    """Legacy 3-part codes, lower-case letters, short or padded codes are rejected."""
    with pytest.raises(ValidationError):
        agency_code_validator(code)


def test_validity_window(tree):
    """An agency without dates is always valid; valid_until is exclusive."""
    assert tree.city.is_valid_on(dt.date(2000, 1, 1))
    merged = Agency(valid_from=dt.date(2025, 7, 1), valid_until=dt.date(2026, 1, 1))
    assert merged.is_valid_on(dt.date(2025, 7, 1)) and not merged.is_valid_on(dt.date(2026, 1, 1))
    assert not merged.is_valid_on(dt.date(2025, 6, 30))


@pytest.mark.postgres
def test_path_index_supports_prefix_queries_on_postgres(db):
    """On PostgreSQL the path index uses varchar_pattern_ops, so LIKE 'prefix%' can use it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'agency_path_prefix_idx'")
        (definition,) = cursor.fetchone()
    assert "varchar_pattern_ops" in definition
