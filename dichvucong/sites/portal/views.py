"""Portal pages: home, the placeholder procedure search, static pages and the login/logout views.

Views stay thin: they pick a template and pass what the request says. The only logic here is where a
user lands after logging in (officers go to the back office) and that a ``next`` must be safe.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import i18n

from dichvucong.accounts.constants import UserKind
from dichvucong.accounts.services import set_preferred_language

SEARCH_QUERY_MAX_LENGTH = 200


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def procedure_search(request: HttpRequest) -> HttpResponse:
    """Placeholder for the catalog search (a later issue replaces it); echoes the query back."""
    query = request.GET.get("q", "").strip()[:SEARCH_QUERY_MAX_LENGTH]
    return render(request, "portal/procedure_search.html", {"search_query": query})


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (cookie, safe ``next``), also saved on the account when signed in."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    supported = {code for code, _name in settings.LANGUAGES}
    if request.method == "POST" and request.user.is_authenticated and language in supported:
        set_preferred_language(user=request.user, language=language)
    return response


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/pages/accessibility.html")


class LoginView(auth_views.LoginView):
    """Django's login with our template; axes counts failures and locks out (see settings)."""

    template_name = "portal/account/login.html"
    redirect_authenticated_user = False

    def get_default_redirect_url(self) -> str:
        """Where to go without a (safe) ``next``: officers to the back office, others to the portal."""
        if getattr(self.request.user, "kind", None) == UserKind.OFFICER:
            return reverse("backoffice:home")
        return reverse("portal:home")


class LogoutView(auth_views.LogoutView):
    """POST-only logout (Django 5) back to the portal home."""

    next_page = "portal:home"
