"""The national SSO / VNeID federation: we are an OIDC relying party of an upstream provider.

Configured by ``NATIONAL_SSO_*`` settings (the button shows only when they are set). Authlib's Django
client does the protocol — discovery, state, nonce, PKCE (S256), the code exchange and the ID-token
signature check against the upstream's JWKS; this module decides which account signs in.

First login: an account already linked to the upstream subject signs in; otherwise the account
holding the same CCCD number is linked; otherwise a new citizen account is created. The upstream's
assurance level is kept on the account and never lowered by a weaker login. A CCCD already linked
to *another* subject of the same upstream is refused.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from dichvucong.core import clock
from dichvucong.core.audit import record_audit
from dichvucong.identity.models import FederatedIdentity
from dichvucong.identity.oidc import personal_id_of
from dichvucong.identity.services import IdentityError

_CCCD = re.compile(r"^\d{12}$")
_LEVEL = re.compile(r"(\d+)\D*$")


def is_configured() -> bool:
    return bool(settings.NATIONAL_SSO_METADATA_URL and settings.NATIONAL_SSO_CLIENT_ID)


@lru_cache(maxsize=4)
def _client(metadata_url: str, client_id: str, client_secret: str, scopes: str) -> Any:
    from authlib.integrations.django_client import OAuth

    oauth = OAuth()
    return oauth.register(
        name="national_sso",
        client_id=client_id,
        client_secret=client_secret or None,
        server_metadata_url=metadata_url,
        client_kwargs={
            "scope": scopes,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_basic" if client_secret else "none",
            "timeout": 10,
        },
    )


def get_client() -> Any:
    """The Authlib client for the configured upstream (metadata and JWKS cached per process)."""
    return _client(
        settings.NATIONAL_SSO_METADATA_URL,
        settings.NATIONAL_SSO_CLIENT_ID,
        settings.NATIONAL_SSO_CLIENT_SECRET,
        settings.NATIONAL_SSO_SCOPES,
    )


def parse_assurance_level(value: Any) -> int:
    """``2``, ``"2"``, ``"loa-2"``, ``"urn:…:level:2"`` → 2; anything else → 1. Capped to our levels."""
    from dichvucong.accounts.constants import AssuranceLevel

    match = _LEVEL.search(str(value)) if value is not None else None
    level = int(match.group(1)) if match else 1
    return max(min(level, max(AssuranceLevel.values)), min(AssuranceLevel.values))


@dataclass(frozen=True)
class FederatedLogin:
    user: Any
    created: bool
    linked: bool


def cccd_lookup_index(cccd: str) -> str | None:
    """The accounts app's blind index of a CCCD number (``None`` when it keeps none)."""
    try:
        from dichvucong.accounts.validation import cccd_index
    except ImportError:
        return None
    return cccd_index(cccd)


def _find_user_by_cccd(cccd: str) -> Any:
    """The account holding ``cccd``, found through the accounts app's blind index."""
    index = cccd_lookup_index(cccd)
    if not index:
        return None
    return get_user_model().objects.filter(cccd_index=index).first()


def _unique_username(base: str) -> str:
    User = get_user_model()
    candidate = base
    while User.objects.filter(username__iexact=candidate).exists():
        candidate = f"{base}-{secrets.token_hex(2)}"
    return candidate


def _create_account(*, claims: dict[str, Any], cccd: str, level: int) -> Any:
    from dichvucong.accounts import services as account_services

    full_name = str(claims.get("name") or "").strip()[:200] or _("Công dân")
    username = _unique_username(f"vneid-{cccd}" if cccd else f"vneid-{secrets.token_hex(4)}")
    email = str(claims.get("email") or "") if claims.get("email_verified") else ""
    user = account_services.register_citizen(
        username=username, full_name=full_name, password=None, email=email
    )
    _raise_level(user, level, cccd=cccd)
    return user


def _raise_level(user: Any, level: int, *, cccd: str = "") -> None:
    """Keep the strongest assurance seen; record the CCCD proved by the upstream if the account has none."""
    fields = []
    current = getattr(user, "assurance_level", None)
    if hasattr(user, "assurance_level") and (current is None or current < level):
        user.assurance_level = level
        fields.append("assurance_level")
        if hasattr(user, "identity_verified_at") and level >= 2:
            user.identity_verified_at = clock.now()
            fields.append("identity_verified_at")
    if cccd and hasattr(user, "cccd") and not personal_id_of(user):
        user.cccd = cccd
        fields.append("cccd")
        if hasattr(user, "cccd_index"):
            user.cccd_index = cccd_lookup_index(cccd)
            fields.append("cccd_index")
    if fields:
        user.save(update_fields=fields)


@transaction.atomic
def sign_in_federated(*, issuer: str, claims: dict[str, Any]) -> FederatedLogin:
    """Find, link or create the account for verified upstream ``claims`` (an ID token's claims)."""
    subject = str(claims.get("sub") or "")
    if not issuer or not subject:
        raise IdentityError(_("Cổng Dịch vụ công quốc gia không gửi mã định danh người dùng."))
    cccd = str(claims.get("cccd") or "").strip()
    if cccd and not _CCCD.match(cccd):
        raise IdentityError(_("Số CCCD do Cổng Dịch vụ công quốc gia gửi không hợp lệ."))
    level = parse_assurance_level(claims.get(settings.NATIONAL_SSO_ASSURANCE_CLAIM))

    link = (
        FederatedIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    created = linked = False
    if link is not None:
        user = link.user
        if cccd and personal_id_of(user) and personal_id_of(user) != cccd:
            raise IdentityError(
                _(
                    "Số CCCD của tài khoản không khớp với Cổng Dịch vụ công quốc gia. "
                    "Hãy liên hệ bộ phận một cửa."
                )
            )
    else:
        user = _find_user_by_cccd(cccd) if cccd else None
        if user is not None:
            other = (
                FederatedIdentity.objects.filter(user=user, issuer=issuer).exclude(subject=subject).first()
            )
            if other is not None:
                record_audit(
                    actor=user,
                    action="identity.federation.refuse",
                    target=user,
                    after={"issuer": issuer, "reason": "cccd_linked_to_other_subject"},
                )
                raise IdentityError(
                    _(
                        "Số CCCD này đã được liên kết với một tài khoản định danh quốc gia khác. "
                        "Hãy liên hệ bộ phận một cửa để được hỗ trợ."
                    )
                )
            linked = True
        else:
            user = _create_account(claims=claims, cccd=cccd, level=level)
            created = True
        link = FederatedIdentity.objects.create(
            user=user, issuer=issuer, subject=subject, assurance_level=level
        )
    if not user.is_active:
        raise IdentityError(_("Tài khoản này đã bị khóa."))
    _raise_level(user, level, cccd=cccd)
    link.assurance_level = level
    link.last_login_at = clock.now()
    link.save(update_fields=["assurance_level", "last_login_at"])
    record_audit(
        actor=user,
        action="identity.federation.login",
        target=user,
        after={"issuer": issuer, "assurance_level": level, "created": created, "linked": linked},
    )
    return FederatedLogin(user=user, created=created, linked=linked)
