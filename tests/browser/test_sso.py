"""Single sign-on pages in a real browser: the consent screen and the personal token page."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.browser.conftest import PASSWORD, describe, log_in, run_axe, screenshot


@pytest.mark.browser
def test_consent_screen_is_accessible_and_approving_returns_a_code(
    live_server: Any, page: Any, context: Any, transactional_db: None
) -> None:
    """Given a citizen and a third-party client, when the citizen opens its authorization request, then
    the consent screen names the application and the scopes in plain words, passes axe at 320 px, and
    approving sends the browser back to the client with a code."""
    from dichvucong.accounts.services import register_citizen
    from dichvucong.identity.services import register_oidc_client

    user = register_citizen(username="sso-citizen", full_name="Phạm Thị D", password=PASSWORD)
    app = register_oidc_client(
        actor=None,
        name="Ứng dụng Giáo dục",
        redirect_uris=["http://rp.example/callback"],
        confidential=True,
        allowed_scopes=["openid", "profile", "email"],
    ).application
    log_in(context, live_server, user)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(b"v" * 50).digest()).rstrip(b"=").decode()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": "http://rp.example/callback",
            "scope": "openid profile email",
            "state": "s1",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/o/authorize/?{query}")
    assert "Ứng dụng Giáo dục" in page.locator("h1").inner_text()
    assert page.get_by_text("Địa chỉ thư điện tử của bạn").is_visible()
    violations = run_axe(page)
    screenshot(page, "sso-consent-320")
    assert not violations, describe(violations)
    page.route("http://rp.example/**", lambda route: route.fulfill(status=200, body="ok"))
    with page.expect_request(lambda request: request.url.startswith("http://rp.example/callback")) as sent:
        page.get_by_role("button", name="Đồng ý").click()
    assert "code=" in sent.value.url and "state=s1" in sent.value.url


@pytest.mark.browser
def test_token_page_is_accessible(live_server: Any, page: Any, context: Any, transactional_db: None) -> None:
    """Given a signed-in citizen, when they create a token on the token page, then it is shown once in
    a labelled field and the page passes axe."""
    from dichvucong.accounts.services import register_citizen

    log_in(
        context, live_server, register_citizen(username="sso-tokens", full_name="Võ Văn E", password=PASSWORD)
    )
    page.goto(f"{live_server.url}/tai-khoan/ma-truy-cap/")
    page.get_by_label("Tên gợi nhớ").fill("Kịch bản sao lưu")
    page.get_by_label("Đọc thông tin tài khoản của bạn qua API").check()
    page.get_by_role("button", name="Tạo mã truy cập").click()
    assert page.get_by_label("Mã truy cập mới").input_value().startswith("dvcpat_")
    violations = run_axe(page)
    assert not violations, describe(violations)
