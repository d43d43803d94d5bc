"""The full OIDC flow against a live server, driven by Authlib as a relying party would."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

from dichvucong.identity.tests.conftest import CCCD, PASSWORD

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def _login_and_consent(browser: requests.Session, live_url: str, authorize_url: str) -> str:
    """Open the authorize URL, sign in on the login form, approve the consent; return the redirect."""
    page = browser.get(authorize_url)
    assert urlsplit(page.url).path == "/login/", "an anonymous user is asked to sign in first"
    csrf = browser.cookies["csrftoken"]
    next_url = parse_qs(urlsplit(page.url).query)["next"][0]
    consent = browser.post(
        f"{live_url}/login/",
        data={"csrfmiddlewaretoken": csrf, "username": "nguyenvana", "password": PASSWORD, "next": next_url},
        headers={"Referer": page.url},
    )
    assert consent.status_code == 200 and "Ứng dụng Hộ tịch" in consent.text
    assert "Số căn cước công dân của bạn" in consent.text, "the consent lists the scopes in plain words"
    fields = dict(HIDDEN.findall(consent.text))
    answer = browser.post(
        consent.url,
        data={**fields, "allow": "Authorize", "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        headers={"Referer": consent.url},
        allow_redirects=False,
    )
    assert answer.status_code == 302
    return answer.headers["Location"]


@pytest.mark.slow
def test_authlib_relying_party_signs_in_refreshes_and_logs_out(
    live_server: Any, citizen: Any, make_client: Any
) -> None:
    """Given a registered confidential client and a citizen, when Authlib runs the authorization-code
    flow with PKCE (authorize → login → consent → token), then the ID token verifies against the JWKS
    and carries the citizen's name, CCCD and assurance level; userinfo agrees; the refresh token rotates
    (the old one is refused); the code cannot be replayed; RP-initiated logout ends the session."""
    registered = make_client()
    client_id, secret = registered.application.client_id, registered.client_secret
    base = live_server.url
    discovery = requests.get(f"{base}/o/.well-known/openid-configuration", timeout=10).json()
    assert discovery["issuer"] == f"{base}/o"
    assert "S256" in discovery.get("code_challenge_methods_supported", ["S256"])

    rp = OAuth2Session(
        client_id,
        secret,
        scope="openid profile email cccd",
        redirect_uri="http://rp.example/callback",
        code_challenge_method="S256",
    )
    verifier = "v" * 20 + "-pkce-verifier-of-the-relying-party-2026"
    authorize_url, state = rp.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier, nonce="n-0S6_WzA2Mj"
    )
    browser = requests.Session()
    callback = _login_and_consent(browser, base, authorize_url)
    query = parse_qs(urlsplit(callback).query)
    assert callback.startswith("http://rp.example/callback?") and query["state"] == [state]
    assert query["iss"] == [discovery["issuer"]], "RFC 9207: the answer names its issuer"

    token = rp.fetch_token(
        discovery["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )
    keys = KeySet.import_key_set(requests.get(discovery["jwks_uri"], timeout=10).json())
    id_token = jwt.decode(token["id_token"], keys)
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": discovery["issuer"]},
        aud={"essential": True, "value": client_id},
        nonce={"essential": True, "value": "n-0S6_WzA2Mj"},
    ).validate(id_token.claims)
    assert id_token.claims["name"] == "Nguyễn Văn A"
    assert id_token.claims["preferred_username"] == "nguyenvana"
    assert id_token.claims["acr"] == "2" and id_token.claims["cccd"] == CCCD

    userinfo = rp.get(discovery["userinfo_endpoint"]).json()
    assert userinfo["sub"] == id_token.claims["sub"] and userinfo["cccd"] == CCCD
    assert userinfo["email"] == "a@dichvucong.example"

    with pytest.raises(OAuthError) as replay:
        rp.fetch_token(discovery["token_endpoint"], authorization_response=callback, code_verifier=verifier)
    assert replay.value.error == "invalid_grant"

    old_refresh = token["refresh_token"]
    refreshed = rp.refresh_token(discovery["token_endpoint"], refresh_token=old_refresh)
    assert refreshed["access_token"] != token["access_token"] and refreshed["refresh_token"] != old_refresh
    with pytest.raises(OAuthError) as reuse:
        rp.refresh_token(discovery["token_endpoint"], refresh_token=old_refresh)
    assert reuse.value.error == "invalid_grant"

    logout = browser.get(
        discovery["end_session_endpoint"],
        params={
            "id_token_hint": token["id_token"],
            "post_logout_redirect_uri": "http://rp.example/bye",
            "state": "bye-1",
        },
        allow_redirects=False,
    )
    assert logout.status_code == 302 and logout.headers["Location"] == "http://rp.example/bye?state=bye-1"
    again = browser.get(authorize_url, allow_redirects=False)
    assert urlsplit(again.headers["Location"]).path == "/login/", "the session ended"
