"""Personal API tokens and the bearer authentication of the REST API."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from dichvucong.core import clock
from dichvucong.core.models import AuditEntry
from dichvucong.identity.models import ApiTokenUse, PersonalAccessToken
from dichvucong.identity.services import IdentityError, create_personal_token, revoke_personal_token
from dichvucong.identity.tests.conftest import basic_auth, pkce_pair

pytestmark = pytest.mark.django_db


def _in(days: int) -> dt.datetime:
    return clock.now() + dt.timedelta(days=days)


def test_token_is_stored_as_hash_and_reads_the_profile(citizen: Any) -> None:
    """Given a personal token with profile:read, when it calls GET /api/v1/me/, then the caller's profile
    comes back; the database keeps only its hash and visible prefix; the use is recorded and audited."""
    created = create_personal_token(
        owner=citizen, name="Kế toán", scopes=["profile:read"], expires_at=_in(30)
    )
    row = PersonalAccessToken.objects.get()
    assert created.plaintext.startswith(row.prefix) and created.plaintext not in (row.token_hash, row.prefix)
    answer = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {created.plaintext}")
    assert answer.status_code == 200 and answer.json()["username"] == "nguyenvana"
    assert ApiTokenUse.objects.filter(token_ref=row.prefix).count() == 1
    assert AuditEntry.objects.filter(action="identity.token.use").count() == 1
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_token_without_the_scope_is_forbidden(citizen: Any) -> None:
    """Given a token with only dossiers:read, when it calls /api/v1/me/ (profile:read), then 403."""
    created = create_personal_token(owner=citizen, name="Hồ sơ", scopes=["dossiers:read"], expires_at=_in(30))
    answer = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {created.plaintext}")
    assert answer.status_code == 403 and "profile:read" in answer.json()["error"]["message"]


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown"])
def test_revoked_expired_and_unknown_tokens_get_401(citizen: Any, state: str) -> None:
    """Given a revoked, expired or made-up token, when it calls the API, then 401 with
    WWW-Authenticate: Bearer … error="invalid_token" in the API's error shape."""
    created = create_personal_token(owner=citizen, name="Cũ", scopes=["profile:read"], expires_at=_in(30))
    token = created.plaintext
    if state == "revoked":
        revoke_personal_token(actor=citizen, token=created.token)
    elif state == "expired":
        PersonalAccessToken.objects.update(expires_at=clock.now() - dt.timedelta(seconds=1))
    else:
        token = token[:-4] + "AAAA"
    answer = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 401
    assert 'error="invalid_token"' in answer["WWW-Authenticate"]
    assert answer.json()["error"]["code"] == "invalid_token"


def test_anonymous_call_gets_401_with_bearer_challenge(db: None) -> None:
    """Given no credentials, when /api/v1/me/ is called, then 401 and a Bearer challenge."""
    answer = Client().get("/api/v1/me/")
    assert answer.status_code == 401 and answer["WWW-Authenticate"].startswith("Bearer")


def test_oidc_access_token_reads_the_profile_with_the_scope(citizen: Any, make_client: Any) -> None:
    """Given an access token of our provider granted profile:read, when it calls /api/v1/me/, then it
    gets the profile; a token granted without that scope gets 403."""
    registered = make_client()
    browser = Client()
    browser.force_login(citizen)

    def access_token(scope: str) -> str:
        verifier, challenge = pkce_pair()
        page = browser.get(
            "/o/authorize/",
            {
                "response_type": "code",
                "client_id": registered.application.client_id,
                "redirect_uri": "http://rp.example/callback",
                "scope": scope,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            },
        )
        fields = {k: v for k, v in page.context["form"].initial.items() if v is not None}
        code = parse_qs(urlsplit(browser.post("/o/authorize/", {**fields, "allow": "1"})["Location"]).query)[
            "code"
        ][0]
        answer = Client().post(
            "/o/token/",
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": "http://rp.example/callback",
                "code_verifier": verifier,
            },
            HTTP_AUTHORIZATION=basic_auth(registered.application.client_id, registered.client_secret),
        )
        return answer.json()["access_token"]

    good = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {access_token('openid profile:read')}")
    assert good.status_code == 200 and good.json()["full_name"] == "Nguyễn Văn A"
    narrow = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {access_token('openid profile')}")
    assert narrow.status_code == 403


def test_bad_token_requests_change_nothing(citizen: Any) -> None:
    """Given bad input (no name, unknown scope, past expiry), when creating a token, then a translated
    error names the field and no token exists."""
    for kwargs, field in [
        ({"name": " ", "scopes": ["profile:read"], "expires_at": _in(3)}, "name"),
        ({"name": "x", "scopes": ["openid"], "expires_at": _in(3)}, "scopes"),
        ({"name": "x", "scopes": ["profile:read"], "expires_at": _in(-1)}, "expires_at"),
    ]:
        with pytest.raises(IdentityError) as refused:
            create_personal_token(owner=citizen, **kwargs)
        assert refused.value.field == field
    assert not PersonalAccessToken.objects.exists()


def test_create_api_token_command_prints_a_working_token(citizen: Any) -> None:
    """Given a user, when `manage.py create_api_token USER --scopes profile:read --expires 30d` runs,
    then it prints a token that the API accepts; a bad --expires is refused."""
    out = io.StringIO()
    call_command(
        "create_api_token",
        "nguyenvana",
        "--scopes",
        "profile:read",
        "--expires",
        "30d",
        stdout=out,
        stderr=io.StringIO(),
    )
    token = out.getvalue().strip()
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    with pytest.raises(CommandError):
        call_command("create_api_token", "nguyenvana", "--scopes", "profile:read", "--expires", "someday")
