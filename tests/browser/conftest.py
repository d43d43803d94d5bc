"""Playwright fixtures: Debian Chromium (never ``playwright install``), one page per test, axe-core.

Browser tests run against pytest-django's ``live_server``; the repository conftest sets
DJANGO_ALLOW_ASYNC_UNSAFE because Playwright's sync API runs an event loop in the test thread.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "dichvucong" / "static" / "vendor" / "axe-core" / "axe.min.js"
SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for people to look at, not secrets
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "mat-khau-thu-nghiem-2026"
_counter = itertools.count(1)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    # bypass_csp: axe-core is injected as an inline script; test_csp.py checks the pages under the real CSP.
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", bypass_csp=True)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Inject axe-core from our static files and return the WCAG 2.0/2.1 A and AA violations."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return result["violations"]


def describe(violations: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{v['id']} ({v['impact']}): " + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in violations
    )


def screenshot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def set_language(context: Any, live_server: Any, language: str) -> None:
    """Choose the interface language the way set_language does (its cookie)."""
    from django.conf import settings

    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])


def log_in(context: Any, live_server: Any, user: Any) -> None:
    """Give the browser a session for ``user`` without going through the form."""
    from django.conf import settings
    from django.test import Client

    from dichvucong.security.testing import login_verified

    client = Client()
    login_verified(client, user)  # officers need a second factor; a citizen's session is unaffected
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


@pytest.fixture
def make_officer(transactional_db: None) -> Any:
    """An officer of UBND Phường Bến Thành with one role, built through the services."""
    from dichvucong.accounts.constants import Role
    from dichvucong.agencies.constants import AgencyKind
    from dichvucong.agencies.services import create_agency, create_officer

    city = create_agency(
        actor=None, code="000.00.00.H29", name="Ủy ban nhân dân Thành phố", kind=AgencyKind.CITY
    )
    ward = create_agency(
        actor=None,
        code="000.50.68.H29",
        name="UBND Phường Bến Thành",
        name_en="Ben Thanh Ward People's Committee",
        kind=AgencyKind.WARD,
        parent=city,
    )

    def make(*, role: str = Role.COUNTER_OFFICER, full_name: str = "Tran Thi Binh") -> Any:
        user, _assignment = create_officer(
            actor=None,
            username=f"canbo{next(_counter)}",
            full_name=full_name,
            agency=ward,
            role=role,
            password=PASSWORD,
        )
        return user

    return make


@pytest.fixture
def make_citizen(transactional_db: None) -> Any:
    from dichvucong.accounts.services import register_citizen

    def make(*, full_name: str = "Nguyen Van An") -> Any:
        return register_citizen(username=f"congdan{next(_counter)}", full_name=full_name, password=PASSWORD)

    return make
