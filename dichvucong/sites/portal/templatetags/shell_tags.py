"""Template helpers shared by the three shells."""

from __future__ import annotations

import datetime as dt
import math

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def lockout_minutes(value: dt.timedelta | None) -> int:
    """Whole minutes (rounded up, at least 1) of a lockout cool-off period, for the lockout page."""
    if not value:
        return 0
    return max(1, math.ceil(value.total_seconds() / 60))


@register.simple_tag
def default_language() -> str:
    """The site's default language (settings.LANGUAGE_CODE), e.g. for the kiosk's idle reset."""
    return settings.LANGUAGE_CODE
