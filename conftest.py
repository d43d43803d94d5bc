"""Test-wide setup: markers that skip cleanly where a service is missing."""

from __future__ import annotations

import os
import shutil

import pytest

# The test environment (DJANGO_ENV=test, a temporary VAR_DIR) is set by config/pytest_env.py, a
# plugin pyproject loads with -p before pytest-django imports the settings.


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    no_browser = pytest.mark.skip(reason="/usr/bin/chromium is not installed (make browser-deps)")
    no_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
    no_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://…")
    has_browser = shutil.which("chromium") is not None or os.path.exists("/usr/bin/chromium")
    for item in items:
        if "browser" in item.keywords and not has_browser:
            item.add_marker(no_browser)
        if "postgres" in item.keywords and not settings.IS_POSTGRES:
            item.add_marker(no_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(no_redis)


@pytest.fixture
def admin_client(client: object, admin_user: object) -> object:
    """pytest-django's ``admin_client``, with the second factor passed (the admin needs OTP)."""
    from dichvucong.security.testing import login_verified

    return login_verified(client, admin_user)


@pytest.fixture(autouse=True)
def _fresh_working_day_calendar() -> None:
    """Each test starts with an empty in-process calendar cache (the database was rolled back)."""
    from dichvucong.agencies.workdays import clear_local_cache

    clear_local_cache()
