"""Kiosk pages: the welcome screen asks for the dossier code, then the evaluation (``rating_views``).

No login: the kiosk stands in the one-stop-shop hall. Idle screens return to the welcome screen by
themselves (``static/evaluation/kiosk.js``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from dichvucong.sites.evaluation.forms import DossierCodeForm


@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """Welcome screen; a valid code moves on to the stages of that dossier.

    ``?reset=1`` (sent by the idle timer) also puts the kiosk back in the default language, so the
    next visitor does not inherit the previous one's choice.
    """
    if request.method == "GET" and request.GET.get("reset") == "1":
        response = redirect("evaluation:home")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE, samesite=settings.LANGUAGE_COOKIE_SAMESITE
        )
        return response
    form = DossierCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect("evaluation:choose_stage", code=form.cleaned_data["code"])
    return render(request, "evaluation/home.html", {"form": form}, status=400 if form.errors else 200)
