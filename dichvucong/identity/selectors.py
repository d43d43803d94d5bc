"""Reads of single sign-on."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from oauth2_provider.models import Application

from dichvucong.identity.models import FederatedIdentity, PersonalAccessToken


def list_personal_tokens(owner: Any) -> QuerySet[PersonalAccessToken]:
    return PersonalAccessToken.objects.filter(owner=owner).order_by("-created_at")


def get_personal_token(owner: Any, pk: int) -> PersonalAccessToken:
    """One of ``owner``'s tokens; ``DoesNotExist`` for anybody else's (the view answers 404)."""
    return list_personal_tokens(owner).get(pk=pk)


def get_personal_token_by_hash(token_hash: str) -> PersonalAccessToken | None:
    return PersonalAccessToken.objects.select_related("owner").filter(token_hash=token_hash).first()


def list_oidc_clients() -> QuerySet[Application]:
    return Application.objects.select_related("policy").order_by("name")


def get_oidc_client(pk: int) -> Application:
    return list_oidc_clients().get(pk=pk)


def list_federated_identities(user: Any) -> QuerySet[FederatedIdentity]:
    return FederatedIdentity.objects.filter(user=user).order_by("issuer")
