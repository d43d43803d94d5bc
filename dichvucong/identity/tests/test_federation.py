"""National SSO federation, end to end against a real OIDC provider started for the test: a second
instance of this project (its own VAR_DIR and SQLite database) plays the national portal."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from dichvucong.identity.tests.conftest import CCCD, PASSWORD

ROOT = Path(__file__).resolve().parents[3]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
UPSTREAM_CLIENT_ID = "hcmc-portal-test"
UPSTREAM_SECRET = "upstream-secret-for-the-federation-test-0123456789"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def national_portal(tmp_path_factory: pytest.TempPathFactory, live_server: Any) -> Iterator[str]:
    """A migrated second instance with a citizen (CCCD, level 2) and our client, on 127.0.0.1."""
    tmp_path = tmp_path_factory.mktemp("national-portal")
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("NATIONAL_SSO_", "DATABASE_"))
    }
    env.update(
        VAR_DIR=str(tmp_path),
        DJANGO_ENV="test",
        DATABASE_URL=f"sqlite:///{tmp_path / 'national.sqlite3'}",
        LOG_LEVEL="WARNING",
        PYTHONWARNINGS="ignore",
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run(  # noqa: S603 - our own manage.py
        [*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT, timeout=300
    )
    subprocess.run(  # noqa: S603 - our own manage.py
        [
            *manage,
            "oidc_test_provider",
            "--username",
            "vneid-user",
            "--password",
            PASSWORD,
            "--cccd",
            CCCD,
            "--full-name",
            "Trần Thị Quốc Gia",
            "--assurance-level",
            "2",
            "--client-id",
            UPSTREAM_CLIENT_ID,
            "--client-secret",
            UPSTREAM_SECRET,
            "--redirect-uri",
            f"{live_server.url}/dang-nhap/quoc-gia/callback/",
        ],
        env=env,
        check=True,
        cwd=ROOT,
        timeout=120,
        stdout=subprocess.DEVNULL,
    )
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own manage.py
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(200):
            try:
                requests.get(f"{base}/healthz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def federation_settings(settings: Any, national_portal: str) -> Iterator[None]:
    from dichvucong.identity import federation

    settings.NATIONAL_SSO_METADATA_URL = f"{national_portal}/o/.well-known/openid-configuration"
    settings.NATIONAL_SSO_CLIENT_ID = UPSTREAM_CLIENT_ID
    settings.NATIONAL_SSO_CLIENT_SECRET = UPSTREAM_SECRET
    settings.NATIONAL_SSO_SCOPES = "openid profile email cccd"
    federation._client.cache_clear()
    yield
    federation._client.cache_clear()


@pytest.mark.slow
def test_login_through_the_national_portal_links_the_account_by_cccd(
    live_server: Any, national_portal: str, federation_settings: None, citizen: Any
) -> None:
    """Given a local citizen at assurance level 1 holding CCCD X and a national portal whose user with
    CCCD X is at level 2, when the citizen clicks "Log in with the National Public Service Portal" and
    signs in there, then they come back signed in to OUR portal as the same account, now linked and
    raised to level 2; the login button shows on the login page."""
    from dichvucong.identity.models import FederatedIdentity

    citizen.assurance_level = 1
    citizen.save()
    browser = requests.Session()
    login_page = browser.get(f"{live_server.url}/login/")
    assert "/dang-nhap/quoc-gia/" in login_page.text, "the button shows when the federation is configured"

    upstream_login = browser.get(f"{live_server.url}/dang-nhap/quoc-gia/?next=/evaluation/")
    assert upstream_login.url.startswith(f"{national_portal}/login/")
    landed = browser.post(
        upstream_login.url,
        data={
            "csrfmiddlewaretoken": CSRF.search(upstream_login.text).group(1),
            "username": "vneid-user",
            "password": PASSWORD,
            "next": upstream_login.url.split("next=", 1)[1]
            and requests.utils.unquote(upstream_login.url.split("next=", 1)[1]),
        },
        headers={"Referer": upstream_login.url},
    )
    assert landed.status_code == 200 and urlsplit(landed.url).path == "/evaluation/"
    me = browser.get(f"{live_server.url}/api/v1/me/")
    assert me.status_code == 200 and me.json()["username"] == "nguyenvana"
    assert me.json()["assurance_level"] == 2
    link = FederatedIdentity.objects.get()
    assert link.user == citizen and link.issuer == f"{national_portal}/o"
    from dichvucong.security.constants import LoginMethod
    from dichvucong.security.models import LoginEvent

    assert LoginEvent.objects.filter(user=citizen, success=True, method=LoginMethod.SSO).count() == 1


@pytest.mark.slow
def test_tampered_state_is_refused(
    live_server: Any, national_portal: str, federation_settings: None, db: None
) -> None:
    """Given a callback whose state was never issued (a forged or replayed answer), when it arrives,
    then the login is refused with a clear message and nobody is signed in."""
    browser = requests.Session()
    answer = browser.get(f"{live_server.url}/dang-nhap/quoc-gia/callback/?code=abc&state=forged")
    assert answer.status_code == 400 and "không thành công" in answer.text
    assert browser.get(f"{live_server.url}/api/v1/me/").status_code == 401
