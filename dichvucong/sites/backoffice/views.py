"""Back-office pages. Every view goes through ``access.officer_required``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dichvucong.accounts.constants import Role
from dichvucong.sites.backoffice.access import officer_required
from dichvucong.sites.backoffice.scope_summary import summarise_scope


@officer_required
def home(request: HttpRequest) -> HttpResponse:
    """Dashboard: who the officer is, the roles held and the data scope in words."""
    scope = request.data_scope  # type: ignore[attr-defined]
    role_labels = [role.label for role in Role if role.value in scope.roles]
    return render(
        request,
        "backoffice/home.html",
        {"role_labels": role_labels, "scope_summary": summarise_scope(request.user, scope)},
    )
