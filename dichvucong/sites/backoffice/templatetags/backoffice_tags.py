"""``{% backoffice_nav %}``: the role-filtered back-office menu for the current request."""

from __future__ import annotations

from typing import Any

from django import template

from dichvucong.sites.backoffice.navigation import build_navigation

register = template.Library()


@register.inclusion_tag("backoffice/_nav.html", takes_context=True)
def backoffice_nav(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    scope = getattr(request, "data_scope", None)
    if scope is None:
        return {"links": []}
    match = request.resolver_match
    return {"links": build_navigation(scope, current_view_name=match.view_name if match else None)}
