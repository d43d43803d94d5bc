"""Writes of single sign-on: OIDC clients, personal API tokens and their use, federated sign-in.

Secrets (client secrets, tokens) are returned once to the caller and never stored in plaintext,
never audited, never logged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import Application

from dichvucong.core import clock
from dichvucong.core.audit import record_audit
from dichvucong.identity.constants import (
    API_SCOPES,
    FIRST_PARTY_CLIENTS,
    PERSONAL_TOKEN_MAX_DAYS,
    TOKEN_USE_WRITE_INTERVAL,
    Scope,
    TokenKind,
)
from dichvucong.identity.models import ApiTokenUse, ClientPolicy, PersonalAccessToken
from dichvucong.identity.tokens import generate_personal_token, hash_token


class IdentityError(Exception):
    """A refused change, with a translated message (and the form field it concerns, if any)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- OIDC clients ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisteredClient:
    application: Application
    client_secret: str | None  # plaintext, only for confidential clients, shown once


def _clean_uris(uris: list[str], *, field: str) -> list[str]:
    cleaned = []
    schemes = ("https",) if settings.PRODUCTION else ("http", "https")
    for raw in uris:
        uri = raw.strip()
        if not uri:
            continue
        parts = urlsplit(uri)
        if parts.scheme not in schemes or not parts.netloc or parts.fragment or "*" in uri:
            raise IdentityError(
                _(
                    "Địa chỉ “%(uri)s” không hợp lệ: cần một địa chỉ đầy đủ bắt đầu bằng %(schemes)s, "
                    "không có #."
                )
                % {"uri": uri[:200], "schemes": " hoặc ".join(f"{s}://" for s in schemes)},
                field=field,
            )
        cleaned.append(uri)
    return cleaned


@transaction.atomic
def register_oidc_client(
    *,
    actor: Any,
    name: str,
    redirect_uris: list[str],
    confidential: bool,
    allowed_scopes: list[str],
    may_see_cccd: bool = False,
    skip_consent: bool = False,
    post_logout_redirect_uris: list[str] | None = None,
    code: str | None = None,
) -> RegisteredClient:
    """Register a relying party of our provider. Returns the plaintext secret once (confidential)."""
    name = name.strip()
    if not name or len(name) > 255:
        raise IdentityError(_("Hãy nhập tên ứng dụng (tối đa 255 ký tự)."), field="name")
    uris = _clean_uris(redirect_uris, field="redirect_uris")
    if not uris:
        raise IdentityError(_("Hãy nhập ít nhất một địa chỉ chuyển hướng."), field="redirect_uris")
    logout_uris = _clean_uris(post_logout_redirect_uris or [], field="post_logout_redirect_uris")
    unknown = sorted(set(allowed_scopes) - set(Scope.values))
    if unknown:
        raise IdentityError(
            _("Phạm vi không hợp lệ: %(scopes)s.") % {"scopes": ", ".join(unknown)[:200]},
            field="allowed_scopes",
        )
    scopes = [scope for scope in Scope.values if scope in set(allowed_scopes) | {Scope.OPENID}]
    if Scope.CCCD in scopes and not may_see_cccd:
        raise IdentityError(
            _("Chỉ ứng dụng được phép xem số CCCD mới được yêu cầu phạm vi CCCD."), field="allowed_scopes"
        )
    if may_see_cccd and Scope.CCCD not in scopes:
        scopes.append(Scope.CCCD)
    secret = generate_client_secret() if confidential else None
    application = Application(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL if confidential else Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(uris),
        post_logout_redirect_uris=" ".join(logout_uris),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=skip_consent,
        client_secret=secret or "",
    )
    application.save()
    ClientPolicy.objects.create(
        application=application,
        code=code or None,
        allowed_scopes=scopes,
        may_see_cccd=may_see_cccd,
        registered_by=actor,
    )
    record_audit(
        actor=actor,
        action="identity.oidc_client.register",
        target=application,
        after={
            "name": name,
            "client_id": application.client_id,
            "confidential": confidential,
            "redirect_uris": uris,
            "allowed_scopes": scopes,
            "may_see_cccd": may_see_cccd,
            "skip_consent": skip_consent,
        },
    )
    return RegisteredClient(application=application, client_secret=secret)


def ensure_first_party_clients(*, site_url: str | None = None) -> list[Application]:
    """The portal, back office and kiosk as public first-party clients (idempotent).

    They live on one origin and share the session: signing in to one signs in to all; they skip
    consent. A second run changes nothing unless ``SITE_URL`` moved (then the URIs follow it).
    """
    base = (site_url or settings.SITE_URL).rstrip("/")
    applications = []
    for code, (name, path) in FIRST_PARTY_CLIENTS.items():
        redirect_uri, logout_uri = f"{base}{path}", f"{base}/"
        policy = ClientPolicy.objects.select_related("application").filter(code=code).first()
        if policy is None:
            registered = register_oidc_client(
                actor=None,
                name=name,
                redirect_uris=[redirect_uri],
                post_logout_redirect_uris=[logout_uri],
                confidential=False,
                allowed_scopes=[Scope.OPENID, Scope.PROFILE, Scope.EMAIL, Scope.PHONE, Scope.ROLES],
                skip_consent=True,
                code=code,
            )
            applications.append(registered.application)
            continue
        application = policy.application
        if application.redirect_uris != redirect_uri or application.post_logout_redirect_uris != logout_uri:
            with transaction.atomic():
                before = {"redirect_uris": application.redirect_uris}
                application.redirect_uris, application.post_logout_redirect_uris = redirect_uri, logout_uri
                application.save(update_fields=["redirect_uris", "post_logout_redirect_uris", "updated"])
                record_audit(
                    actor=None,
                    action="identity.oidc_client.update",
                    target=application,
                    before=before,
                    after={"redirect_uris": redirect_uri},
                )
        applications.append(application)
    return applications


# --- Personal API tokens --------------------------------------------------------------------------


@dataclass(frozen=True)
class CreatedToken:
    token: PersonalAccessToken
    plaintext: str  # shown once


@transaction.atomic
def create_personal_token(
    *, owner: Any, name: str, scopes: list[str], expires_at: dt.datetime | None, actor: Any = None
) -> CreatedToken:
    """A new personal API token for ``owner``; the plaintext is returned once and stored hashed."""
    name = name.strip()
    if not name or len(name) > 100:
        raise IdentityError(_("Hãy đặt tên cho mã truy cập (tối đa 100 ký tự)."), field="name")
    if not scopes:
        raise IdentityError(_("Hãy chọn ít nhất một phạm vi."), field="scopes")
    unknown = sorted(set(scopes) - set(API_SCOPES))
    if unknown:
        raise IdentityError(
            _("Phạm vi không hợp lệ: %(scopes)s.") % {"scopes": ", ".join(unknown)[:200]}, field="scopes"
        )
    now = clock.now()
    if expires_at is not None and expires_at <= now:
        raise IdentityError(_("Ngày hết hạn phải ở sau hôm nay."), field="expires_at")
    if expires_at is None or expires_at > now + dt.timedelta(days=PERSONAL_TOKEN_MAX_DAYS):
        raise IdentityError(
            _("Mã truy cập phải có ngày hết hạn, tối đa %(days)s ngày kể từ hôm nay.")
            % {"days": PERSONAL_TOKEN_MAX_DAYS},
            field="expires_at",
        )
    if not owner.is_active:
        raise IdentityError(_("Tài khoản đã bị khóa."))
    plaintext, prefix = generate_personal_token()
    token = PersonalAccessToken.objects.create(
        owner=owner,
        name=name,
        prefix=prefix,
        token_hash=hash_token(plaintext),
        scopes=[scope for scope in API_SCOPES if scope in scopes],
        expires_at=expires_at,
    )
    record_audit(
        actor=actor or owner,
        action="identity.personal_token.create",
        target=token,
        after={
            "owner": owner.get_username(),
            "name": name,
            "prefix": prefix,
            "scopes": token.scopes,
            "expires_at": expires_at,
        },
    )
    return CreatedToken(token=token, plaintext=plaintext)


@transaction.atomic
def revoke_personal_token(*, actor: Any, token: PersonalAccessToken) -> PersonalAccessToken:
    """Revoke a token (idempotent). The caller has checked that ``actor`` may (owner: see selectors)."""
    token = PersonalAccessToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    record_audit(
        actor=actor,
        action="identity.personal_token.revoke",
        target=token,
        after={"owner": token.owner.get_username(), "prefix": token.prefix},
    )
    return token


def record_token_use(*, kind: str, token_ref: str, user: Any, ip: str | None) -> bool:
    """Note that a bearer token called the API. Returns whether a row was written.

    Cheap on purpose: at most one write per token every ``TOKEN_USE_WRITE_INTERVAL`` seconds (a cache
    key gates it), into one ``ApiTokenUse`` row per token and day; the first use of a token on a day
    also appends an audit entry, so the trail shows which tokens were used on which days without a
    hash-chain append on every API read.
    """
    if not cache.add(f"identity:token-use:{kind}:{token_ref}", 1, TOKEN_USE_WRITE_INTERVAL):
        return False
    now = clock.now()
    day = now.astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    with transaction.atomic():
        updated = ApiTokenUse.objects.filter(kind=kind, token_ref=token_ref, day=day).update(
            last_used_at=now, last_ip=ip, writes=F("writes") + 1
        )
        first_of_day = False
        if not updated:
            try:
                with transaction.atomic():
                    ApiTokenUse.objects.create(
                        kind=kind,
                        token_ref=token_ref,
                        user=user,
                        day=day,
                        first_used_at=now,
                        last_used_at=now,
                        last_ip=ip,
                    )
                first_of_day = True
            except IntegrityError:  # another worker wrote today's row first
                pass
        if kind == TokenKind.PERSONAL:
            PersonalAccessToken.objects.filter(prefix=token_ref).update(last_used_at=now)
        if first_of_day:
            record_audit(
                actor=user,
                action="identity.token.use",
                target_type="identity.apitokenuse",
                target_id=f"{kind}:{token_ref}"[:64],
                after={"kind": kind, "token": token_ref, "day": day, "ip": ip},
            )
    return True
