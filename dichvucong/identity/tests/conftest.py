"""Fixtures of the identity tests: a citizen with a password and helpers to register clients."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any

import pytest

PASSWORD = "mat-khau-thu-nghiem-2026"
CCCD = "079203001234"


@pytest.fixture(autouse=True)
def _authlib_over_http(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test servers speak plain http; Authlib refuses that unless told it is on purpose."""
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture
def citizen(db: None) -> Any:
    from dichvucong.accounts.services import register_citizen

    user = register_citizen(
        username="nguyenvana", full_name="Nguyễn Văn A", password=PASSWORD, email="a@dichvucong.example"
    )
    if hasattr(user, "cccd"):
        from dichvucong.identity.federation import cccd_lookup_index

        user.cccd, user.cccd_index = CCCD, cccd_lookup_index(CCCD)
        user.assurance_level = 2
        user.save()
    return user


@pytest.fixture
def make_client(db: None) -> Any:
    from dichvucong.identity.services import register_oidc_client

    def make(**kwargs: Any) -> Any:
        options = {
            "actor": None,
            "name": "Ứng dụng Hộ tịch",
            "redirect_uris": ["http://rp.example/callback"],
            "post_logout_redirect_uris": ["http://rp.example/bye"],
            "confidential": True,
            "allowed_scopes": ["openid", "profile", "email", "cccd", "roles", "profile:read"],
            "may_see_cccd": True,
        }
        options.update(kwargs)
        return register_oidc_client(**options)

    return make


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def basic_auth(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
