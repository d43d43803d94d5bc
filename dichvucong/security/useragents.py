"""A short, human name for a browser from its User-Agent header ("Chrome · Android").

Deliberately coarse: it names the browser family and the operating system, which is what a person
recognises in a list of their sessions and what decides whether a sign-in comes from a new device.
Order matters: many browsers also claim to be Chrome or Safari.
"""

from __future__ import annotations

import re

_BROWSERS: tuple[tuple[str, str], ...] = (
    (r"coc_coc_browser|CocCoc", "Cốc Cốc"),
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"SamsungBrowser", "Samsung Internet"),
    (r"Zalo", "Zalo"),
    (r"Firefox|FxiOS", "Firefox"),
    (r"Chrome|CriOS|Chromium", "Chrome"),
    (r"Safari", "Safari"),
)
_SYSTEMS: tuple[tuple[str, str], ...] = (
    (r"Android", "Android"),
    (r"iPhone|iPad|iPod", "iOS"),
    (r"Windows", "Windows"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"CrOS", "ChromeOS"),
    (r"Linux", "Linux"),
)


def _first(patterns: tuple[tuple[str, str], ...], text: str) -> str:
    for pattern, name in patterns:
        if re.search(pattern, text):
            return name
    return ""


def describe_user_agent(user_agent: str) -> str:
    """``"Chrome · Windows"``; ``""`` when nothing is recognised."""
    browser = _first(_BROWSERS, user_agent or "")
    system = _first(_SYSTEMS, user_agent or "")
    return " · ".join(part for part in (browser, system) if part)
