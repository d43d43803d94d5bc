"""The account menu shared by every account page (``portal/account/_nav.html``)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def account_nav_items(context: template.Context) -> list[dict[str, Any]]:
    """The account pages that exist, the current one marked (by the request's URL name)."""
    from dichvucong.sites.portal.account_views import account_nav_items as items

    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return items(match.view_name if match else "")
