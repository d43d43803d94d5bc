"""Bad requests to our OIDC provider get the standard OAuth/OIDC errors; consent and first-party rules."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from dichvucong.identity.tests.conftest import basic_auth, pkce_pair

pytestmark = pytest.mark.django_db


def _authorize(
    client: Client,
    client_id: str,
    *,
    challenge: str | None,
    scope: str = "openid profile",
    redirect_uri: str = "http://rp.example/callback",
    **extra: str,
) -> Any:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": "st-1",
        **extra,
    }
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    return client.get("/o/authorize/?" + urlencode(params))


def _initial(page: Any) -> dict[str, str]:
    """The consent form's hidden fields, as the browser would post them."""
    return {key: value for key, value in page.context["form"].initial.items() if value is not None}


def _code(client: Client, client_id: str, challenge: str, scope: str = "openid profile") -> str:
    page = _authorize(client, client_id, challenge=challenge, scope=scope)
    answer = client.post("/o/authorize/", {**_initial(page), "allow": "Authorize"})
    assert answer.status_code == 302, answer.content[:500]
    return parse_qs(urlsplit(answer["Location"]).query)["code"][0]


def _token(client: Client, registered: Any, code: str, verifier: str) -> Any:
    return client.post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://rp.example/callback",
            "code_verifier": verifier,
        },
        HTTP_AUTHORIZATION=basic_auth(registered.application.client_id, registered.client_secret),
    )


def test_unregistered_redirect_uri_is_refused_without_redirecting(citizen: Any, make_client: Any) -> None:
    """Given a client, when /o/authorize names a redirect URI it never registered, then the provider
    shows an error page (400) and does not send the browser (or a code) there."""
    registered = make_client()
    client = Client()
    client.force_login(citizen)
    _verifier, challenge = pkce_pair()
    page = _authorize(
        client,
        registered.application.client_id,
        challenge=challenge,
        redirect_uri="http://evil.example/steal",
    )
    assert page.status_code == 400 and "Location" not in page
    assert b"invalid_request" in page.content or b"mismatching_redirect_uri" in page.content.lower()


def test_missing_pkce_is_refused(citizen: Any, make_client: Any) -> None:
    """Given a client, when it asks for a code without a PKCE challenge, then it is sent back with
    error=invalid_request (PKCE is required for every client)."""
    registered = make_client()
    client = Client()
    client.force_login(citizen)
    answer = _authorize(client, registered.application.client_id, challenge=None)
    assert answer.status_code == 302
    assert parse_qs(urlsplit(answer["Location"]).query)["error"] == ["invalid_request"]


def test_pkce_mismatch_and_replayed_code_are_invalid_grant(citizen: Any, make_client: Any) -> None:
    """Given an authorization code, when the token request carries the wrong code_verifier, then it is
    invalid_grant; with the right one it succeeds once, and the same code again is invalid_grant."""
    registered = make_client()
    client = Client()
    client.force_login(citizen)
    verifier, challenge = pkce_pair()
    code = _code(client, registered.application.client_id, challenge)
    wrong = _token(Client(), registered, code, "x" * 50)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    code = _code(client, registered.application.client_id, challenge)
    assert _token(Client(), registered, code, verifier).status_code == 200
    replay = _token(Client(), registered, code, verifier)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"


def test_expired_and_unknown_access_tokens_get_401_at_userinfo(citizen: Any, make_client: Any) -> None:
    """Given an access token, when it has expired (or never existed), then userinfo answers 401 with
    a WWW-Authenticate: Bearer error="invalid_token"."""
    from oauth2_provider.models import AccessToken

    registered = make_client()
    client = Client()
    client.force_login(citizen)
    verifier, challenge = pkce_pair()
    token = _token(
        Client(), registered, _code(client, registered.application.client_id, challenge), verifier
    ).json()
    ok = Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
    assert ok.status_code == 200 and ok.json()["preferred_username"] == "nguyenvana"
    AccessToken.objects.update(expires=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    expired = Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
    assert expired.status_code == 401 and "invalid_token" in expired["WWW-Authenticate"]
    unknown = Client().get("/o/userinfo/", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert unknown.status_code == 401


def test_cccd_stays_hidden_from_clients_not_allowed_to_see_it(citizen: Any, make_client: Any) -> None:
    """Given a client without the CCCD permission, when it asks for the cccd scope, then it gets
    invalid_scope; asking for openid profile, its userinfo carries no cccd."""
    registered = make_client(may_see_cccd=False, allowed_scopes=["openid", "profile"])
    client = Client()
    client.force_login(citizen)
    verifier, challenge = pkce_pair()
    asked = _authorize(client, registered.application.client_id, challenge=challenge, scope="openid cccd")
    assert parse_qs(urlsplit(asked["Location"]).query)["error"] == ["invalid_scope"]
    token = _token(
        Client(), registered, _code(client, registered.application.client_id, challenge), verifier
    ).json()
    claims = Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}").json()
    assert "cccd" not in claims and claims["name"] == "Nguyễn Văn A"


def test_consent_can_be_denied(citizen: Any, make_client: Any) -> None:
    """Given the consent screen, when the citizen presses "Từ chối", then the client gets
    error=access_denied and no code."""
    registered = make_client()
    client = Client()
    client.force_login(citizen)
    _verifier, challenge = pkce_pair()
    page = _authorize(client, registered.application.client_id, challenge=challenge)
    assert page.status_code == 200 and "Ứng dụng Hộ tịch" in page.content.decode()
    answer = client.post("/o/authorize/", _initial(page))
    query = parse_qs(urlsplit(answer["Location"]).query)
    assert query["error"] == ["access_denied"] and "code" not in query


def test_logout_refuses_unregistered_post_logout_redirect(citizen: Any, make_client: Any) -> None:
    """Given a signed-in citizen, when a logout request names an unregistered post_logout_redirect_uri,
    then the provider shows an error and does not redirect there."""
    registered = make_client()
    client = Client()
    client.force_login(citizen)
    answer = client.get(
        "/o/logout/",
        {"client_id": registered.application.client_id, "post_logout_redirect_uri": "http://evil.example/"},
    )
    assert answer.status_code == 400 and "Location" not in answer


def test_signing_in_to_the_portal_once_is_enough_for_kiosk_and_authorize(citizen: Any) -> None:
    """Given the first-party clients and a citizen signed in once in the portal, when they open the
    kiosk and an /o/authorize for the kiosk client, then neither asks them to log in: the authorize
    answers straight away with a code (no login page, no consent)."""
    from dichvucong.identity.services import ensure_first_party_clients

    apps = {app.policy.code: app for app in ensure_first_party_clients(site_url="http://testserver")}
    assert ensure_first_party_clients(site_url="http://testserver")[2].pk == apps["kiosk"].pk, "idempotent"
    client = Client()
    client.force_login(citizen)
    assert client.get("/evaluation/").status_code == 200
    _verifier, challenge = pkce_pair()
    answer = _authorize(
        client, apps["kiosk"].client_id, challenge=challenge, redirect_uri="http://testserver/evaluation/"
    )
    assert answer.status_code == 302
    location = urlsplit(answer["Location"])
    assert location.path == "/evaluation/" and "code" in parse_qs(location.query)
