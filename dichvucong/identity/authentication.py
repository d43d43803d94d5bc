"""REST API authentication by ``Authorization: Bearer <token>`` and a scope check.

Two kinds of bearer token are accepted: personal API tokens (``dvcpat_…``, stored hashed in
``PersonalAccessToken``) and access tokens issued by our OIDC provider (django-oauth-toolkit, stored
as a SHA-256 checksum). Expired, revoked or unknown tokens get ``401`` with a ``WWW-Authenticate:
Bearer error="invalid_token"`` header. ``request.auth`` becomes a ``BearerGrant`` whose scopes
``HasScope`` checks; a browser session (no bearer token) is the user in person and passes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from dichvucong.core import clock
from dichvucong.identity.constants import TokenKind
from dichvucong.identity.selectors import get_personal_token_by_hash
from dichvucong.identity.services import record_token_use
from dichvucong.identity.tokens import hash_token, looks_like_personal_token

REALM = "dichvucong"


@dataclass(frozen=True)
class BearerGrant:
    kind: str
    token_ref: str
    scopes: frozenset[str]


class InvalidToken(exceptions.AuthenticationFailed):
    default_detail = _("Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi.")
    default_code = "invalid_token"


def _client_ip(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Any) -> tuple[Any, BearerGrant] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise InvalidToken()
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise InvalidToken() from None
        if looks_like_personal_token(token):
            user, grant = self._personal(token)
        else:
            user, grant = self._oauth(token)
        record_token_use(kind=grant.kind, token_ref=grant.token_ref, user=user, ip=_client_ip(request))
        return user, grant

    def _personal(self, token: str) -> tuple[Any, BearerGrant]:
        row = get_personal_token_by_hash(hash_token(token))
        if row is None or not row.is_active_at(clock.now()) or not row.owner.is_active:
            raise InvalidToken()
        return row.owner, BearerGrant(TokenKind.PERSONAL, row.prefix, frozenset(row.scopes))

    def _oauth(self, token: str) -> tuple[Any, BearerGrant]:
        from oauth2_provider.models import AccessToken

        checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
        row = (
            AccessToken.objects.select_related("user", "application").filter(token_checksum=checksum).first()
        )
        if row is None or row.is_expired() or row.user is None or not row.user.is_active:
            raise InvalidToken()
        return row.user, BearerGrant(
            TokenKind.OAUTH, f"{row.application.client_id[:40]}:{row.pk}", frozenset(row.scope.split())
        )

    def authenticate_header(self, request: Any) -> str:
        if get_authorization_header(request).lower().startswith(b"bearer"):
            return f'Bearer realm="{REALM}", error="invalid_token"'
        return f'Bearer realm="{REALM}"'


def HasScope(*scopes: str) -> type[BasePermission]:
    """``permission_classes = [HasScope("dossiers:read")]``: a signed-in caller whose bearer token
    carries every one of ``scopes`` (a browser session acts as the user in person and passes)."""
    wanted = frozenset(scopes)

    class _HasScope(BasePermission):
        @property
        def message(self) -> str:
            return gettext("Mã truy cập không có phạm vi cần thiết: %(scopes)s.") % {
                "scopes": " ".join(sorted(wanted))
            }

        def has_permission(self, request: Any, view: Any) -> bool:
            if not (request.user and request.user.is_authenticated):
                return False
            grant = request.auth
            if isinstance(grant, BearerGrant):
                return wanted <= grant.scopes
            return True

    _HasScope.__name__ = f"HasScope({' '.join(sorted(wanted))})"
    return _HasScope


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI document (``/api/v1/schema/``) describes ``BearerTokenAuthentication``."""

    target_class = "dichvucong.identity.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (dvcpat_…) or an access token of the OIDC provider at /o/.",
        }
