"""The kiosk look-up screen: a visitor scans or types a dossier code and sees its status on screen.

Same public answer as the portal's look-up (``dossiers.selectors.lookup_public``: masked name, status,
dates; unknown and malformed codes answered alike). Large type and touch targets come from the kiosk
shell; the shell's idle script (``static/evaluation/kiosk.js``) sends an untouched screen back to the
empty form after ``LOOKUP_IDLE_SECONDS``; without JavaScript, a "new look-up" link does the same.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from dichvucong.dossiers.selectors import lookup_public

LOOKUP_IDLE_SECONDS = 60
MAX_CODE_LENGTH = 40


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """/evaluation/tra-cuu/: ``?ma=<code>`` (the scanner types the code and Enter); ``?reset=1`` from
    the idle timer clears the screen and puts the kiosk back in the default language."""
    if request.GET.get("reset") == "1":
        response = redirect("evaluation:lookup")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE, samesite=settings.LANGUAGE_COOKIE_SAMESITE
        )
        return response
    raw = request.GET.get("ma", "")[:200]
    code = re.sub(r"\s+", "", raw).upper()
    asked = bool(code)
    result = lookup_public(code if len(code) <= MAX_CODE_LENGTH else "-") if asked else None
    response = render(
        request,
        "evaluation/lookup.html",
        {
            "code": code[:MAX_CODE_LENGTH],
            "asked": asked,
            "result": result,
            "kiosk_idle_seconds": LOOKUP_IDLE_SECONDS,
        },
    )
    response["Cache-Control"] = "no-store"
    return response
