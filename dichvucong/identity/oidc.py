"""Our OIDC provider's policy, plugged into django-oauth-toolkit (settings ``OAUTH2_PROVIDER``).

* ``ClientScopes``: the scope vocabulary (``constants.Scope``) and, per client, the scopes its
  ``ClientPolicy`` allows — a client asking for more gets ``invalid_scope``.
* ``Validator``: the claims of the ID token and of userinfo. ``cccd`` leaves only for clients flagged
  ``may_see_cccd`` that were granted the ``cccd`` scope; ``acr`` is the account's assurance level.
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes

from dichvucong.identity.constants import Scope


def assurance_level_of(user: Any) -> int:
    """The account's assurance level (1 when the accounts app has none for it)."""
    return int(getattr(user, "assurance_level", None) or 1)


def personal_id_of(user: Any) -> str:
    """The account's CCCD number, or ``""``."""
    return str(getattr(user, "cccd", "") or "")


def _policy(application: Any) -> Any:
    try:
        return application.policy
    except Exception:
        return None


class ClientScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, str]:
        return {scope.value: str(scope.label) for scope in Scope}

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        if application is None:
            return list(Scope.values)
        policy = _policy(application)
        allowed = set(policy.allowed_scopes) if policy is not None else {Scope.OPENID, Scope.PROFILE}
        if policy is None or not policy.may_see_cccd:
            allowed.discard(Scope.CCCD)
        return [scope for scope in Scope.values if scope in allowed]

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return [Scope.OPENID]


class Validator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "acr": Scope.OPENID,
        "assurance_level": Scope.OPENID,
        "cccd": Scope.CCCD,
        "roles": Scope.ROLES,
    }

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        level = assurance_level_of(user)
        claims: dict[str, Any] = {
            "name": getattr(user, "display_name", "") or user.get_username(),
            "preferred_username": user.get_username(),
            "locale": getattr(user, "preferred_language", "vi"),
            "acr": str(level),
            "assurance_level": level,
            "email": user.email,
            "email_verified": bool(getattr(user, "email_verified_at", None)),
        }
        phone = str(getattr(user, "phone", "") or "")
        if phone:
            claims["phone_number"] = phone
            claims["phone_number_verified"] = bool(getattr(user, "phone_verified_at", None))
        policy = _policy(request.client) if getattr(request, "client", None) is not None else None
        cccd = personal_id_of(user)
        if cccd and policy is not None and policy.may_see_cccd:
            claims["cccd"] = cccd
        if Scope.ROLES in (request.scopes or []):
            from dichvucong.agencies.selectors import roles_of

            claims["roles"] = sorted(roles_of(user))
        return claims
