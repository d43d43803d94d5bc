"""``{% backoffice_nav %}``: the role-filtered back-office menu for the current request;
``|waiting_time``: how long something has waited, in our own translations (Django's Vietnamese
catalog has no ``timesince`` units)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import ngettext

from dichvucong.core import clock
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


@register.filter
def waiting_time(since: Any) -> str:
    """``3 ngày 2 giờ`` / ``3 days 2 hours`` since ``since`` (two largest units; minutes under an hour)."""
    if since is None:
        return ""
    minutes = max(0, int((clock.now() - since).total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d ngày", "%(n)d ngày", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d giờ", "%(n)d giờ", hours) % {"n": hours})
    if not days and (minutes or not hours):
        parts.append(ngettext("%(n)d phút", "%(n)d phút", minutes) % {"n": minutes})
    return " ".join(parts[:2])
