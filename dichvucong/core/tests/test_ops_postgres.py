"""PostgreSQL deployment facts the search and the CI rely on (run in CI's PostgreSQL pass)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_migrations_install_unaccent_and_trigram_extensions() -> None:
    """Given a migrated PostgreSQL database, when extensions are listed, then unaccent and pg_trgm are."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        installed = {row[0] for row in cursor.fetchall()}
    assert {"unaccent", "pg_trgm"} <= installed


def test_unaccent_folds_vietnamese_like_core_text() -> None:
    """Given Vietnamese text, when unaccented by PostgreSQL, then diacritics go, đ too (as core.text.fold)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT lower(unaccent(%s))", ["Giấy phép ĐĂNG KÝ đất đai"])
        (folded,) = cursor.fetchone()
    assert folded == "giay phep dang ky dat dai"


def test_tests_run_in_a_separate_test_database() -> None:
    """Given the PostgreSQL test run, when the connection is inspected, then it is the test_ database."""
    assert connection.settings_dict["NAME"].startswith("test_")
