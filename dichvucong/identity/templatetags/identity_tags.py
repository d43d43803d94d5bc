"""``{% national_sso_button next %}``: the "Log in with the National Public Service Portal" button,
rendered only when the federation is configured."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from dichvucong.identity.federation import is_configured

register = template.Library()


@register.inclusion_tag("identity/_national_sso_button.html")
def national_sso_button(next_url: str = "") -> dict[str, object]:
    if not is_configured():
        return {"enabled": False}
    url = reverse("identity:federation_login")
    if next_url:
        url = f"{url}?{urlencode({'next': next_url})}"
    return {"enabled": True, "url": url}
