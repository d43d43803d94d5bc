"""Template context shared by the three shells."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, object]:
    return {"DEMO_MODE": settings.DEMO_MODE, "SITE_URL": settings.SITE_URL}
